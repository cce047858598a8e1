"""Per-firm sentiment calibration from the firm's own scored comments (pure numpy, no Django).

An NPS or CSAT answer with its "why" comment is a labelled example in the firm's own language:
0-6 of 10 (1-2 of 5) is negative, 7-8 of 10 (3 of 5) neutral, 9-10 of 10 (4-5 of 5) positive.
Once a firm has at least MIN_SCORED such comments, a bias per class is fitted on the log
probabilities of the document sentiment (softmax(log p + b)), minimising the mean negative
log-likelihood with an L2 pull toward 0 (no change), so a firm whose clients write "fine" for
a 9 moves the neutral/positive boundary without retraining anything. The bias is applied to the
document sentiment only (sentences and promises keep the engine's reading); the uncalibrated
scores are kept in the analysis' model info, and refits read those, so biases never compound.
"""

from dataclasses import replace
from typing import Any

import numpy as np

from nlp.engine.result import SENTIMENT_LABELS, Result, SentimentResult

MIN_SCORED = 50  # the guard against learning from too few
L2 = 0.05  # pull of the bias toward zero, per unit of mean NLL
MAX_BIAS = 2.0  # no class is moved by more than this in log-odds
CALIBRATION_KEY = "sentiment_calibration"


def label_from_rating(rating: int, scale: int) -> int | None:
    """Sentiment class id of a survey score (None for scales we do not read)."""
    if scale == 10:
        return 0 if rating <= 6 else (1 if rating <= 8 else 2)
    if scale == 5:
        return 0 if rating <= 2 else (1 if rating == 3 else 2)
    return None


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def bias_fit(probs: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 500) -> np.ndarray:
    """Per-class bias b (summing to 0) minimising mean NLL of softmax(log p + b) + l2 * |b|^2
    (a convex problem; plain gradient descent)."""
    logp = np.log(np.clip(probs, 1e-6, 1.0))
    onehot = np.eye(len(SENTIMENT_LABELS))[y]
    b = np.zeros(len(SENTIMENT_LABELS))
    for _ in range(steps):
        grad = (_softmax(logp + b) - onehot).mean(0) + 2 * l2 * b
        b -= 1.0 * grad
        b -= b.mean()
    return np.clip(b, -MAX_BIAS, MAX_BIAS)


def bias_apply(probs: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return _softmax(np.log(np.clip(probs, 1e-6, 1.0)) + bias)


def raw_scores(sentiment_scores: dict[str, float], model_info: dict[str, Any]) -> list[float]:
    """The engine's own (uncalibrated) document scores of a stored analysis."""
    raw = (model_info or {}).get(CALIBRATION_KEY, {}).get("raw") or sentiment_scores
    return [float(raw.get(label, 0.0)) for label in SENTIMENT_LABELS]


def result_calibrated(result: Result, bias: list[float], firm_id: int) -> Result:
    """The result with its document sentiment moved by the firm's bias; the raw scores and the
    bias are recorded in its model info."""
    raw = [result.sentiment.scores[label] for label in SENTIMENT_LABELS]
    sentiment = SentimentResult.from_probs(bias_apply(np.asarray(raw), np.asarray(bias)))
    models = {
        **result.models,
        CALIBRATION_KEY: {
            "firm": firm_id,
            "bias": [round(float(b), 4) for b in bias],
            "raw": dict(result.sentiment.scores),
        },
    }
    return replace(result, sentiment=sentiment, models=models)
