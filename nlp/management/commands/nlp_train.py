"""`manage.py nlp_train --data-dir ../shared/data`: train the sentiment and emotion heads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Train the embedded sentiment/emotion heads (writes nlp/weights/*.npz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, required=True)
        parser.add_argument("--out-dir", type=Path, default=None)
        parser.add_argument("--layers", default="", help="0-based encoder layers, e.g. 2,3,4,5")
        parser.add_argument("--hidden", type=int, default=256)
        parser.add_argument(
            "--epochs", type=int, default=None, help="heads: 30; the sentiment branch: 3"
        )
        parser.add_argument(
            "--semeval-fraction",
            type=float,
            default=1.0,
            help="stable hash-based share of the SemEval train part to use (encoding time)",
        )
        parser.add_argument(
            "--only",
            choices=["emotion", "sentiment", "intent", "branch"],
            default=None,
            help="train this model only; the others' weights are left as they are (`branch`, "
            "the LoRA-tuned sentiment branch, is trained only when named; then retrain intent)",
        )
        parser.add_argument(
            "--cache-dir", type=Path, default=None, help="encoder feature cache (var/nlp-cache)"
        )

    def handle(
        self,
        *args: Any,
        data_dir: Path,
        out_dir: Path | None,
        layers: str,
        hidden: int,
        epochs: int | None,
        semeval_fraction: float,
        only: str | None,
        cache_dir: Path | None,
        **options: Any,
    ) -> None:
        from nlp.engine.heads import WEIGHTS_DIR
        from nlp.training.cache import CACHE_DIR
        from nlp.training.train import HEADS, train_heads

        if only == "branch":
            from nlp.engine.sentiment import BRANCH_HEAD
            from nlp.inference.branch import BRANCH_FILE
            from nlp.training.branch import Settings, train_branch

            files = (BRANCH_FILE, BRANCH_HEAD)
            if out_dir:
                out_dir.mkdir(parents=True, exist_ok=True)
                files = (out_dir / BRANCH_FILE.name, out_dir / BRANCH_HEAD.name)
            settings = Settings(epochs=epochs or Settings.epochs, hidden=hidden)
            figures = train_branch(data_dir, settings, files)
            self.stdout.write(f"wrote the sentiment branch: {figures}")
            return
        heads = train_heads(
            data_dir,
            out_dir or WEIGHTS_DIR,
            layers=[int(x) for x in layers.split(",")] if layers else None,
            hidden=hidden,
            epochs=epochs or 30,
            semeval_fraction=semeval_fraction,
            only=(only,) if only else HEADS,
            cache_dir=cache_dir or CACHE_DIR,
        )
        self.stdout.write(f"wrote heads: {', '.join(sorted(heads))} to {out_dir or WEIGHTS_DIR}")
