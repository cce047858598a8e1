"""From texts to encoder inputs and back: one encoder pass over sentences serves every task.

Document features are the token-weighted mean of its sentences' per-layer mean poolings, so the
document heads, the sentence sentiment and the theme matcher all read the same forward pass.
Training uses these same functions, which keeps the committed heads consistent with inference.
"""

from dataclasses import dataclass

import numpy as np

from nlp.engine.text import Segment, normalise, segment


@dataclass
class Prepared:
    segments: list[list[Segment]]  # per document, offsets into the original text
    flat: list[str]  # normalised segment texts, in document order
    owner: np.ndarray  # (n_segments,) document index of each flat segment


def prepare(texts: list[str]) -> Prepared:
    """Split every text into sentence segments (offsets kept) and normalise them for the encoder."""
    segments = [segment(t or "") for t in texts]
    flat: list[str] = []
    owner: list[int] = []
    for i, segs in enumerate(segments):
        for s in segs:
            flat.append(normalise(s.text).strip() or s.text)
            owner.append(i)
    return Prepared(segments, flat, np.asarray(owner, dtype=np.int64))


def pool_documents(
    layers: np.ndarray, tokens: np.ndarray, owner: np.ndarray, n_docs: int
) -> np.ndarray:
    """(n_docs, n_layers, hidden): token-weighted mean of each document's segments (0 if none)."""
    out = np.zeros((n_docs, *layers.shape[1:]), dtype=np.float32)
    if len(owner) == 0:
        return out
    weights = tokens.astype(np.float32)
    np.add.at(out, owner, layers * weights[:, None, None])
    totals = np.zeros(n_docs, dtype=np.float32)
    np.add.at(totals, owner, weights)
    nonzero = totals > 0
    out[nonzero] /= totals[nonzero][:, None, None]
    return out


def head_input(layers: np.ndarray, use_layers: list[int]) -> np.ndarray:
    """Concatenate the chosen layers' poolings (0-based layer indexes) into one feature vector."""
    return layers[:, use_layers, :].reshape(len(layers), len(use_layers) * layers.shape[2])
