"""The sentiment branch: the encoder's top layers, fine-tuned for sentiment, beside the frozen ones.

The frozen encoder serves the theme matcher, the emotion head and the topic model (their
embeddings must not move). The branch starts from the frozen hidden state after layer `start`
and runs its own copy of the layers above it, with LoRA adapters (trained by
`nlp/training/branch.py`) merged into their weights: W' = W + (alpha / rank) * B @ A. It is
exported into the same ONNX graph as a second output, so one pass gives both. The adapters and
the classifier over the branch's pooled output are `nlp/weights/sentiment_branch.npz` (small);
merging is plain arithmetic, so inference needs no training library.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np

BRANCH_FILE = Path(__file__).resolve().parent.parent / "weights" / "sentiment_branch.npz"
# The LoRA-adapted linear layers of a BERT layer (names under transformers' BertLayer).
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def branch_present(path: Path = BRANCH_FILE) -> bool:
    return path.exists()


def branch_meta(path: Path = BRANCH_FILE) -> dict[str, Any]:
    """start layer, rank, alpha and version of the committed branch."""
    with np.load(path) as f:
        start, rank, alpha, version = (str(x) for x in f["meta"])
    return {"start": int(start), "rank": int(rank), "alpha": float(alpha), "version": version}


def branch_layers(model: Any, path: Path = BRANCH_FILE) -> Any:
    """Copies of the model's layers above `start` with the adapters merged into their weights."""
    import torch

    meta = branch_meta(path)
    scale = meta["alpha"] / meta["rank"]
    layers = copy.deepcopy(model.encoder.layer[meta["start"] :])
    with np.load(path) as f, torch.no_grad():
        for i, layer in enumerate(layers):
            for name in TARGETS:
                linear = layer.get_submodule(name)
                a = torch.from_numpy(f[f"{i}.{name}.A"].astype(np.float32))
                b = torch.from_numpy(f[f"{i}.{name}.B"].astype(np.float32))
                linear.weight += scale * (b @ a)
    for p in layers.parameters():
        p.requires_grad_(False)
    return layers.eval()


def additive_mask(attention_mask: Any) -> Any:
    """(batch, 1, 1, tokens) additive mask for eager attention: 0 where a token is, -inf-ish
    where padding is."""
    import torch

    m = attention_mask[:, None, None, :].to(torch.float32)
    return (1.0 - m) * torch.finfo(torch.float32).min


def branch_forward(layers: Any, hidden: Any, attention_mask: Any) -> Any:
    """Masked mean pooling of the branch's last hidden state, from the frozen hidden state."""
    import torch

    extended = additive_mask(attention_mask)
    for layer in layers:
        hidden = layer(hidden, attention_mask=extended)
        if isinstance(hidden, tuple):
            hidden = hidden[0]
    m = attention_mask.unsqueeze(-1).to(torch.float32)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
