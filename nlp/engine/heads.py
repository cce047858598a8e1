"""Small classification heads over encoder layer poolings, evaluated with numpy only.

A head is one `.npz` file under nlp/weights/: standardisation, a one-hidden-layer MLP, labels,
the layers it reads, per-label decision thresholds (multi-label), and the encoder it was trained
on. Loading needs no torch, so heads are cheap and deterministic everywhere.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.engine.features import head_input

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"


@dataclass
class Head:
    name: str
    labels: list[str]
    layers: list[int]
    mean: np.ndarray
    std: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    multi_label: bool
    thresholds: np.ndarray
    encoder: str
    version: str

    def predict(self, layers: np.ndarray) -> np.ndarray:
        """Probabilities (n, len(labels)) from document or segment layer poolings."""
        x = (head_input(layers, self.layers) - self.mean) / self.std
        h = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = h @ self.w2 + self.b2
        if self.multi_label:
            return 1.0 / (1.0 + np.exp(-logits))
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            **{k: getattr(self, k) for k in ("mean", "std", "w1", "b1", "w2", "b2", "thresholds")},
            meta=np.array(
                [
                    self.name,
                    "\t".join(self.labels),
                    ",".join(map(str, self.layers)),
                    str(int(self.multi_label)),
                    self.encoder,
                    self.version,
                ]
            ),
        )


def head_load(path: Path) -> Head:
    with np.load(path) as f:
        name, labels, layers, multi, encoder, version = (str(x) for x in f["meta"])
        arrays = {k: f[k].astype(np.float32) for k in ("mean", "std", "w1", "b1", "w2", "b2")}
        return Head(
            name=name,
            labels=labels.split("\t"),
            layers=[int(x) for x in layers.split(",")],
            multi_label=multi == "1",
            thresholds=f["thresholds"].astype(np.float32),
            encoder=encoder,
            version=version,
            **arrays,
        )
