"""Topic discovery over document embeddings: BERTopic's pipeline with the number of topics found.

The method (`topics_fit`):
1. Known topics first (BERTopic's zero-shot idea): a document that matches one of the given
   themes (the firm's promises) by the engine's own matcher belongs to that theme's topic.
2. The rest are clustered the BERTopic way: UMAP to a few dimensions, then HDBSCAN, whose
   minimum cluster size grows with the corpus, so the number of topics is found, not given.
   Below `SMALL_CORPUS` documents UMAP has too few neighbours to learn a manifold, so the
   documents are grouped by average-linkage agglomerative clustering with a cosine distance
   cut instead (same contract: the cut, not a count, decides how many topics there are).
3. HDBSCAN leaves many documents as noise; each is moved to its nearest topic centroid when it
   is close enough (BERTopic's `reduce_outliers(strategy="embeddings")`), the rest stay -1.
4. BERTopic's c-TF-IDF names every topic by its keywords.

Worker side only: bertopic imports torch, so every such import is inside a function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.engine.themes import Theme, normalise_rows
from nlp.topics.keywords import keywords_ctfidf, short_label

SMALL_CORPUS = 200
# Tuned on the Banking77 train split (see nlp/training/evaluate_topics.py and the model card).
MIN_CLUSTER_FRACTION = 1 / 150
MIN_CLUSTER_SIZE = 5
HDBSCAN_MIN_SAMPLES = 3
# UMAP's cost grows faster than linearly: above this many documents the topics are found on a
# seeded sample of this size and every other document is assigned to its nearest topic.
MAX_FIT_DOCS = 10_000
UMAP_NEIGHBOURS = 15
UMAP_COMPONENTS = 5
# A noise document joins its nearest topic when its cosine to the centroid is at least this.
OUTLIER_SIMILARITY = 0.35
# Agglomerative cut for small corpora (cosine distance, average linkage).
SMALL_DISTANCE = 0.6
# A document's cosine to a theme prototype needed to put it in that known topic. Higher than the
# sentence threshold of the theme matcher: a whole comment is a blend of its sentences.
THEME_SIMILARITY = 0.45


@dataclass
class TopicInfo:
    id: int
    label: str
    keywords: list[str]
    size: int
    centroid: np.ndarray
    representatives: list[int] = field(default_factory=list)  # document indices, best first
    theme: str | None = None


@dataclass
class TopicFit:
    assignments: np.ndarray  # (n,) topic id per document, -1 for none
    topics: list[TopicInfo]

    def centroids(self) -> np.ndarray:
        if not self.topics:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([t.centroid for t in self.topics]).astype(np.float32)


def min_cluster_size(n: int) -> int:
    return max(MIN_CLUSTER_SIZE, int(round(n * MIN_CLUSTER_FRACTION)))


def _cluster_large(emb: np.ndarray, seed: int) -> np.ndarray:
    import hdbscan
    import umap

    reducer = umap.UMAP(
        n_neighbors=min(UMAP_NEIGHBOURS, len(emb) - 1),
        n_components=UMAP_COMPONENTS,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        low_memory=True,
    )
    reduced = reducer.fit_transform(emb)
    # "leaf" keeps the fine clusters at the bottom of the tree that "eom" folds together.
    clusterer = hdbscan.HDBSCAN(
        min_cluster_size=min_cluster_size(len(emb)),
        min_samples=HDBSCAN_MIN_SAMPLES,
        cluster_selection_method="leaf",
    )
    return np.asarray(clusterer.fit_predict(reduced), dtype=np.int64)


def _cluster_small(emb: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Agglomerative groups of the unique rows `emb` (`counts` copies each); a group of one
    document is not a topic."""
    from sklearn.cluster import AgglomerativeClustering

    if len(emb) < 2:
        return np.where(counts >= 2, 0, -1).astype(np.int64)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=SMALL_DISTANCE,
    ).fit_predict(emb)
    sizes = np.bincount(labels, weights=counts)
    out = np.where(sizes[labels] >= 2, labels, -1).astype(np.int64)
    _, out[out >= 0] = np.unique(out[out >= 0], return_inverse=True)
    return out


def cluster(emb: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """Topic ids 0..k-1 (k found) or -1 for each unit-vector row; noise moved to near topics."""
    if len(emb) == 0:
        return np.zeros(0, dtype=np.int64)
    # Identical texts are one point: copies would otherwise pile up as a "dense cluster" of
    # their own and split a frequent comment over several topics.
    unique, inverse, counts = np.unique(emb, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    if len(unique) > MAX_FIT_DOCS:
        sample = np.random.default_rng(seed).choice(len(unique), MAX_FIT_DOCS, replace=False)
        found = reassign_outliers(unique[sample], _cluster_large(unique[sample], seed))
        k = int(found.max()) + 1
        labels = np.full(len(unique), -1, dtype=np.int64)
        if k:
            labels = assign(unique, _centroids(unique[sample], found, k))
        labels[sample] = found
    elif len(unique) < SMALL_CORPUS:
        labels = reassign_outliers(unique, _cluster_small(unique, counts))
    else:
        labels = reassign_outliers(unique, _cluster_large(unique, seed))
    labels = labels[inverse]
    # Largest topic first, so ids read as a ranking.
    ids, counts = np.unique(labels[labels >= 0], return_counts=True)
    rank = {int(old): new for new, old in enumerate(ids[np.argsort(-counts, kind="stable")])}
    return np.array([rank.get(int(lab), -1) for lab in labels], dtype=np.int64)


def _centroids(emb: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    sums = np.zeros((k, emb.shape[1]), dtype=np.float64)
    np.add.at(sums, labels[labels >= 0], emb[labels >= 0])
    return normalise_rows(sums).astype(np.float32)


def reassign_outliers(emb: np.ndarray, labels: np.ndarray) -> np.ndarray:
    k = int(labels.max()) + 1 if len(labels) else 0
    noise = labels < 0
    if k == 0 or not noise.any():
        return labels
    sims = emb[noise] @ _centroids(emb, labels, k).T
    best = sims.argmax(1)
    out = labels.copy()
    out[noise] = np.where(sims.max(1) >= OUTLIER_SIMILARITY, best, -1)
    return out


def assign(
    emb: np.ndarray, centroids: np.ndarray, *, threshold: float = OUTLIER_SIMILARITY
) -> np.ndarray:
    """Nearest topic per row between refits (-1 below the threshold), in bounded chunks."""
    out = np.full(len(emb), -1, dtype=np.int64)
    if not len(centroids):
        return out
    for start in range(0, len(emb), 8192):
        sims = emb[start : start + 8192] @ centroids.T
        best = sims.argmax(1)
        out[start : start + 8192] = np.where(sims.max(1) >= threshold, best, -1)
    return out


def _theme_labels(
    emb: np.ndarray, themes: list[Theme], embed: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """Index of the matched theme per row, -1 for none (best prototype cosine, counters veto)."""
    from nlp.engine.themes import theme_scores

    protos = []
    for theme in themes:
        vectors = embed([*theme.prototypes(), *theme.counter_examples])
        n = len(theme.prototypes())
        protos.append((vectors[:n], vectors[n:]))
    scores = theme_scores(emb, protos)
    best = scores.argmax(1)
    return np.where(scores.max(1) >= THEME_SIMILARITY, best, -1)


def topics_fit(
    docs: list[str],
    emb: np.ndarray,
    *,
    themes: list[Theme] | None = None,
    embed: Any = None,
    seed: int = 0,
) -> TopicFit:
    """Topics of `docs` (unit-vector embeddings `emb`; zero rows are texts without words, never
    assigned). With `themes` (needs `embed`, a texts -> unit vectors function), theme topics come
    first with ids 0..len(themes)-1 when they have documents. Deterministic for a seed."""
    n = len(docs)
    labels = np.full(n, -1, dtype=np.int64)
    valid = np.linalg.norm(emb, axis=1) > 0 if n else np.zeros(0, bool)
    theme_of = np.full(n, -1, dtype=np.int64)
    themes = themes or []
    if themes and valid.any():
        theme_of[valid] = _theme_labels(emb[valid], themes, embed)
    free = valid & (theme_of < 0)
    found = cluster(emb[free], seed=seed) if free.any() else np.zeros(0, np.int64)
    # Theme topics that have documents, then the found ones, numbered 0..k-1.
    used_themes = sorted(set(theme_of[theme_of >= 0].tolist()))
    for new, t in enumerate(used_themes):
        labels[theme_of == t] = new
    offset = len(used_themes)
    labels[np.flatnonzero(free)] = np.where(found >= 0, found + offset, -1)
    k = int(labels.max()) + 1 if n else 0
    keywords = keywords_ctfidf(docs, labels, k)
    centroids = _centroids(emb, labels, k) if k else np.zeros((0, emb.shape[1]), np.float32)
    topics = []
    for i in range(k):
        members = np.flatnonzero(labels == i)
        order = members[np.argsort(-(emb[members] @ centroids[i]))]
        theme = themes[used_themes[i]].name if i < offset else None
        label = theme or short_label(keywords[i]) or docs[order[0]][:60]
        topics.append(
            TopicInfo(
                id=i,
                label=label,
                keywords=keywords[i],
                size=len(members),
                centroid=centroids[i],
                representatives=order[:5].tolist(),
                theme=theme,
            )
        )
    return TopicFit(assignments=labels, topics=topics)
