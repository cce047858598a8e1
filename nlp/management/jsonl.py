"""Reading the `{"id", "text"}` JSONL input of the batch commands (nlp_analyse, nlp_topics)."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.management.base import CommandError

EXPECTED = 'expected {"id": ..., "text": ...}'


def jsonl_objects(handle: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) per non-blank line; a line that is not a JSON object is a clear
    error naming its line."""
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(f"line {number}: invalid JSON ({exc})") from exc
        if not isinstance(item, dict):
            raise CommandError(f"line {number}: {EXPECTED}")
        yield number, item
