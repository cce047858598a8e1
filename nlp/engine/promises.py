"""Which sentences speak to which promise, and with what sentiment toward it.

Pure numpy over embeddings the engine has already computed, so that `Engine.analyse` and the
laptop evaluation (nlp/training/evaluate_themes.py) decide with exactly the same code.

- A sentence's score for a promise is its best cosine to the promise's prototypes, over the
  whole sentence and over each of its clauses (a short clause about fees is much closer to
  "fair fees" than the long sentence that also praises the advice).
- A sentence mentions a promise at `threshold`; the promise it is closest to also counts from
  the lower `floor`, which is where most of the missed mentions sit (recall was the weak side).
- From the floor only when it stands `margin` above the low quartile of the sentence's (or one
  of its clauses') scores over the firm's promises: a sentence close to all of them is not.
- The sentiment toward a promise is that of the clause closest to it, not of the sentence.
"""

from dataclasses import dataclass

import numpy as np

from nlp.engine.themes import theme_scores

NO_CLAUSE = -1


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = 0.35
    floor: float = 0.35
    margin: float = 0.0  # over the sentence's `background` quantile across the firm's promises
    clauses: bool = True  # match clauses too (the sentiment always reads the closest clause)
    # a low quantile, not the median: with three promises the median is the second best, and a
    # sentence about two of them ("good advice, but the fees ...") would lose one
    background: float = 0.25


@dataclass
class Scored:
    sentence: np.ndarray  # (n_sentences, n_themes) whole-sentence scores
    scores: np.ndarray  # (n_sentences, n_themes) best of sentence and clause scores
    clause: np.ndarray  # (n_sentences, n_themes) index into the clauses of the best one, or -1
    clause_scores: np.ndarray  # (n_clauses, n_themes)
    clause_owner: np.ndarray  # (n_clauses,) sentence of each clause


def scored(
    sentence_emb: np.ndarray,
    clause_emb: np.ndarray,
    clause_owner: np.ndarray,
    theme_emb: list[tuple[np.ndarray, np.ndarray]],
) -> Scored:
    """Scores of every sentence for every theme; clause rows belong to sentence clause_owner."""
    whole = theme_scores(sentence_emb, theme_emb)
    sent = whole.copy()
    best_clause = np.full(sent.shape, NO_CLAUSE, dtype=np.int64)
    cl = theme_scores(clause_emb, theme_emb)
    if len(clause_emb) and sent.shape[1]:
        for k in range(len(cl)):
            row = int(clause_owner[k])
            # the clause closest to each theme, kept even where the sentence scores higher,
            # because its sentiment is the one that speaks to the theme
            closer = (best_clause[row] == NO_CLAUSE) | (cl[k] > _clause_score(cl, best_clause[row]))
            best_clause[row, closer] = k
        rows, cols = np.nonzero(best_clause != NO_CLAUSE)
        sent[rows, cols] = np.maximum(sent[rows, cols], cl[best_clause[rows, cols], cols])
    return Scored(whole, sent, best_clause, cl, np.asarray(clause_owner, dtype=np.int64))


def _clause_score(cl: np.ndarray, index: np.ndarray) -> np.ndarray:
    safe = np.where(index == NO_CLAUSE, 0, index)
    return np.where(index == NO_CLAUSE, -np.inf, cl[safe, np.arange(cl.shape[1])])


def hits(s: Scored, settings: MatchSettings) -> np.ndarray:
    """(n_sentences, n_themes) bool: which sentence mentions which theme."""
    scores = s.scores if settings.clauses else s.sentence
    found = scores >= settings.threshold
    if not scores.size or settings.floor >= settings.threshold:
        return found
    units = [(s.sentence, np.arange(len(scores)))]
    if settings.clauses and len(s.clause_scores):
        units.append((s.clause_scores, s.clause_owner))
    for unit, owner in units:
        # below the threshold, the promise a sentence (or clause) is closest to, if it stands
        # out: a piece close to every promise ("great service overall") is about none of them
        top = unit.argmax(axis=1)
        best = unit[np.arange(len(unit)), top]
        ok = best >= settings.floor
        if unit.shape[1] > 2:
            background = np.quantile(unit, settings.background, axis=1)
            ok &= best - background >= settings.margin
        found[owner[ok], top[ok]] = True
    return found


def polarity(
    rows: np.ndarray, theme: int, s: Scored, sentence_sent: np.ndarray, clause_sent: np.ndarray
) -> np.ndarray:
    """Mean sentiment probabilities toward `theme` over the sentences `rows` that mention it."""
    probs = [
        clause_sent[s.clause[r, theme]] if s.clause[r, theme] != NO_CLAUSE else sentence_sent[r]
        for r in rows
    ]
    return np.mean(probs, axis=0)
