"""`manage.py nlp_train_polarity --data-dir ../shared/data`: rebuild the promise-polarity model."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Train nlp/weights/mention_polarity.npz on SemEval-2016 laptop reviews (tune half)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, required=True)

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        from nlp.engine.core import engine_get
        from nlp.training.train_polarity import polarity_train

        for key, value in polarity_train(engine_get(), data_dir).items():
            self.stdout.write(f"{key}: {value:.4f}")
