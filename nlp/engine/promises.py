"""Which sentences speak to which promise, and with what sentiment toward it.

Pure numpy over embeddings the engine has already computed, so that `Engine.analyse` and the
laptop evaluation (nlp/training/evaluate_themes.py) decide with exactly the same code.

- A sentence's score for a promise is its best cosine to the promise's prototypes, over the
  whole sentence and over each of its clauses (a short clause about fees is much closer to
  "fair fees" than the long sentence that also praises the advice).
- A sentence mentions a promise at `threshold`; the promise it is closest to also counts from
  the lower `floor`, which is where most of the missed mentions sit (recall was the weak side).
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
    margin: float = 0.0  # over the sentence's median score across the firm's promises
    clauses: bool = True  # match clauses too (the sentiment always reads the closest clause)


@dataclass
class Scored:
    sentence: np.ndarray  # (n_sentences, n_themes) whole-sentence scores
    scores: np.ndarray  # (n_sentences, n_themes) best of sentence and clause scores
    clause: np.ndarray  # (n_sentences, n_themes) index into the clauses of the best one, or -1


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
    if len(clause_emb) and sent.shape[1]:
        cl = theme_scores(clause_emb, theme_emb)
        for k in np.argsort(cl.max(axis=1), kind="stable"):
            row = int(clause_owner[k])
            # the clause closest to each theme, kept even where the sentence scores higher,
            # because its sentiment is the one that speaks to the theme
            closer = (best_clause[row] == NO_CLAUSE) | (cl[k] > _clause_score(cl, best_clause[row]))
            best_clause[row, closer] = k
        rows, cols = np.nonzero(best_clause != NO_CLAUSE)
        sent[rows, cols] = np.maximum(sent[rows, cols], cl[best_clause[rows, cols], cols])
    return Scored(whole, sent, best_clause)


def _clause_score(cl: np.ndarray, index: np.ndarray) -> np.ndarray:
    safe = np.where(index == NO_CLAUSE, 0, index)
    return np.where(index == NO_CLAUSE, -np.inf, cl[safe, np.arange(cl.shape[1])])


def hits(s: Scored, settings: MatchSettings) -> np.ndarray:
    """(n_sentences, n_themes) bool: which sentence mentions which theme."""
    scores = s.scores if settings.clauses else s.sentence
    found = scores >= settings.threshold
    if scores.size and settings.floor < settings.threshold:
        top = scores.argmax(axis=1)
        rows = np.arange(len(scores))
        found[rows, top] |= scores[rows, top] >= settings.floor
    if scores.size and settings.margin > 0 and scores.shape[1] > 2:
        # a sentence close to every promise ("great service overall") is about none of them
        found &= scores - np.median(scores, axis=1, keepdims=True) >= settings.margin
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
