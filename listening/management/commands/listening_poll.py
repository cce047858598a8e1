"""Poll mailbox and review sources now, in this process (what the beat task does via workers)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from listening.selectors import source_pollable_due_ids
from listening.services.polling import source_poll


class Command(BaseCommand):
    help = "Poll one source (--source ID) or every due mailbox/review source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, help="Source id; default: every due source.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = [options["source"]] if options["source"] else source_pollable_due_ids()
        for source_id in ids:
            result = source_poll(source_id=source_id)
            self.stdout.write(f"source {source_id}: {result if result is not None else 'skipped'}")
