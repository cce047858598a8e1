"""`manage.py nlp_evaluate --data-dir ../shared/data [--output metrics.json]`: test-set figures."""

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand

CARD = Path(__file__).resolve().parents[2] / "MODEL_CARD.md"
BEGIN, END = "<!-- metrics:begin -->", "<!-- metrics:end -->"


def card_update(metrics: dict[str, float], models: dict, card: Path = CARD) -> None:
    """Replace the generated metrics block of the model card (between the markers)."""
    rows = "\n".join(f"| `{k}` | {v:.4f} |" for k, v in metrics.items())
    block = (
        f"{BEGIN}\nMeasured by `manage.py nlp_evaluate` with encoder `{models['encoder']}` "
        f"(quantized: {models['quantized']}).\n\n| metric | value |\n|---|---|\n{rows}\n{END}"
    )
    text = card.read_text() if card.exists() else f"# Model card\n\n{BEGIN}\n{END}\n"
    card.write_text(
        re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    )


class Command(BaseCommand):
    help = "Evaluate the configured engine on the benchmark test sets and update MODEL_CARD.md."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, required=True)
        parser.add_argument("--output", type=Path, default=None)
        parser.add_argument("--no-card", action="store_true", help="do not rewrite MODEL_CARD.md")
        parser.add_argument("--topics", action="store_true", help="the topic-discovery suite")

    def handle(self, *args, data_dir: Path, output, no_card: bool, topics: bool = False, **kw):
        from nlp.engine.core import engine_get
        from nlp.training.evaluate import evaluate
        from nlp.training.evaluate_topics import evaluate_topics, topics_card_update

        metrics = evaluate_topics(data_dir) if topics else evaluate(data_dir)
        for key, value in metrics.items():
            self.stdout.write(f"{key}: {value:.4f}")
        if output:
            output.write_text(json.dumps(metrics, indent=2) + "\n")
        if not no_card:
            if topics:
                topics_card_update(metrics, CARD)
            else:
                card_update(metrics, engine_get().models)
