"""Readers for the benchmark data in ../shared/data (formats documented in each SOURCE.md)."""

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SENTIMENT_LABELS = ["negative", "neutral", "positive"]
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass
class Split:
    texts: list[str]
    y: np.ndarray  # (n,) class ids, or (n, k) multi-hot


def goemotions_labels(data_dir: Path) -> list[str]:
    return (data_dir / "goemotions/original/labels.txt").read_text().split()


def goemotions(data_dir: Path, split: str) -> Split:
    """GoEmotions original taxonomy, multi-hot over 28 labels. No CSV quoting (see SOURCE.md)."""
    labels = goemotions_labels(data_dir)
    texts, rows = [], []
    for line in (data_dir / f"goemotions/original/{split}.tsv").read_text().splitlines():
        text, ids, _ = line.split("\t")
        texts.append(text)
        row = np.zeros(len(labels), dtype=np.float32)
        row[[int(i) for i in ids.split(",")]] = 1
        rows.append(row)
    return Split(texts, np.stack(rows))


def _tweet_text(text: str) -> str:
    # The train pool stores some characters as literal \uXXXX escapes.
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def semeval_pool(data_dir: Path, train_fraction: float = 1.0) -> tuple[Split, Split]:
    """SemEval-2017 4A train pool de-duplicated by tweet id, split ~90/10 into train/dev by a
    stable hash of the tweet id (the 2017 test is never touched here). `train_fraction` keeps a
    stable hash-based subset of the train part (to bound encoding time on small CPUs)."""
    seen: dict[str, tuple[str, int]] = {}
    for path in sorted((data_dir / "semeval2017-task4a/train_pool").glob("*.tsv")):
        for line in path.read_text().splitlines():
            cols = line.split("\t")
            if len(cols) < 3 or cols[1] not in SENTIMENT_LABELS:
                continue
            seen.setdefault(cols[0], (_tweet_text(cols[2]), SENTIMENT_LABELS.index(cols[1])))
    train: tuple[list[str], list[int]] = ([], [])
    dev: tuple[list[str], list[int]] = ([], [])
    for tweet_id, (text, label) in seen.items():
        bucket = zlib.crc32(tweet_id.encode()) % 100
        if bucket % 10 != 0 and bucket >= train_fraction * 100:
            continue
        target = dev if bucket % 10 == 0 else train
        target[0].append(text)
        target[1].append(label)
    return Split(train[0], np.asarray(train[1])), Split(dev[0], np.asarray(dev[1]))


def semeval_test(data_dir: Path) -> Split:
    texts, ys = [], []
    for path in sorted((data_dir / "semeval2017-task4a/test").glob("*.txt")):
        for line in path.read_text().splitlines():
            cols = line.split("\t")
            if len(cols) >= 3 and cols[1] in SENTIMENT_LABELS:
                texts.append(_tweet_text(cols[2]))
                ys.append(SENTIMENT_LABELS.index(cols[1]))
    return Split(texts, np.asarray(ys))


TWEETEVAL_EMOTIONS = ["anger", "joy", "optimism", "sadness"]


def tweeteval_emotion(data_dir: Path, split: str) -> Split:
    base = data_dir / "tweeteval/emotion"
    texts = (base / f"{split}_text.txt").read_text().splitlines()
    ys = [int(x) for x in (base / f"{split}_labels.txt").read_text().split()]
    return Split(texts, np.asarray(ys))


INDOMAIN = Path(__file__).resolve().parent / "indomain.jsonl"


def goemotions_polarity(data_dir: Path, split: str) -> tuple[Split, np.ndarray]:
    """GoEmotions `group/` taxonomy as 3-class sentiment: (the full split, with y = class id or
    -1 for rows that are ambiguous or mix polarities). The texts equal `goemotions(split)`'s,
    so the cached encoder features of that split are reused."""
    group = (data_dir / "goemotions/group/labels.txt").read_text().split()
    texts, ys = [], []
    for line in (data_dir / f"goemotions/group/{split}.tsv").read_text().splitlines():
        text, ids, _ = line.split("\t")
        names = {group[int(i)] for i in ids.split(",")}
        texts.append(text)
        ys.append(
            SENTIMENT_LABELS.index(names.pop())
            if len(names) == 1 and names <= set(SENTIMENT_LABELS)
            else -1
        )
    y = np.asarray(ys)
    return Split(texts, y), y >= 0


def goemotions_polarity_sample(data_dir: Path, split: str, per_class: int | None) -> Split:
    """Single-polarity GoEmotions comments of a split (`group/` taxonomy), at most `per_class`
    of each class, picked by a stable hash of the row position (a stratified subsample, so the
    encoding fits a small CPU; None keeps all)."""
    full, mask = goemotions_polarity(data_dir, split)
    keep: list[int] = []
    for label in range(len(SENTIMENT_LABELS)):
        rows = [int(i) for i in np.flatnonzero(mask & (full.y == label))]
        rows.sort(key=lambda i: zlib.crc32(f"{split}-{i}".encode()))
        keep.extend(rows[:per_class] if per_class is not None else rows)
    keep.sort()
    return Split([full.texts[i] for i in keep], full.y[keep])


def laptops_polarity(data_dir: Path, part: str | None = None) -> Split:
    """SemEval-2016 laptop review sentences whose aspect opinions all share one polarity (the
    sentence label); sentences with no opinion or with conflicting ones are left out. `part`
    ("tune" or "test": the halves by review of nlp/training/evaluate_themes.py) keeps one half."""
    import hashlib
    import xml.etree.ElementTree as ET  # noqa: S405 - a local research file, not user input

    root = ET.parse(data_dir / "semeval2016-laptops/ABSA16_Laptops_Train_SB1_v2.xml")  # noqa: S314
    texts, ys = [], []
    for review in root.iter("Review"):
        rid = review.get("rid", "")
        half = int(hashlib.sha1(rid.encode(), usedforsecurity=False).hexdigest(), 16) % 2
        if part is not None and ("tune", "test")[half] != part:
            continue
        for sentence in review.iter("sentence"):
            polarities = {o.get("polarity") for o in sentence.iter("Opinion")}
            if len(polarities) == 1 and (label := polarities.pop()) in SENTIMENT_LABELS:
                texts.append(sentence.findtext("text") or "")
                ys.append(SENTIMENT_LABELS.index(label))
    return Split(texts, np.asarray(ys))


def indomain(path: Path = INDOMAIN) -> tuple[Split, np.ndarray]:
    """The hand-written in-domain training comments (never the challenge set): sentiment split
    and the intent-to-leave flags."""
    import json

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return (
        Split(
            [r["text"] for r in rows],
            np.asarray([SENTIMENT_LABELS.index(r["sentiment"]) for r in rows]),
        ),
        np.asarray([bool(r["intent_to_leave"]) for r in rows]),
    )
