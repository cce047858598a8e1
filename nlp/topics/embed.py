"""Document embeddings for topics from the engine's own encoder pass (no second model).

A document's vector is the token-weighted mean of its sentences' last-layer mean poolings,
L2-normalised: the same pooling `nlp.engine.features.pool_documents` gives the heads, and for a
one-sentence text exactly the all-MiniLM-L6-v2 sentence embedding. Worker side only: importing
this module is light, calling it loads the encoder once per process.
"""

import numpy as np

from nlp.engine.features import pool_documents, prepare
from nlp.engine.themes import normalise_rows


def document_embeddings(texts: list[str], *, batch: int = 2048) -> np.ndarray:
    """(len(texts), hidden) float32 unit vectors; a text with no words gets a zero row."""
    from nlp.engine.core import engine_get

    encoder = engine_get().encoder
    out = np.zeros((len(texts), encoder.hidden), dtype=np.float32)
    # Batches bound the memory of the per-layer output (n_segments x layers x hidden).
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        prepared = prepare(chunk)
        if not prepared.flat:
            continue
        enc = encoder.encode_segments(prepared.flat)
        docs = pool_documents(enc.layers[:, -1:, :], enc.tokens, prepared.owner, len(chunk))
        vectors = docs[:, 0, :]
        nonzero = np.linalg.norm(vectors, axis=1) > 0
        vectors[nonzero] = normalise_rows(vectors[nonzero])
        out[start : start + len(chunk)] = vectors
    return out
