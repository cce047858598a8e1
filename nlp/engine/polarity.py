"""The sentiment toward a promise: the sentence head blended with a review-trained polarity model.

The sentence head learnt from tweets; people writing about a service ("Service fine.",
"Expensive for first bill", "it's going to take 2 months to get installed") read more like
product reviews, where an opinion is about something. `nlp/weights/mention_polarity.npz` is a
multinomial logistic regression over the same encoder layer poolings, trained on the SemEval-2016
laptop-review sentences that carry one polarity (the tune half only, so the laptop figures in
MODEL_CARD.md are on reviews it never saw); `manage.py nlp_train_polarity` rebuilds it. It only
reads the clauses that speak to a promise: the sentence and document sentiment are unchanged.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.engine.features import head_input

WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "mention_polarity.npz"
BLEND = 0.5  # weight of this model against the sentence head (laptop tune half: 0.5 to 1 alike)


@dataclass
class PolarityModel:
    layers: list[int]
    mean: np.ndarray
    std: np.ndarray
    coef: np.ndarray  # (3, features), classes in SENTIMENT_LABELS order
    intercept: np.ndarray
    encoder: str

    def predict(self, layers: np.ndarray) -> np.ndarray:
        x = (head_input(layers, self.layers) - self.mean) / self.std
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            layers=np.asarray(self.layers),
            mean=self.mean.astype(np.float32),
            std=self.std.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            encoder=np.array(self.encoder),
        )


def polarity_load(path: Path = WEIGHTS) -> PolarityModel | None:
    """The committed model, or None where there is none (then the sentence head alone)."""
    if not path.exists():
        return None
    with np.load(path) as f:
        return PolarityModel(
            layers=[int(x) for x in f["layers"]],
            mean=f["mean"],
            std=f["std"],
            coef=f["coef"],
            intercept=f["intercept"],
            encoder=str(f["encoder"]),
        )


def toward(model: PolarityModel | None, layers: np.ndarray, head_probs: np.ndarray) -> np.ndarray:
    """Sentiment probabilities toward what a clause speaks about."""
    if model is None or not len(layers):
        return head_probs
    return BLEND * model.predict(layers) + (1 - BLEND) * head_probs
