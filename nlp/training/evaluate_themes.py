"""Promise detection and per-promise polarity on SemEval-2016 laptop reviews (`--suite laptops`).

The aspect categories are mapped to nine themes a reader can describe in a sentence, each given
the way a firm gives a promise: a name, one sentence and three example phrases, written by hand
(none is taken from the data). Reviews are split by review id (a stable hash) into a tune half
and a test half; the matcher's settings are chosen on the tune half only and reported on the
test half, side by side with the matcher of before (whole sentence, one cosine threshold,
sentence sentiment).
"""

import hashlib
import itertools
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.engine.features import pool_documents, prepare
from nlp.engine.polarity import toward
from nlp.engine.promise_model import PromiseModel, taught_hits
from nlp.engine.promises import MatchSettings, hits, polarity, scored
from nlp.engine.result import SENTIMENT_LABELS
from nlp.engine.themes import Theme, normalise_rows

if TYPE_CHECKING:
    from nlp.engine.core import Engine

FILE = "semeval2016-laptops/ABSA16_Laptops_Train_SB1_v2.xml"
# theme name, description, examples, and which ENTITY#ATTRIBUTE categories it stands for
THEMES = [
    ("Price and value", "The laptop is worth what it costs.",
     ["great value for the price", "far too expensive", "affordable"], {"*#PRICE"}),
    ("Customer support", "Help from the maker's support, repairs and warranty.",
     ["tech support was helpful", "they refused to repair it", "warranty service"],
     {"SUPPORT#*", "WARRANTY#*"}),
    ("Battery life", "How long the battery lasts.",
     ["the battery lasts all day", "battery drains quickly", "battery life"], {"BATTERY#*"}),
    ("Screen", "The display: size, brightness, resolution.",
     ["beautiful bright screen", "the display is dim", "screen resolution"], {"DISPLAY#*"}),
    ("Keyboard and touchpad", "Typing and pointing: the keys, touchpad and mouse.",
     ["the keyboard is comfortable", "the trackpad is jumpy", "keys feel cheap"],
     {"KEYBOARD#*", "MOUSE#*"}),
    ("Speed and performance", "It runs fast and handles demanding work.",
     ["it boots up quickly", "runs slow with several programs open", "fast processor"],
     {"LAPTOP#OPERATION_PERFORMANCE", "CPU#*", "GRAPHICS#*", "MEMORY#OPERATION_PERFORMANCE",
      "HARD_DISC#OPERATION_PERFORMANCE"}),
    ("Build quality and reliability", "Well made, durable, and keeps working.",
     ["solid build", "it broke after two months", "very reliable machine"], {"LAPTOP#QUALITY"}),
    ("Ease of use", "Simple and intuitive to set up and use.",
     ["easy to use", "very intuitive", "hard to figure out"], {"*#USABILITY"}),
    ("Portability", "Light and small enough to carry around.",
     ["lightweight and easy to carry", "too heavy to take anywhere", "portable"],
     {"LAPTOP#PORTABILITY"}),
]  # fmt: skip
OLD_THRESHOLD = 0.35  # the one global threshold of before
GRID_THRESHOLD = [round(0.25 + 0.025 * i, 3) for i in range(11)]
GRID_FLOOR_GAP = [0.0, 0.05, 0.1, 0.15]
GRID_MARGIN = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25]


@dataclass
class Laptops:
    texts: list[str]
    reviews: list[str]
    gold: list[dict[int, str]]  # per sentence: theme index -> polarity (one polarity only)


@dataclass
class Taught:
    models: list[PromiseModel | None]
    high: float
    low: float


def _theme_of(category: str) -> list[int]:
    entity, attribute = category.split("#")
    keys = {category, f"{entity}#*", f"*#{attribute}"}
    return [j for j, t in enumerate(THEMES) if keys & t[3]]


def laptops(data_dir: Path) -> Laptops:
    out = Laptops([], [], [])
    root = ET.parse(data_dir / FILE).getroot()  # noqa: S314 - the shared data set, not input
    for review in root.iter("Review"):
        for sentence in review.iter("sentence"):
            polarities: dict[int, Counter] = {}
            for opinion in sentence.iter("Opinion"):
                for j in _theme_of(opinion.get("category", "#")):
                    polarities.setdefault(j, Counter())[opinion.get("polarity", "neutral")] += 1
            out.texts.append(sentence.findtext("text") or "")
            out.reviews.append(review.get("rid", ""))
            # a theme voiced both ways in one sentence is kept as a mention, polarity "mixed"
            out.gold.append({j: (c.most_common(1)[0][0] if len(c) == 1 else "mixed")
                             for j, c in polarities.items()})  # fmt: skip
    return out


def part_of(review: str) -> str:
    return (
        "tune"
        if int(hashlib.sha1(review.encode(), usedforsecurity=False).hexdigest(), 16) % 2 == 0
        else "test"
    )


@dataclass
class Features:
    """Everything the matcher reads, computed once so that settings can be swept."""

    owner: np.ndarray
    emb: np.ndarray
    sent: np.ndarray  # the sentence head's
    toward: np.ndarray  # the sentiment toward a promise (nlp/engine/polarity.py)
    clause_emb: np.ndarray
    clause_sent: np.ndarray
    clause_owner: np.ndarray
    theme_emb: list
    old_theme_emb: list  # the prototypes of before: "name: description" and the examples


def _old_prototypes(engine: "Engine", theme: Theme) -> tuple[np.ndarray, np.ndarray]:
    head = f"{theme.name}: {theme.description}" if theme.description else theme.name
    enc = engine.encoder.encode_segments([head, *theme.examples])
    return normalise_rows(enc.layers[:, -1, :]), np.zeros((0, enc.layers.shape[2]), np.float32)


def features(engine: "Engine", texts: list[str], themes: list[Theme]) -> Features:
    prepared = prepare(texts)
    enc = engine.encoder.encode_segments(prepared.flat)
    docs = pool_documents(enc.layers, enc.tokens, prepared.owner, len(texts))
    sent, _ = engine._sentiment(prepared, enc, docs)  # the sentences' sentiment, as in analyse
    clause_emb, clause_sent, clause_owner = engine._clauses(prepared, [themes] * len(texts))
    return Features(
        prepared.owner,
        normalise_rows(enc.layers[:, -1, :]),
        sent,
        toward(engine.polarity, enc.layers, sent),
        clause_emb,
        clause_sent,
        clause_owner,
        [engine._theme_embeddings(t) for t in themes],
        [_old_prototypes(engine, t) for t in themes],
    )


def predict(
    f: Features,
    n_docs: int,
    settings: MatchSettings,
    old: bool = False,
    taught: "Taught | None" = None,
) -> list[dict[int, str]]:
    """Per document: theme index -> predicted polarity toward it (as `Engine._match` does);
    old: the matcher of before (its prototypes, the sentence's sentiment); taught: the firm's
    per-promise classifiers and their HIGH / LOW (nlp/engine/promise_model.py)."""
    if old:
        f = replace(f, theme_emb=f.old_theme_emb, toward=f.sent, clause_emb=f.clause_emb[:0],
                    clause_sent=f.clause_sent[:0], clause_owner=f.clause_owner[:0])  # fmt: skip
    s = scored(f.emb, f.clause_emb, f.clause_owner, f.theme_emb)
    found = hits(s, settings)
    if taught is not None:
        found = taught_hits(
            found,
            taught.models,
            f.emb,
            f.clause_emb,
            f.clause_owner,
            high=taught.high,
            low=taught.low,
        )
    out: list[dict[int, str]] = [{} for _ in range(n_docs)]
    rows_of: dict[tuple[int, int], list[int]] = {}
    for r, j in zip(*np.nonzero(found), strict=True):
        rows_of.setdefault((int(f.owner[r]), int(j)), []).append(int(r))
    for (d, j), rows in rows_of.items():
        probs = polarity(np.asarray(rows), j, s, f.toward, f.clause_sent)
        out[d][j] = SENTIMENT_LABELS[int(np.argmax(probs))]
    return out


def scores(
    gold: list[dict[int, str]], pred: list[dict[int, str]], names: list[str] | None = None
) -> dict[str, float]:
    tp = sum(len(g.keys() & p.keys()) for g, p in zip(gold, pred, strict=True))
    n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
    precision, recall = tp / max(n_pred, 1), tp / max(n_gold, 1)
    polar = [(g[j], p[j]) for g, p in zip(gold, pred, strict=True) for j in g.keys() & p.keys()]
    polar = [(a, b) for a, b in polar if a != "mixed"]
    out = {
        "precision": precision,
        "recall": recall,
        "micro_f1": 2 * precision * recall / max(precision + recall, 1e-9),
        "polarity_accuracy": sum(a == b for a, b in polar) / max(len(polar), 1),
    }
    for j, name in enumerate(names or [t[0] for t in THEMES]):
        t_tp = sum(j in g and j in p for g, p in zip(gold, pred, strict=True))
        t_p, t_g = sum(j in p for p in pred), sum(j in g for g in gold)
        out[f"f1 {name}"] = 2 * t_tp / max(t_p + t_g, 1)
    return out


def polarity_given_theme(f: Features, gold: list[dict[int, str]]) -> dict[str, float]:
    """Polarity accuracy on every gold (sentence, theme) pair, detection aside: the sentence's
    sentiment (before) against the sentiment of the clause closest to the theme (now)."""
    s = scored(f.emb, f.clause_emb, f.clause_owner, f.theme_emb)
    right = {"old": 0, "new": 0}
    total = 0
    for d, g in enumerate(gold):
        rows = np.flatnonzero(f.owner == d)
        for j, label in g.items():
            if label == "mixed" or not len(rows):
                continue
            total += 1
            whole = f.sent[rows].mean(axis=0)
            right["old"] += SENTIMENT_LABELS[int(np.argmax(whole))] == label
            mine = polarity(rows, j, s, f.toward, f.clause_sent)
            right["new"] += SENTIMENT_LABELS[int(np.argmax(mine))] == label
    return {k: v / max(total, 1) for k, v in right.items()}


def laptop_themes() -> list[Theme]:
    return [Theme(name=n, description=d, examples=tuple(e)) for n, d, e, _ in THEMES]


@dataclass
class Part:
    features: Features
    gold: list[dict[int, str]]
    texts: list[str]
    reviews: list[str]


def laptop_parts(engine: "Engine", data_dir: Path) -> dict[str, Part]:
    """The tune and test halves (split by review), with the matcher's features."""
    data = laptops(data_dir)
    parts = {}
    for part in ("tune", "test"):
        idx = [i for i, r in enumerate(data.reviews) if part_of(r) == part]
        texts = [data.texts[i] for i in idx]
        f = features(engine, texts, laptop_themes())
        parts[part] = Part(f, [data.gold[i] for i in idx], texts, [data.reviews[i] for i in idx])
    return parts


def evaluate_laptops(engine: "Engine", parts: dict[str, Part]) -> dict[str, dict[str, float]]:
    """{"old": ..., "new": ...} test-half figures, and the settings chosen on the tune half."""
    old = MatchSettings(OLD_THRESHOLD, OLD_THRESHOLD, margin=0.0, clauses=False)
    tune_f, tune_gold = parts["tune"].features, parts["tune"].gold
    best, best_f1 = old, -1.0
    grid = itertools.product(GRID_THRESHOLD, GRID_FLOOR_GAP, GRID_MARGIN, (1, 0))
    for threshold, gap, margin, clauses in grid:
        settings = MatchSettings(threshold, round(threshold - gap, 3), margin, bool(clauses))
        f1 = scores(tune_gold, predict(tune_f, len(tune_gold), settings))["micro_f1"]
        if f1 > best_f1 + 1e-9:
            best, best_f1 = settings, f1
    # the matcher of before, its one threshold tuned on the same half: the fair comparison
    old_tuned = max(
        (replace(old, threshold=t, floor=t) for t in GRID_THRESHOLD),
        key=lambda o: scores(tune_gold, predict(tune_f, len(tune_gold), o, old=True))["micro_f1"],
    )
    test_f, test_gold = parts["test"].features, parts["test"].gold
    result = {
        name: scores(test_gold, predict(test_f, len(test_gold), s, old=name.startswith("old")))
        for name, s in (
            ("old", old),
            ("old_tuned_threshold", old_tuned),
            ("new", best),
            ("new_engine_defaults", engine.match_settings),
        )
    }
    given = polarity_given_theme(test_f, test_gold)
    for name, figures in result.items():
        figures["polarity_given_theme"] = given["old" if name.startswith("old") else "new"]
    result["chosen"] = {
        "threshold": best.threshold,
        "floor": best.floor,
        "margin": best.margin,
        "old_tuned_threshold": old_tuned.threshold,
        "clauses": float(best.clauses),
        "tune_micro_f1": best_f1,
        "tune_sentences": len(tune_gold),
        "test_sentences": len(test_gold),
    }
    return result
