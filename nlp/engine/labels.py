"""The engine's label tables: GoEmotions' 28 emotions, the matrix that maps a configured
classifier's own labels onto ours, and the answers for a text with nothing to read."""

from collections.abc import Sequence

import numpy as np

from feedback.labels import EMOTION_LABELS as EMOTIONS
from nlp.engine.result import EmotionResult, SentimentResult

EMOTION_LABELS = list(EMOTIONS)  # GoEmotions, in its own order (feedback.labels)


class ConfigurationError(RuntimeError):
    """The configured models cannot work together (e.g. embedded heads on another encoder)."""


def label_matrix(
    model_labels: list[str], ours: Sequence[str], mapping: dict[str, str]
) -> np.ndarray:
    """(model_labels, ours) 0/1 matrix: summing mapped probabilities (1-2 stars -> negative)."""
    matrix = np.zeros((len(model_labels), len(ours)), dtype=np.float32)
    for i, name in enumerate(model_labels):
        target = mapping.get(name) or mapping.get(name.lower()) or name.lower()
        if target in ours:
            matrix[i, ours.index(target)] = 1.0
    if not matrix.any():
        raise ConfigurationError(f"no label of {model_labels} maps to {list(ours)}")
    return matrix


def neutral() -> SentimentResult:
    return SentimentResult("neutral", {"negative": 0.0, "neutral": 1.0, "positive": 0.0})


def no_emotion() -> EmotionResult:
    return EmotionResult(["neutral"], {lab: float(lab == "neutral") for lab in EMOTION_LABELS})
