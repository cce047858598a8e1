"""Import a CSV of historical feedback from the command line, with progress."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.models import Source
from listening.services.csv_import import FIELDS, csv_import_create, csv_import_run


class Command(BaseCommand):
    help = "Import FILE into source SOURCE_ID. Map columns with --map field=Column (text required)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map", action="append", default=[], help=f"field=Column; fields: {', '.join(FIELDS)}"
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = Source.objects.get(pk=options["source_id"])
        except Source.DoesNotExist as exc:
            raise CommandError("No such source.") from exc
        mapping = dict(item.split("=", 1) for item in options["map"] if "=" in item)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            with path.open("rb") as fh:
                job = csv_import_create(
                    source=source,
                    file=File(fh, name=path.name),
                    mapping=mapping,
                    dry_run=options["dry_run"],
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        job = csv_import_run(import_id=job.pk) or job
        self.stdout.write(
            f"import #{job.pk}: {job.rows_done} rows, {job.rows_created} created, "
            f"{job.rows_duplicate} duplicates, {job.rows_failed} refused"
        )
        for error in job.errors[:20]:
            self.stdout.write(f"  row {error['row']}: {error['error']}")
