"""Test-set evaluation of the configured engine (the figures in MODEL_CARD.md).

With the embedded configuration, test features go through the same prepare/encode/pool path as
`Engine.analyse` (cached under var/nlp-cache/ after the first run) and the committed heads.
With configured Hugging Face models, texts go through `Engine.analyse` itself.
"""

from pathlib import Path

import numpy as np

from nlp.engine.core import EMOTION_LABELS, Engine, engine_get
from nlp.engine.result import SENTIMENT_LABELS
from nlp.engine.sentiment import documents_sentiment
from nlp.training import cache, data, metrics


def _probabilities(engine: Engine, name: str, split: data.Split, kind: str) -> np.ndarray:
    if kind == "sentiment" and engine.sentiment.branch is not None:
        return documents_sentiment(engine, split.texts)  # the branch reads fresh encoder output
    head = engine.sentiment.head if kind == "sentiment" else engine.emotion_head
    labels = SENTIMENT_LABELS if kind == "sentiment" else EMOTION_LABELS
    if head is not None:
        return head.predict(cache.features(name, split, engine.encoder))
    out = []
    for i in range(0, len(split.texts), 512):
        for r in engine.analyse(split.texts[i : i + 512], [[]] * len(split.texts[i : i + 512])):
            scores = r.sentiment.scores if kind == "sentiment" else r.emotions.scores
            out.append([scores.get(lab, 0.0) for lab in labels])
    return np.asarray(out, dtype=np.float32)


def evaluate(data_dir: Path) -> dict[str, float]:
    """All benchmark figures of the issue, as one flat dict (keys as in metrics.json)."""
    engine = engine_get()
    labels = list(EMOTION_LABELS)
    assert labels == data.goemotions_labels(data_dir), "label order differs from the dataset"
    go = data.goemotions(data_dir, "test")
    p = _probabilities(engine, "goemotions_test", go, "emotion")
    thresholds = engine.emotion_head.thresholds if engine.emotion_head else np.full(28, 0.5)
    pred = metrics.multilabel_decide(p, thresholds)
    semeval = data.semeval_test(data_dir)
    sp = _probabilities(engine, "semeval_test", semeval, "sentiment")
    recall, accuracy = metrics.sentiment_metrics(semeval.y, sp.argmax(1))
    te = data.tweeteval_emotion(data_dir, "test")
    tp = metrics.tweeteval_scores(
        _probabilities(engine, "tweeteval_emotion_test", te, "emotion"), labels
    )
    laptops = data.laptops_polarity(data_dir, part="test")  # review sentences never trained on
    lp = _probabilities(engine, "laptops_polarity_test", laptops, "sentiment")
    laptop_recall, _ = metrics.sentiment_metrics(laptops.y, lp.argmax(1))
    return {
        "laptops_sentiment_macro_recall": round(laptop_recall, 4),
        "goemotions_macro_f1": round(metrics.macro_f1(go.y, pred), 4),
        "goemotions_ekman_macro_f1": round(metrics.ekman_macro_f1(go.y, pred, labels), 4),
        "semeval2017_macro_recall": round(recall, 4),
        "semeval2017_accuracy": round(accuracy, 4),
        "tweeteval_emotion_macro_f1": round(metrics.macro_f1(te.y, tp.argmax(1)), 4),
    }
