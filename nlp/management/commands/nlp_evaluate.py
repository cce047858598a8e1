"""`manage.py nlp_evaluate --data-dir ../shared/data [--output metrics.json] [--challenge]`:
benchmark test-set figures, and the per-phenomenon challenge-set scores."""

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

CARD = Path(__file__).resolve().parents[2] / "MODEL_CARD.md"
BEGIN, END = "<!-- metrics:begin -->", "<!-- metrics:end -->"
CH_BEGIN, CH_END = "<!-- challenge:begin -->", "<!-- challenge:end -->"
CH_COLUMNS = [
    "n",
    "sentiment_macro_recall",
    "sentiment_accuracy",
    "intent_recall",
    "intent_precision",
    "promise_micro_f1",
    "promise_polarity_accuracy",
]


def _block_replace(text: str, begin: str, end: str, block: str) -> str:
    if begin not in text:
        return f"{text.rstrip()}\n\n{begin}\n{block}\n{end}\n"
    pattern = re.escape(begin) + ".*?" + re.escape(end)
    return re.sub(pattern, lambda _: f"{begin}\n{block}\n{end}", text, flags=re.S)


def card_update(metrics: dict[str, float], models: dict[str, Any], card: Path = CARD) -> None:
    """Replace the generated metrics block of the model card (between the markers)."""
    rows = "\n".join(f"| `{k}` | {v:.4f} |" for k, v in metrics.items())
    block = (
        f"Measured by `manage.py nlp_evaluate` with encoder `{models['encoder']}` "
        f"(precision: {models.get('precision', 'fp32')}).\n\n| metric | value |\n|---|---|\n{rows}"
    )
    text = card.read_text() if card.exists() else "# Model card\n"
    card.write_text(_block_replace(text, BEGIN, END, block))


def challenge_table(report: dict[str, dict[str, Any]]) -> str:
    def cell(value: float | None) -> str:
        if value is None:
            return "–"
        return str(value) if isinstance(value, int) else f"{value:.3f}"

    head = "| phenomenon | " + " | ".join(CH_COLUMNS) + " |"
    rule = "|---" * (len(CH_COLUMNS) + 1) + "|"
    rows = [
        f"| {tag} | " + " | ".join(cell(s.get(c)) for c in CH_COLUMNS) + " |"
        for tag, s in report.items()
    ]
    return "\n".join([head, rule, *rows])


def card_challenge_update(report: dict[str, dict[str, Any]], card: Path = CARD) -> None:
    block = "Measured by `manage.py nlp_evaluate --challenge` (demo firm's promises).\n\n"
    text = card.read_text() if card.exists() else "# Model card\n"
    card.write_text(_block_replace(text, CH_BEGIN, CH_END, block + challenge_table(report)))


class Command(BaseCommand):
    help = "Evaluate the configured engine on the benchmark test sets and update MODEL_CARD.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=None)
        parser.add_argument("--output", type=Path, default=None)
        parser.add_argument("--no-card", action="store_true", help="do not rewrite MODEL_CARD.md")
        parser.add_argument(
            "--suite",
            choices=["benchmarks", "laptops", "topics"],
            default="benchmarks",
            help="laptops: promise detection old vs new on SemEval-2016 laptop reviews; "
            "topics: topic discovery on Banking77",
        )
        parser.add_argument("--topics", action="store_true", help="same as --suite topics")
        parser.add_argument(
            "--challenge",
            action="store_true",
            help="also score the professional-services challenge set per phenomenon",
        )
        parser.add_argument(
            "--challenge-file", type=Path, default=None, help="another set in the same format"
        )

    def handle(
        self,
        *args: Any,
        data_dir: Path | None,
        output: Path | None,
        no_card: bool,
        suite: str,
        challenge: bool,
        challenge_file: Path | None,
        topics: bool = False,
        **options: Any,
    ) -> None:
        from nlp.engine.core import engine_get

        if suite == "topics" or topics:
            self._topics(data_dir, output, no_card=no_card)
            return
        if suite == "laptops":
            from nlp.training.laptops_report import laptops_command

            if data_dir is None:
                raise CommandError("give --data-dir (the folder that holds semeval2016-laptops)")

            laptops_command(self.stdout, data_dir, output, card=None if no_card else CARD)
            return
        if data_dir is None and not challenge:
            raise CommandError("give --data-dir (benchmarks) and/or --challenge")
        out: dict[str, Any] = {}
        if data_dir is not None:
            from nlp.training.evaluate import evaluate

            metrics = evaluate(data_dir)
            for key, value in metrics.items():
                self.stdout.write(f"{key}: {value:.4f}")
            out.update(metrics)
            if not no_card:
                card_update(metrics, engine_get().models)
        if challenge:
            from nlp.training.challenge import CHALLENGE, challenge_evaluate

            report = challenge_evaluate(engine_get(), challenge_file or CHALLENGE)
            self.stdout.write(challenge_table(report))
            out["challenge"] = report
            if not no_card:
                card_challenge_update(report)
        if output:
            output.write_text(json.dumps(out, indent=2) + "\n")

    def _topics(self, data_dir: Path | None, output: Path | None, *, no_card: bool) -> None:
        from nlp.training.evaluate_topics import evaluate_topics, topics_card_update

        if data_dir is None:
            raise CommandError("give --data-dir (the folder that holds banking77)")
        metrics = evaluate_topics(data_dir)
        for key, value in metrics.items():
            self.stdout.write(f"{key}: {value:.4f}")
        if output:
            output.write_text(json.dumps(metrics, indent=2) + "\n")
        if not no_card:
            topics_card_update(metrics, CARD)
