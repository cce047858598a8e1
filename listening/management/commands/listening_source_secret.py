"""Store a connector credential (API key, access token) encrypted in a Source's config."""

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback.models import Source
from listening.sources.secrets import config_with_secret


class Command(BaseCommand):
    help = (
        "Encrypt a credential into Source.config['<name>_encrypted'] (e.g. api_key for "
        "Trustpilot, access_token for Google). The value is read from --from-env or stdin, never "
        "from the command line, so it stays out of shell history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_id", type=int)
        parser.add_argument("name", choices=["api_key", "access_token"])
        parser.add_argument("--from-env", metavar="VAR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = Source.objects.get(pk=options["source_id"])
        except Source.DoesNotExist as exc:
            raise CommandError("No such source.") from exc
        if options["from_env"]:
            value = os.environ.get(options["from_env"], "")
        else:
            value = sys.stdin.readline().strip()
        if not value:
            raise CommandError("No value given.")
        source.config = config_with_secret(source.config or {}, options["name"], value)
        source.save(update_fields=["config"])
        self.stdout.write(f"Stored {options['name']} for source {source.pk}, encrypted.")
