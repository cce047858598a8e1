"""Topic keywords and labels: BERTopic's c-TF-IDF over words and two-word terms."""

import re

import numpy as np

KEYWORDS = 8

_TOKEN = re.compile(r"(?u)\b[^\W\d_][\w'’-]+\b")


def keywords_ctfidf(docs: list[str], labels: np.ndarray, k: int) -> list[list[str]]:
    """c-TF-IDF keywords per topic with BERTopic's `ClassTfidfTransformer`. The class-term
    matrix sums each document's own counts (BERTopic joins a topic's documents into one text,
    which makes bigrams across two comments, e.g. "thanks great" from "...thanks" "great...")."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    if k == 0:
        return []
    keep = np.flatnonzero(labels >= 0)
    # scikit-learn forms bigrams after dropping stop words ("come back with comments" gives
    # "come comments"); bigrams of adjacent words only named Banking77's intents less often
    # (keyword hit rate 0.812 against 0.884), so the plain vectorizer stays.
    vectorizer = CountVectorizer(
        stop_words="english",
        ngram_range=(1, 2),
        token_pattern=_TOKEN.pattern,
        min_df=2 if len(keep) >= 500 else 1,
    )
    try:
        counts = vectorizer.fit_transform([docs[i] for i in keep])
    except ValueError:  # no word survives the stop list (numbers, emoji): keywords stay empty
        return [[] for _ in range(k)]
    member = sparse.csr_matrix(
        (np.ones(len(keep)), (labels[keep], np.arange(len(keep)))), shape=(k, len(keep))
    )
    classes = member @ counts
    # BERTopic's transformer cannot build its idf diagonal from a one-word vocabulary.
    if classes.shape[1] > 1:
        classes = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(classes)
    scores = sparse.csr_matrix(classes)
    vocabulary = vectorizer.get_feature_names_out()
    out: list[list[str]] = []
    for topic in range(k):
        row = scores.getrow(topic).toarray().ravel()
        best = [i for i in np.argsort(-row, kind="stable")[:KEYWORDS] if row[i] > 0]
        out.append([str(vocabulary[i]) for i in best])
    return out


def short_label(keywords: list[str], words: int = 3) -> str:
    """The first keywords, skipping one already said by an earlier (bigram) keyword."""
    chosen: list[str] = []
    for word in keywords:
        said = " ".join(chosen).split()
        if all(part in said for part in word.split()):
            continue
        chosen = [c for c in chosen if not set(c.split()) <= set(word.split())]
        chosen.append(word)
        if len(chosen) == words:
            break
    return ", ".join(chosen)
