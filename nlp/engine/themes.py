"""Zero-shot brand-promise matching at sentence level by embedding similarity.

Each theme becomes a few prototype embeddings (its name with description, and each example
phrase); a sentence's score for a theme is its best cosine similarity to those prototypes. A
theme is mentioned when a sentence scores at least the threshold (calibrated for
all-MiniLM-L6-v2 on nlp/engine/theme_calibration.json; settings NLP_THEME_THRESHOLD overrides).

People's corrections teach a firm's themes without retraining: texts confirmed to speak to a
promise are extra prototypes, and texts marked as not speaking to it are counter-examples: a
sentence closer to a counter-example than to every prototype does not mention the theme. With
enough of both, a per-firm classifier learns from them too (nlp/engine/promise_model.py).
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Chosen on the professional-services sentences of theme_calibration.json, checked on the
# laptop reviews (nlp/training/evaluate_themes.py); figures in MODEL_CARD.md.
DEFAULT_THRESHOLD = 0.425
DEFAULT_FLOOR = 0.275  # a sentence's closest promise counts from here (nlp/engine/promises.py)
DEFAULT_MARGIN = 0.10  # ... if it stands this far above the low quartile of its promise scores
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class Theme:
    name: str
    description: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)
    key: Any = None
    counter_examples: tuple[str, ...] = field(default_factory=tuple)
    # texts a firm's people confirmed: extra prototypes, and what its classifier learns from
    confirmed: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def coerce(cls, value: "Theme | dict") -> "Theme":
        if isinstance(value, Theme):
            return value
        return cls(
            name=str(value["name"]),
            description=str(value.get("description") or ""),
            examples=_texts(value.get("examples")),
            key=value.get("key", value.get("id")),
            counter_examples=_texts(value.get("counter_examples")),
            confirmed=_texts(value.get("confirmed")),
        )

    def prototypes(self) -> list[str]:
        head = f"{self.name}: {self.description}" if self.description else self.name
        # the description alone too: "Name: ..." pulls every sentence toward the name's words
        alone = [self.description] if self.description else []
        return [head, *alone, *self.examples, *self.confirmed]

    def fingerprint(self) -> str:
        return hashlib.sha1(
            "\x1f".join(
                [*self.prototypes(), "\x1e", *self.counter_examples, "\x1d", *self.confirmed]
            ).encode(),
            usedforsecurity=False,
        ).hexdigest()


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(str(e) for e in values or () if str(e).strip())


def normalise_rows(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def theme_scores(
    sentence_emb: np.ndarray, theme_emb: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """(n_sentences, n_themes): best cosine of each sentence to each theme's prototypes, or 0
    where the sentence is closer to one of the theme's counter-examples."""
    out = np.zeros((len(sentence_emb), len(theme_emb)), dtype=np.float32)
    for j, (protos, counters) in enumerate(theme_emb):
        if len(sentence_emb) and len(protos):
            best = (sentence_emb @ protos.T).max(axis=1)
            if len(counters):
                best[(sentence_emb @ counters.T).max(axis=1) > best] = 0.0
            out[:, j] = best
    return out
