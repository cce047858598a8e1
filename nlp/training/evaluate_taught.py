"""Promises taught by a firm's corrections, on the laptop reviews (`nlp_evaluate --suite laptops`).

A firm's people correct the engine on its own items: they confirm a promise on items that speak
to it and deny it where the engine matched wrongly. That is simulated on the tune half of the
review split (nlp/training/evaluate_themes.py): for each theme, N confirmed texts (sentences of
the tune half that the gold labels give the theme) and N denied ones (sentences the engine's
matcher gives the theme and the gold labels do not), taken in a stable hashed order. They go
through the engine's own path (`Theme.confirmed` / `counter_examples`, `models_build`,
`taught_hits`), and the test half is scored, never seen by the corrections or the choices.

The classifier's C, HIGH and LOW are chosen without the test half: the tune half is split again
by review, corrections (N = 10) are drawn from one part and the settings scored on the other.
"""

import hashlib
import itertools
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from nlp.engine.promise_model import matching_embeddings, models_build
from nlp.engine.promises import hits, scored
from nlp.engine.themes import Theme
from nlp.training.evaluate_themes import Part, Taught, laptop_themes, predict, scores

if TYPE_CHECKING:
    from nlp.engine.core import Engine

BUDGETS = (5, 10, 30, 100_000)  # corrections of each kind per theme; the last is "all"
GRID_C = (4.0, 16.0, 64.0)
GRID_HIGH_LOW = tuple(itertools.product((0.5, 0.7, 0.8, 0.9, 0.95), (0.0, 0.2, 0.35, 0.5)))


def _order(text: str) -> int:
    return int(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(), 16)


def corrections(
    engine: "Engine", part: Part, themes: list[Theme], n: int
) -> list[tuple[list[str], list[str]]]:
    """Per theme (confirmed, denied) texts a firm's people would give on this part."""
    f = part.features
    found = hits(scored(f.emb, f.clause_emb, f.clause_owner, f.theme_emb), engine.match_settings)
    doc_found = np.zeros((len(part.texts), len(themes)), bool)
    np.logical_or.at(doc_found, f.owner, found)
    docs = sorted(range(len(part.texts)), key=lambda d: _order(part.texts[d]))
    out = []
    for j in range(len(themes)):
        gold = [d for d in docs if j in part.gold[d]]
        wrong = [d for d in docs if doc_found[d, j] and j not in part.gold[d]]
        out.append(([part.texts[d] for d in gold[:n]], [part.texts[d] for d in wrong[:n]]))
    return out


def taught_themes(themes: list[Theme], taught: list[tuple[list[str], list[str]]]) -> list[Theme]:
    return [
        replace(t, confirmed=tuple(c), counter_examples=tuple(d))
        for t, (c, d) in zip(themes, taught, strict=True)
    ]


def taught_score(
    engine: "Engine", part: Part, themes: list[Theme], c: float, high: float, low: float
) -> dict[str, float]:
    """Scores on `part` of the engine's matcher with these taught themes."""
    theme_emb = [engine._theme_embeddings(t) for t in themes]
    models = models_build(themes, theme_emb, c)
    taught = Taught(models, high, low)
    f = replace(part.features, theme_emb=matching_embeddings(themes, theme_emb, models))
    return scores(part.gold, predict(f, len(part.gold), engine.match_settings, taught=taught))


def _subpart(part: Part, keep: bool) -> Part:
    """Half of a part by another hash of the review id."""
    docs = [i for i, r in enumerate(part.reviews) if (_order(r + "/inner") % 2 == 0) == keep]
    index = {d: k for k, d in enumerate(docs)}
    f = part.features
    rows = np.flatnonzero(np.isin(f.owner, docs))
    clause_rows = np.flatnonzero(np.isin(f.clause_owner, rows))
    row_index = {int(r): k for k, r in enumerate(rows)}
    sub = replace(
        f,
        owner=np.asarray([index[int(d)] for d in f.owner[rows]], dtype=np.int64),
        emb=f.emb[rows],
        sent=f.sent[rows],
        toward=f.toward[rows],
        clause_emb=f.clause_emb[clause_rows],
        clause_sent=f.clause_sent[clause_rows],
        clause_owner=np.asarray([row_index[int(r)] for r in f.clause_owner[clause_rows]], np.int64),
    )
    return Part(sub, [part.gold[d] for d in docs], [part.texts[d] for d in docs],
                [part.reviews[d] for d in docs])  # fmt: skip


def taught_choose(engine: "Engine", tune: Part) -> tuple[float, float, float, float]:
    """(C, HIGH, LOW, validation micro-F1) chosen inside the tune half."""
    themes = laptop_themes()
    teach, check = _subpart(tune, True), _subpart(tune, False)
    taught = taught_themes(themes, corrections(engine, teach, themes, 10))
    best = max(
        ((c, hi, lo) for c, (hi, lo) in itertools.product(GRID_C, GRID_HIGH_LOW)),
        key=lambda s: taught_score(engine, check, taught, *s)["micro_f1"],
    )
    return (*best, taught_score(engine, check, taught, *best)["micro_f1"])


def evaluate_taught(engine: "Engine", parts: dict[str, Part]) -> dict[str, dict[str, float]]:
    """Test-half figures of the engine taught by N corrections of each kind per theme, with the
    classifier's settings chosen in the tune half, and with the engine's shipped constants."""
    from nlp.engine import promise_model as pm

    themes = laptop_themes()
    c, high, low, check_f1 = taught_choose(engine, parts["tune"])
    out: dict[str, dict[str, float]] = {}
    for n in BUDGETS:
        taught = taught_themes(themes, corrections(engine, parts["tune"], themes, n))
        name = f"taught_{n if n < BUDGETS[-1] else 'all'}"
        out[name] = taught_score(engine, parts["test"], taught, c, high, low)
        if (c, high, low) != (pm.C, pm.HIGH, pm.LOW):
            out[f"{name}_shipped"] = taught_score(
                engine, parts["test"], taught, pm.C, pm.HIGH, pm.LOW
            )
    out["taught_chosen"] = {"c": c, "high": high, "low": low, "inner_check_micro_f1": check_f1}
    return out
