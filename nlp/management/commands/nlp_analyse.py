"""`manage.py nlp_analyse --input in.jsonl --output out.jsonl [--themes themes.json]`.

Streams: reads and writes one chunk of lines at a time, so memory does not grow with the input.
"""

import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nlp.management.jsonl import EXPECTED, jsonl_objects


def _chunks(handle: Iterable[str], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for number, item in jsonl_objects(handle):
        if "text" not in item:
            raise CommandError(f"line {number}: {EXPECTED}")
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Command(BaseCommand):
    help = "Analyse a JSONL file of {id, text} lines into a JSONL file of {id, result} lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True, help="JSONL ('-' for stdin)")
        parser.add_argument("--output", type=Path, required=True, help="JSONL ('-' for stdout)")
        parser.add_argument("--themes", type=Path, default=None)
        parser.add_argument("--chunk", type=int, default=256)

    def handle(
        self,
        *args: Any,
        input: Path,
        output: Path,
        themes: Path | None,
        chunk: int,
        **options: Any,
    ) -> None:
        from nlp.engine.core import engine_get
        from nlp.engine.themes import Theme

        theme_list = []
        if themes:
            try:
                theme_list = [Theme.coerce(t) for t in json.loads(themes.read_text())]
            except (ValueError, KeyError, TypeError) as exc:
                raise CommandError(
                    f"--themes: expected a JSON list of {{name, ...}} ({exc})"
                ) from exc
        engine = engine_get()
        source = sys.stdin if str(input) == "-" else input.open(encoding="utf-8")
        sink = sys.stdout if str(output) == "-" else output.open("w", encoding="utf-8")
        started, count = time.monotonic(), 0
        try:
            for items in _chunks(source, chunk):
                texts = [str(item.get("text") or "") for item in items]
                results = engine.analyse(texts, [theme_list] * len(texts))
                for item, result in zip(items, results, strict=True):
                    sink.write(
                        json.dumps({"id": item.get("id"), "result": result.to_dict()}) + "\n"
                    )
                count += len(items)
                rate = count / max(time.monotonic() - started, 1e-6)
                sys.stderr.write(f"\ranalysed {count} texts ({rate:.0f}/s)")
        finally:
            sys.stderr.write("\n")
            if sink is not sys.stdout:
                sink.close()
            if source is not sys.stdin:
                source.close()
