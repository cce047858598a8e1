"""Encoder features for the benchmark data, computed once and cached under var/nlp-cache/.

Encoding ~120k texts takes a while on a small CPU; the cache is keyed by split and encoder so
re-training heads or re-running the evaluation is fast. Cache files are never committed.
"""

import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.engine.features import pool_documents, prepare
from nlp.training import data

if TYPE_CHECKING:
    from nlp.inference import Encoder

# NLP_CACHE_DIR moves it (e.g. to /tmp/nlp_cache on a machine shared by several checkouts).
CACHE_DIR = Path(
    os.environ.get("NLP_CACHE_DIR")
    or Path(__file__).resolve().parent.parent.parent / "var" / "nlp-cache"
)


# Per class in the GoEmotions polarity train subsample (of ~36k single-polarity comments).
GOEMOTIONS_POLARITY_PER_CLASS = 4000


def splits(
    data_dir: Path, semeval_fraction: float = 1.0, names: list[str] | None = None
) -> dict[str, data.Split]:
    """Every split the heads are trained, tuned or evaluated on (only `names`, if given, are
    read, so training one head needs only its own data)."""
    readers: dict[str, Callable[[], data.Split]] = {
        "goemotions_train": lambda: data.goemotions(data_dir, "train"),
        "goemotions_dev": lambda: data.goemotions(data_dir, "dev"),
        "goemotions_test": lambda: data.goemotions(data_dir, "test"),
        "semeval_train": lambda: data.semeval_pool(data_dir, semeval_fraction)[0],
        "semeval_dev": lambda: data.semeval_pool(data_dir, semeval_fraction)[1],
        "semeval_test": lambda: data.semeval_test(data_dir),
        "tweeteval_emotion_test": lambda: data.tweeteval_emotion(data_dir, "test"),
        "laptops_polarity": lambda: data.laptops_polarity(data_dir),
        # Stratified GoEmotions polarity subsamples for the sentiment head (see data.py).
        "goemotions_polarity_train": lambda: data.goemotions_polarity_sample(
            data_dir, "train", GOEMOTIONS_POLARITY_PER_CLASS
        ),
        "goemotions_polarity_dev": lambda: data.goemotions_polarity_sample(data_dir, "dev", None),
        "indomain": lambda: data.indomain()[0],
    }
    return {k: read() for k, read in readers.items() if names is None or k in names}


def features(
    name: str, split: data.Split, encoder: "Encoder", cache_dir: Path = CACHE_DIR
) -> np.ndarray:
    """Document features (n, n_layers, hidden) as float16 on disk; encoded on first request."""
    key = hashlib.sha1(
        ("\n".join(split.texts) + encoder.name).encode(), usedforsecurity=False
    ).hexdigest()[:12]
    suffix = {"fp32": "", "int8": "-q"}.get(encoder.precision, f"-{encoder.precision}")
    path = cache_dir / f"{name}-{key}{suffix}.npy"
    if path.exists():
        return np.load(path).astype(np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    prepared = prepare(split.texts)
    started = time.time()
    parts_layers, parts_tokens = [], []
    step = 2048
    for i in range(0, len(prepared.flat), step):
        enc = encoder.encode_segments(prepared.flat[i : i + step])
        parts_layers.append(enc.layers)
        parts_tokens.append(enc.tokens)
        done = min(i + step, len(prepared.flat))
        rate = done / max(time.time() - started, 1e-6)
        print(f"{name}: {done}/{len(prepared.flat)} segments, {rate:.0f}/s", file=sys.stderr)
    layers = np.concatenate(parts_layers) if parts_layers else np.zeros((0, 6, 384), np.float32)
    tokens = np.concatenate(parts_tokens) if parts_tokens else np.zeros(0, np.int64)
    docs = pool_documents(layers, tokens, prepared.owner, len(split.texts))
    np.save(path, docs.astype(np.float16))
    return docs


if __name__ == "__main__":
    from nlp.inference import embedded_encoder_path, encoder_get

    # usage: python -m nlp.training.cache DATA_DIR [SEMEVAL_FRACTION [SPLIT ...]]
    encoder = encoder_get(embedded_encoder_path())
    fraction = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    available = splits(Path(sys.argv[1]), fraction)
    for name in sys.argv[3:] or list(available):
        features(name, available[name], encoder)
