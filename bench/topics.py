"""Topic model speed: fit time and assignment rate at 10k, 100k (and optionally 1M) documents.

    .venv/bin/python bench/topics.py [--sizes 10000,100000] [--topics 60]

Synthetic on purpose, and only for scale: unit vectors drawn around `--topics` random centres in
384 dimensions (all-MiniLM-L6-v2's width) with texts made of each centre's own words plus shared
filler, so UMAP, HDBSCAN, the outlier step and c-TF-IDF all do their real work. The encoder's cost
is not here (bench/nlp_throughput.py measures it): a firm's refit reads stored embeddings. It
needs no database (nothing is stored). Above
`MAX_FIT_DOCS` the topics are found on a seeded sample and the rest assigned, which bounds time
and memory. Peak memory is the process's maximum resident set. The last line is one JSON object
with `warmup_1k_s`, `fit_<n>k_s` per size, `assign_sps` and `peak_rss_mb`.
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

DIM = 384
FILLER = ["the", "team", "client", "matter", "really", "again", "today", "service", "update"]


def make_corpus(n: int, topics: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, unit embeddings, true topic) for n documents; noise keeps topics overlapping."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = rng.integers(0, topics, size=n)
    emb = centres[truth] + rng.normal(scale=0.045, size=(n, DIM)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    words = [[f"topic{t}word{j}" for j in range(6)] for t in range(topics)]
    texts = [
        " ".join(
            [*rng.choice(words[t], size=3), *rng.choice(FILLER, size=4), f"item{rng.integers(99)}"]
        )
        for t in truth
    ]
    return texts, emb.astype(np.float32), truth


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--topics", type=int, default=60)
    args = parser.parse_args()
    import django

    django.setup()
    from sklearn.metrics import normalized_mutual_info_score

    from nlp.topics.model import MAX_FIT_DOCS, assign, topics_fit

    # The first UMAP/HDBSCAN call in a process compiles numba kernels (minutes on a busy
    # machine; cached on disk after): a worker pays it once, so it is timed on its own.
    started = time.monotonic()
    texts, emb, _ = make_corpus(1000, args.topics, seed=1)
    topics_fit(texts, emb)
    warmup = time.monotonic() - started
    print(f"warm-up fit of 1000 docs (includes numba compilation): {warmup:.1f}s", flush=True)
    result: dict[str, float] = {"warmup_1k_s": round(warmup, 2)}
    fit = None
    emb = np.zeros((0, DIM), np.float32)
    for n in [int(x) for x in args.sizes.split(",")]:
        texts, emb, truth = make_corpus(n, args.topics)
        started = time.monotonic()
        fit = topics_fit(texts, emb)
        seconds = time.monotonic() - started
        nmi = normalized_mutual_info_score(truth, fit.assignments)
        print(
            f"fit {n:>8} docs: {seconds:7.1f}s, {len(fit.topics)} topics "
            f"(true {args.topics}), NMI {nmi:.3f}, unassigned "
            f"{(fit.assignments < 0).mean():.1%}, peak RSS {peak_rss_mb():.0f} MB"
            + (f" (found on a {MAX_FIT_DOCS} sample)" if n > MAX_FIT_DOCS else ""),
            flush=True,
        )
        result[f"fit_{n // 1000}k_s"] = round(seconds, 2)
    assert fit is not None
    centroids = fit.centroids()
    started = time.monotonic()
    repeats = max(1, 200_000 // max(len(emb), 1))
    for _ in range(repeats):
        assign(emb, centroids)
    rate = repeats * len(emb) / (time.monotonic() - started)
    print(f"assign: {rate:,.0f} sentences/s against {len(centroids)} topics", flush=True)
    result["assign_sps"] = round(rate)
    result["peak_rss_mb"] = round(peak_rss_mb())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
