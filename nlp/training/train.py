"""Training the sentiment and emotion heads on cached encoder features (see MODEL_CARD.md).

Model selection uses dev splits only: GoEmotions dev, and a 10% tweet-id split of the SemEval
train pool. Test splits are read only by `nlp_evaluate`.
"""

import sys
from pathlib import Path

import numpy as np

from nlp.engine.features import head_input
from nlp.engine.heads import WEIGHTS_DIR, Head
from nlp.training import cache, data, metrics

HEAD_VERSION = "1"
# Layers 3-6 of MiniLM-L6 (0-based 2..5): the middle layers carry more lexical/affective signal
# than the last (contrastively trained) layer alone; chosen on dev.
DEFAULT_LAYERS = [2, 3, 4, 5]
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def train_emotion(feats: dict, ys: dict, labels: list[str], layers: list[int], **kw) -> Head:
    from nlp.inference import fit_mlp

    x, xd = (
        head_input(feats["goemotions_train"], layers),
        head_input(feats["goemotions_dev"], layers),
    )
    y, yd = ys["goemotions_train"], ys["goemotions_dev"]

    def score(p: np.ndarray) -> float:
        return metrics.macro_f1(yd, metrics.multilabel_decide(p, metrics.tune_thresholds(p, yd)))

    weights, best = fit_mlp(x, y, x_dev=xd, score_dev=score, multi_label=True, **kw)
    head = Head(
        "goemotions-mlp",
        labels,
        layers,
        multi_label=True,
        thresholds=np.zeros(0),
        encoder=ENCODER_NAME,
        version=HEAD_VERSION,
        **weights,
    )
    head.thresholds = metrics.tune_thresholds(head.predict(feats["goemotions_dev"]), yd)
    _log(f"emotion head: dev macro-F1 {best:.4f}")
    return head


def train_sentiment(feats: dict, ys: dict, layers: list[int], **kw) -> Head:
    from nlp.inference import fit_mlp

    x, xd = head_input(feats["semeval_train"], layers), head_input(feats["semeval_dev"], layers)
    y, yd = ys["semeval_train"], ys["semeval_dev"]
    counts = np.bincount(y, minlength=3)
    # Balanced class weights: the primary measure is macro-averaged recall.
    class_weight = counts.sum() / (3 * counts)

    def score(p: np.ndarray) -> float:
        return metrics.sentiment_metrics(yd, p.argmax(1))[0]

    weights, best = fit_mlp(
        x, y, x_dev=xd, score_dev=score, multi_label=False, class_weight=class_weight, **kw
    )
    _log(f"sentiment head: dev macro-recall {best:.4f}")
    return Head(
        "semeval2017-mlp",
        list(data.SENTIMENT_LABELS),
        layers,
        multi_label=False,
        thresholds=np.zeros(0, np.float32),
        encoder=ENCODER_NAME,
        version=HEAD_VERSION,
        **weights,
    )


HEADS = ("emotion", "sentiment")
_SPLITS = {
    "emotion": ["goemotions_train", "goemotions_dev"],
    "sentiment": ["semeval_train", "semeval_dev"],
}


def train_heads(
    data_dir: Path,
    out_dir: Path = WEIGHTS_DIR,
    layers: list[int] | None = None,
    hidden: int = 256,
    epochs: int = 30,
    semeval_fraction: float = 1.0,
    only: tuple[str, ...] = HEADS,
    cache_dir: Path = cache.CACHE_DIR,
) -> dict[str, Head]:
    """Train the heads named in `only` and write them to out_dir (`<name>.npz`, other heads'
    files untouched); returns them. Deterministic (fixed seeds)."""
    from nlp.inference import embedded_encoder_path, encoder_get

    layers = layers or DEFAULT_LAYERS
    encoder = encoder_get(embedded_encoder_path())
    wanted = [split for name in only for split in _SPLITS[name]]
    splits = cache.splits(data_dir, semeval_fraction, wanted)
    feats = {k: cache.features(k, v, encoder, cache_dir) for k, v in splits.items()}
    ys = {k: v.y for k, v in splits.items()}
    heads: dict[str, Head] = {}
    if "emotion" in only:
        labels = data.goemotions_labels(data_dir)
        heads["emotion"] = train_emotion(feats, ys, labels, layers, hidden=hidden, epochs=epochs)
    if "sentiment" in only:
        heads["sentiment"] = train_sentiment(feats, ys, layers, hidden=hidden, epochs=epochs)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, head in heads.items():
        head.save(out_dir / f"{name}.npz")
    return heads
