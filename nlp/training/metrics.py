"""Benchmark metrics and the label mappings they need (GoEmotions Ekman groups, TweetEval)."""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, recall_score

# Upstream goemotions/data/ekman_mapping.json (neutral maps to itself).
EKMAN = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": [
        "joy",
        "amusement",
        "approval",
        "excitement",
        "gratitude",
        "love",
        "optimism",
        "relief",
        "pride",
        "admiration",
        "desire",
        "caring",
    ],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
    "neutral": ["neutral"],
}
# TweetEval emotion (SemEval-2018 E-c subset): 0 anger, 1 joy, 2 optimism, 3 sadness. Our
# fine-grained labels are pooled by max probability into the four.
TWEETEVAL = {
    "anger": ["anger", "annoyance", "disapproval", "disgust"],
    "joy": ["joy", "amusement", "excitement", "love", "admiration", "gratitude", "pride", "relief"],
    "optimism": ["optimism", "desire", "caring", "approval"],
    "sadness": [
        "sadness",
        "disappointment",
        "grief",
        "remorse",
        "embarrassment",
        "fear",
        "nervousness",
    ],
}


def multilabel_decide(probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Labels at or above their threshold; at least the top label (every example has one)."""
    pred = probs >= thresholds
    top = probs.argmax(1)
    pred[np.arange(len(probs)), top] |= ~pred.any(1)
    return pred


def tune_thresholds(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label threshold maximising that label's F1 on the given (dev) split."""
    grid = np.arange(0.05, 0.96, 0.025, dtype=np.float32)
    pred = probs[None, :, :] >= grid[:, None, None]  # (thresholds, n, labels)
    truth = y[None].astype(bool)
    tp = (pred & truth).sum(1)
    f1 = 2 * tp / np.maximum(pred.sum(1) + truth.sum(1), 1)
    return grid[f1.argmax(0)].astype(np.float32)


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return float(f1_score(y, pred, average="macro", zero_division=0))


def ekman_macro_f1(y: np.ndarray, pred: np.ndarray, labels: list[str]) -> float:
    def group(m: np.ndarray) -> np.ndarray:
        return np.stack(
            [m[:, [labels.index(x) for x in members]].any(1) for members in EKMAN.values()], 1
        )

    return macro_f1(group(y.astype(bool)), group(pred))


def tweeteval_scores(probs: np.ndarray, labels: list[str]) -> np.ndarray:
    return np.stack(
        [probs[:, [labels.index(x) for x in members]].max(1) for members in TWEETEVAL.values()], 1
    )


def sentiment_metrics(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """(macro-averaged recall, accuracy): SemEval-2017 4A's primary and secondary measures."""
    return float(recall_score(y, pred, average="macro")), float(accuracy_score(y, pred))


def temperature_fit(probs: np.ndarray, y: np.ndarray) -> float:
    """Temperature T minimising the dev negative log-likelihood of softmax(log p / T): the
    head's logits divided by T give calibrated probabilities (same argmax)."""
    logp = np.log(np.clip(probs, 1e-7, 1.0))
    best = (np.inf, 1.0)
    for t in np.arange(0.5, 4.01, 0.05):
        z = logp / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        best = min(best, (float(nll), float(t)))
    return round(best[1], 2)


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-class probability (equal-width bins): how far confidence is from accuracy."""
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            total += inside.mean() * abs((pred[inside] == y[inside]).mean() - conf[inside].mean())
    return float(total)
