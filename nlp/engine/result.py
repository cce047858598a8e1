"""The engine's result types: plain dataclasses that serialise to the documented JSON shape."""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

SENTIMENT_LABELS = ("negative", "neutral", "positive")


@dataclass
class SentimentResult:
    label: str
    scores: dict[str, float]

    @property
    def value(self) -> float:
        """P(positive) - P(negative), in [-1, 1]: the number dashboards average."""
        return self.scores.get("positive", 0.0) - self.scores.get("negative", 0.0)

    @property
    def confidence(self) -> float:
        """The calibrated probability of the chosen label (temperature-scaled on dev)."""
        return max(self.scores.values(), default=0.0)

    @classmethod
    def from_probs(cls, probs: Iterable[float]) -> "SentimentResult":
        scores = {
            label: round(float(p), 4) for label, p in zip(SENTIMENT_LABELS, probs, strict=True)
        }
        return cls(label=max(scores, key=scores.__getitem__), scores=scores)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": self.scores,
            "value": round(self.value, 4),
            "confidence": round(self.confidence, 4),
        }


@dataclass
class SentenceResult:
    text: str
    start: int
    end: int
    sentiment: SentimentResult
    intent: float = 0.0  # P(intent to leave) of this sentence

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "sentiment": self.sentiment.to_dict()}


@dataclass
class EmotionResult:
    labels: list[str]
    scores: dict[str, float]


@dataclass
class ThemeResult:
    name: str
    score: float
    sentiment: str
    sentiment_value: float
    evidence: list[str]
    key: Any = None  # the caller's id for the theme (a BrandPromise pk), echoed back
    # the sentiment toward this promise (of the clauses that speak to it, not of the sentence)
    sentiment_scores: dict[str, float] = field(default_factory=dict)
    confidence: float | None = None  # probability of `sentiment`

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IntentResult:
    """Intent to leave: calibrated probability, the flag at the model's threshold, and the
    sentences that say it (most leaving first)."""

    probability: float = 0.0
    flag: bool = False
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Result:
    sentiment: SentimentResult
    sentences: list[SentenceResult]
    emotions: EmotionResult
    themes: list[ThemeResult]
    models: dict[str, Any] = field(default_factory=dict)
    intent: IntentResult = field(default_factory=IntentResult)
    # The document's unit vector from this same encoder pass (last layer, token-weighted mean of
    # its sentences), stored for the topic model; not part of the JSON shape. None: no words.
    embedding: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentiment": self.sentiment.to_dict(),
            "sentences": [s.to_dict() for s in self.sentences],
            "emotions": asdict(self.emotions),
            "themes": [t.to_dict() for t in self.themes],
            "models": self.models,
            "intent_to_leave": self.intent.to_dict(),
        }
