"""The sentiment branch's data, model selection and files (see MODEL_CARD.md; the torch part is
nlp/inference/branch_fit.py). Model selection and temperature use dev splits only (never a test
split, never the challenge set). `manage.py nlp_train --only branch` rebuilds it reproducibly.
"""

import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.engine.features import prepare
from nlp.engine.heads import Head
from nlp.engine.sentiment import BRANCH_HEAD
from nlp.inference.branch import BRANCH_FILE
from nlp.inference.branch_fit import Settings
from nlp.training import data, metrics
from nlp.training.train import (
    DEV_WEIGHTS,
    ENCODER_NAME,
    SOURCE_REPEATS,
    _indomain_dev,
    _splits_read,
)

VERSION = "1"
SEMEVAL_LIMIT = 16_000  # tweets kept of the 44,761 (stable hash): reviews and comments matter more


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Texts:
    texts: list[str]
    y: np.ndarray
    source: np.ndarray  # dev: which dev set; train: unused


def _sets(data_dir: Path) -> tuple[Texts, Texts]:
    """Train and dev texts: SemEval tweets (a stable subsample), GoEmotions polarity, the laptop
    reviews' tune half and the in-domain comments, each repeated as for the frozen head; dev is
    SemEval dev, in-domain dev and GoEmotions dev. Sources missing from data_dir are skipped."""
    names = ["semeval_train", "semeval_dev", "indomain"]
    names += ["goemotions_polarity_train", "goemotions_polarity_dev"]
    splits = _splits_read(data_dir, 1.0, names)
    sem = splits["semeval_train"]
    keep = sorted(range(len(sem.texts)), key=lambda i: zlib.crc32(sem.texts[i].encode()))
    keep = sorted(keep[:SEMEVAL_LIMIT])
    ind = splits["indomain"]
    dev_in = _indomain_dev(len(ind.texts))
    train_parts = [
        ([sem.texts[i] for i in keep], sem.y[keep], SOURCE_REPEATS["semeval"]),
        ([t for t, d in zip(ind.texts, dev_in, strict=True) if not d], ind.y[~dev_in], 20),
    ]
    dev_parts = [
        (splits["semeval_dev"].texts, splits["semeval_dev"].y),
        ([t for t, d in zip(ind.texts, dev_in, strict=True) if d], ind.y[dev_in]),
    ]
    if "goemotions_polarity_train" in splits:
        go, go_dev = splits["goemotions_polarity_train"], splits["goemotions_polarity_dev"]
        train_parts.append((go.texts, go.y, SOURCE_REPEATS["goemotions"]))
        dev_parts.append((go_dev.texts, go_dev.y))
    try:  # the test half stays unseen (MODEL_CARD's laptop figures are on it)
        laptops = data.laptops_polarity(data_dir, part="tune")
        train_parts.append((laptops.texts, laptops.y, SOURCE_REPEATS["laptops"]))
    except FileNotFoundError:
        _log("semeval2016-laptops: not in the data dir, trained without it")
    texts, ys = [], []
    for t, y, repeat in train_parts:
        texts += list(t) * repeat
        ys.append(np.tile(y, repeat))
    dev = Texts(
        [t for p in dev_parts for t in p[0]],
        np.concatenate([p[1] for p in dev_parts]),
        np.concatenate([np.full(len(p[1]), i) for i, p in enumerate(dev_parts)]),
    )
    return Texts(texts, np.concatenate(ys), np.zeros(0)), dev


def _sentences(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Texts split into sentences as at inference (the same function)."""
    prepared = prepare(texts)
    return prepared.flat, prepared.owner


def _dev_score(dev: Texts, probs: np.ndarray) -> float:
    n = int(dev.source.max()) + 1
    per = [
        metrics.sentiment_metrics(dev.y[dev.source == i], probs[dev.source == i].argmax(1))[0]
        for i in range(n)
    ]
    return float(np.dot(DEV_WEIGHTS[:n], per) / DEV_WEIGHTS[:n].sum())


def train_branch(
    data_dir: Path,
    settings: Settings | None = None,
    out: tuple[Path, Path] = (BRANCH_FILE, BRANCH_HEAD),
) -> dict[str, float]:
    """Fine-tune, keep the best epoch on dev, calibrate, and write the two weight files
    (`out`: the adapters, the classifier head)."""
    from nlp.inference.branch_fit import fit_branch

    settings = settings or Settings()
    train, dev = _sets(data_dir)
    if settings.limit is not None:
        keep = np.sort(np.random.default_rng(settings.seed).permutation(len(train.texts)))
        keep = np.sort(keep[: settings.limit])
        train = Texts([train.texts[i] for i in keep], train.y[keep], train.source)
    state, probs, score = fit_branch(
        (_sentences(train.texts), train.y),
        _sentences(dev.texts),
        lambda p: _dev_score(dev, p),
        settings,
    )
    temperature = metrics.temperature_fit(probs, dev.y)
    _save(state, settings, temperature, out)
    return {"dev_score": score, "temperature": temperature}


def _save(
    state: dict[str, np.ndarray], settings: Settings, temperature: float, out: tuple[Path, Path]
) -> None:
    meta = [str(settings.start), str(settings.rank), str(settings.alpha), VERSION]
    arrays: dict[str, Any] = {"meta": np.array(meta)}
    arrays.update((k, v.astype(np.float16)) for k, v in state.items() if k.endswith((".A", ".B")))
    np.savez_compressed(out[0], **arrays)
    hidden = state["w1"].shape[0]
    head = Head(
        "feedback-sentiment-branch",
        list(data.SENTIMENT_LABELS),
        [0],
        mean=np.zeros(hidden, np.float32),
        std=np.ones(hidden, np.float32),
        w1=state["w1"],
        b1=state["b1"],
        w2=state["w2"] / temperature,
        b2=state["b2"] / temperature,
        multi_label=False,
        thresholds=np.zeros(0, np.float32),
        encoder=ENCODER_NAME,
        version=VERSION,
    )
    head.save(out[1])
