"""A small per-firm classifier per promise, learnt from the firm's own corrections.

Zero-shot prototypes (nlp/engine/promises.py) know a promise only by its wording; a firm's people
confirming and denying it on real items say what it means in their clients' language. Once a
promise has at least MIN_CONFIRMED confirmed and MIN_DENIED denied texts (the guard against
learning from too few), an L2 logistic regression on the sentence embedding (the one the
prototypes use: no extra encoder pass) is fitted with

- positives: the promise's prototypes (name with description, description, examples) and the
  texts confirmed to speak to it;
- negatives: the texts denied for it, and the prototypes and confirmed texts of the firm's other
  promises (a sentence about fees is not about responsiveness).

It then changes the matcher's decision for that promise (`taught_hits`): a sentence (or one of
its clauses) the classifier gives at least HIGH is a mention even where no prototype is close,
and a prototype match the classifier gives under LOW is dropped. Below the guard the promise
keeps the prototypes alone (confirmed texts are extra prototypes, denied ones counter-examples).
C, HIGH and LOW were chosen on the laptop reviews' tune half (nlp/training/evaluate_themes.py);
figures in MODEL_CARD.md. Pure numpy: a Newton fit of at most a few hundred rows by 385.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nlp.engine.themes import Theme

MIN_CONFIRMED = 5
MIN_DENIED = 5
C = 16.0  # inverse L2 strength on the summed log-loss, as scikit-learn's C
HIGH = 0.7
LOW = 0.35
NEWTON_STEPS = 25


@dataclass(frozen=True)
class PromiseModel:
    weights: np.ndarray  # (dims,)
    bias: float

    def proba(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0, np.float32)
        return (1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))).astype(np.float32)


def logistic_fit(x: np.ndarray, y: np.ndarray, c: float = C) -> PromiseModel:
    """L2-penalised logistic regression (bias unpenalised) by Newton's method: minimises the
    class-balanced sum(log-loss) + |w|^2 / (2c) (each class weighs n / 2 rows, as scikit-learn's
    "balanced": how many texts people corrected says nothing of how often a promise comes up).
    Convex, so the few steps converge from zero."""
    n, d = x.shape
    sample = np.where(y > 0.5, n / (2 * max(y.sum(), 1)), n / (2 * max(n - y.sum(), 1)))
    xb = np.hstack([x.astype(np.float64), np.ones((n, 1))])
    penalty = np.full(d + 1, 1.0 / c)
    penalty[-1] = 0.0
    w = np.zeros(d + 1)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (sample * (p - y)) + penalty * w
        hess = (xb * (sample * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return PromiseModel(weights=w[:-1].astype(np.float32), bias=float(w[-1]))


def model_fit(
    positives: np.ndarray, denied: np.ndarray, others: np.ndarray, n_confirmed: int, c: float = C
) -> PromiseModel | None:
    """The promise's classifier, or None below the guard (then the prototypes decide alone)."""
    if n_confirmed < MIN_CONFIRMED or len(denied) < MIN_DENIED:
        return None
    x = np.vstack([positives, denied, others])
    y = np.concatenate([np.ones(len(positives)), np.zeros(len(denied) + len(others))])
    return logistic_fit(x, y, c)


def taught_hits(
    found: np.ndarray,
    models: list[PromiseModel | None],
    emb: np.ndarray,
    clause_emb: np.ndarray,
    clause_owner: np.ndarray,
    *,
    high: float = HIGH,
    low: float = LOW,
) -> np.ndarray:
    """The matcher's (n_sentences, n_themes) decisions, changed for the promises that have a
    classifier: its probability of a sentence is the best of the sentence and its clauses."""
    out = found.copy()
    for j, model in enumerate(models):
        if model is None or not len(emb):
            continue
        p = model.proba(emb)
        if len(clause_emb):
            np.maximum.at(p, clause_owner, model.proba(clause_emb))
        out[:, j] = (found[:, j] & (p >= low)) | (p >= high)
    return out


def models_build(
    themes: "list[Theme]", theme_emb: list[tuple[np.ndarray, np.ndarray]], c: float = C
) -> list[PromiseModel | None]:
    """One classifier (or None) per theme of a firm's list; theme_emb[j] is theme j's
    (prototypes, counter-examples) embeddings, its confirmed texts the last prototypes."""
    out: list[PromiseModel | None] = []
    for j, theme in enumerate(themes):
        protos, denied = theme_emb[j]
        others = [theme_emb[k][0] for k in range(len(themes)) if k != j]
        rest = np.vstack(others) if others else np.zeros((0, protos.shape[1]), np.float32)
        out.append(model_fit(protos, denied, rest, len(theme.confirmed), c))
    return out


def matching_embeddings(
    themes: "list[Theme]",
    theme_emb: list[tuple[np.ndarray, np.ndarray]],
    models: list[PromiseModel | None],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """What the prototype matcher reads: a promise with a classifier is matched on its own
    wording only (its confirmed and denied texts are the classifier's to weigh: as prototypes
    and counter-examples, many of them pull in, or veto, whole topics)."""
    out = []
    for theme, (protos, counters), model in zip(themes, theme_emb, models, strict=True):
        if model is None:
            out.append((protos, counters))
        else:
            out.append((protos[: len(protos) - len(theme.confirmed)], counters[:0]))
    return out
