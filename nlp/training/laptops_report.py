"""`nlp_evaluate --suite laptops`: the matchers side by side on the laptop reviews' test half
(nlp/training/evaluate_themes.py: zero-shot; nlp/training/evaluate_taught.py: taught by
simulated corrections), printed, written as JSON and as the model card's block."""

import json
import re
from pathlib import Path

from django.core.management.base import OutputWrapper

from nlp.training.evaluate_taught import BUDGETS, evaluate_taught
from nlp.training.evaluate_themes import evaluate_laptops, laptop_parts

CARD_BEGIN, CARD_END = "<!-- themes:begin -->", "<!-- themes:end -->"
ZERO_SHOT = ["old", "old_tuned_threshold", "new", "new_engine_defaults"]


def _cell(result: dict[str, dict[str, float]], column: str, key: str) -> str:
    value = result[column].get(key)
    return "–" if value is None else f"{value:.3f}"


def card_block(result: dict[str, dict[str, float]]) -> str:
    """The model card's laptop table: old and new matchers side by side on the test half."""
    taught = [c for c in result if c.startswith("taught_") and c != "taught_chosen"]
    columns = [*ZERO_SHOT, *taught]
    keys = [k for k in result["old"] if k in result["new"]]
    rows = "\n".join(
        f"| {k} | " + " | ".join(_cell(result, c, k) for c in columns) + " |" for k in keys
    )
    chosen, ch = result["chosen"], result["taught_chosen"]
    return (
        f"{CARD_BEGIN}\nMeasured by `manage.py nlp_evaluate --suite laptops`: test half, "
        f"{chosen['test_sentences']:.0f} sentences (settings chosen on the tune half, "
        f"{chosen['tune_sentences']:.0f} sentences: threshold {chosen['threshold']}, floor "
        f"{chosen['floor']}, margin {chosen['margin']}, clauses {bool(chosen['clauses'])}; "
        f"old: threshold 0.35, tuned {chosen['old_tuned_threshold']}). `taught_N`: the engine's "
        f"defaults plus the per-firm classifier from N confirmed and N denied tune-half texts per "
        f"theme (budgets {', '.join(map(str, BUDGETS[:-1]))}, all); its C {ch['c']}, HIGH "
        f"{ch['high']}, LOW {ch['low']} chosen inside the tune half (inner check micro-F1 "
        f"{ch['inner_check_micro_f1']:.3f}).\n\n"
        f"| metric | {' | '.join(columns)} |\n|---|{'---|' * len(columns)}\n{rows}\n{CARD_END}"
    )


def laptops_command(
    stdout: OutputWrapper, data_dir: Path, output: Path | None, card: Path | None
) -> None:
    """What `nlp_evaluate --suite laptops` does: print, write JSON, replace the card block."""
    from nlp.engine.core import engine_get

    engine = engine_get()
    parts = laptop_parts(engine, data_dir)
    result = {**evaluate_laptops(engine, parts), **evaluate_taught(engine, parts)}
    for name, figures in result.items():
        stdout.write(f"{name}: " + ", ".join(f"{k} {v:.4f}" for k, v in figures.items()))
    if output:
        output.write_text(json.dumps(result, indent=2) + "\n")
    if card is not None:
        text = card.read_text()
        if CARD_BEGIN not in text:
            text += f"\n{CARD_BEGIN}\n{CARD_END}\n"
        pattern = re.escape(CARD_BEGIN) + ".*?" + re.escape(CARD_END)
        card.write_text(re.sub(pattern, lambda _: card_block(result), text, flags=re.S))
