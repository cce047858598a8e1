"""Per-phenomenon scores of the engine on the professional-services challenge set.

The set (nlp/challenge/professional_services.jsonl, test data only) is run through
`Engine.analyse` itself with the demo firm's brand promises, so every figure measures what a
firm would see. Promise polarity is read from the engine's theme results as they are: a theme's
`polarity` if the engine gives one, else its `sentiment`.
"""

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import recall_score

from nlp.engine.result import SENTIMENT_LABELS, ThemeResult

if TYPE_CHECKING:
    from nlp.engine.core import Engine

CHALLENGE = Path(__file__).resolve().parent.parent / "challenge" / "professional_services.jsonl"


def challenge_load(path: Path = CHALLENGE) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def demo_themes() -> list[dict]:
    from feedback.management.demo_data import PROMISES

    return [{"name": n, "description": d, "examples": e} for n, d, e in PROMISES]


def _polarity(theme: ThemeResult) -> str:
    return str(getattr(theme, "polarity", None) or theme.sentiment)


def _sentiment_scores(truth: list[str], pred: list[str]) -> dict[str, float]:
    labels = sorted(set(truth), key=SENTIMENT_LABELS.index)
    return {
        "sentiment_accuracy": float(np.mean([t == p for t, p in zip(truth, pred, strict=True)])),
        "sentiment_macro_recall": float(
            recall_score(truth, pred, labels=labels, average="macro", zero_division=0)
        ),
    }


def _group_scores(rows: list[dict], results: list) -> dict[str, float | int]:
    truth = [r["sentiment"] for r in rows]
    pred = [res.sentiment.label for res in results]
    out: dict[str, float | int] = {"n": len(rows), **_sentiment_scores(truth, pred)}
    leave = np.asarray([r["intent_to_leave"] for r in rows])
    flagged = np.asarray([res.intent.flag for res in results])
    if leave.any():
        out["intent_recall"] = float(flagged[leave].mean())
    if flagged.any():
        out["intent_precision"] = float(flagged[leave].sum() / flagged.sum())
    tp = fp = fn = polarity_ok = 0
    for row, res in zip(rows, results, strict=True):
        gold = {p["name"]: p["polarity"] for p in row["promises"]}
        found = {t.name: _polarity(t) for t in res.themes}
        hits = gold.keys() & found.keys()
        tp, fp, fn = (
            tp + len(hits),
            fp + len(found.keys() - gold.keys()),
            fn + len(gold.keys() - found.keys()),
        )
        polarity_ok += sum(gold[name] == found[name] for name in hits)
    if tp + fp + fn:
        out["promise_micro_f1"] = 2 * tp / max(2 * tp + fp + fn, 1)
    if tp:
        out["promise_polarity_accuracy"] = polarity_ok / tp
    return out


def challenge_evaluate(
    engine: "Engine", path: Path = CHALLENGE
) -> dict[str, dict[str, float | int]]:
    """{"all": scores, phenomenon: scores, ...} for the configured engine."""
    rows = challenge_load(path)
    themes = demo_themes()
    results = engine.analyse([r["text"] for r in rows], [themes] * len(rows))
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for tag in row["phenomena"]:
            groups[tag].append(i)
    report = {"all": _group_scores(rows, results)}
    for tag in sorted(groups):
        idx = groups[tag]
        report[tag] = _group_scores([rows[i] for i in idx], [results[i] for i in idx])
    return report


def challenge_errors(engine: "Engine", path: Path = CHALLENGE) -> list[dict]:
    """Rows the engine gets wrong (sentiment or intent), for the card's error analysis."""
    rows = challenge_load(path)
    results = engine.analyse([r["text"] for r in rows], [[]] * len(rows))
    return [
        {
            "id": r["id"],
            "text": r["text"],
            "sentiment": [r["sentiment"], res.sentiment.label],
            "intent": [r["intent_to_leave"], res.intent.flag, res.intent.probability],
        }
        for r, res in zip(rows, results, strict=True)
        if r["sentiment"] != res.sentiment.label or r["intent_to_leave"] != res.intent.flag
    ]
