"""`manage.py nlp_topics --input in.jsonl --output out.jsonl [--themes themes.json]`.

Each input line `{"id": ..., "text": ...}`; each output line `{"id", "topic", "label"}` in input
order (`topic` -1 when a text joins no topic), then one last line `{"topics": [{"id", "label",
"keywords", "size"}]}`. The input is read and embedded a chunk at a time (only the texts and one
384-float vector per line are kept: topics need every document before the first is assigned),
the output is written line by line. Progress goes to stderr.
"""

import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nlp.management.jsonl import jsonl_objects

if TYPE_CHECKING:
    from nlp.engine.themes import Theme


def _items(handle: Iterable[str]) -> Iterator[tuple[Any, str]]:
    """(id, text) per non-blank line; a line that is not a JSON object is a clear error."""
    for _number, item in jsonl_objects(handle):
        text = item.get("text")
        # A missing, null or non-string text is kept (its id is answered with topic -1).
        yield item.get("id"), text if isinstance(text, str) else ("" if text is None else str(text))


def _themes(path: Path | None) -> list["Theme"]:
    from nlp.engine.themes import Theme

    if path is None:
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, list):
            raise TypeError("not a list")
        return [Theme.coerce({"name": t} if isinstance(t, str) else t) for t in raw]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"--themes: expected a JSON list of {{name, ...}} ({exc})") from exc


class Command(BaseCommand):
    help = "Find the topics of a JSONL file of {id, text} lines; write {id, topic, label} lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True, help="JSONL ('-' for stdin)")
        parser.add_argument("--output", type=Path, required=True, help="JSONL ('-' for stdout)")
        parser.add_argument("--themes", type=Path, default=None, help="known topics (promises)")
        parser.add_argument("--chunk", type=int, default=1024)
        parser.add_argument("--seed", type=int, default=0)

    def handle(
        self,
        *args: Any,
        input: Path,
        output: Path,
        themes: Path | None,
        chunk: int,
        seed: int,
        **options: Any,
    ) -> None:
        from nlp.topics.embed import document_embeddings
        from nlp.topics.model import topics_fit

        theme_list = _themes(themes)
        if str(input) != "-" and not input.is_file():
            raise CommandError(f"--input: no such file {input}")
        ids, texts, vectors = [], [], []
        started = time.monotonic()
        # utf-8-sig: files saved by spreadsheets start with a byte-order mark; a stray byte
        # that is not UTF-8 becomes U+FFFD instead of stopping the run.
        source = (
            sys.stdin if str(input) == "-" else input.open(encoding="utf-8-sig", errors="replace")
        )
        try:
            pending: list[str] = []
            for item_id, text in _items(source):
                ids.append(item_id)
                pending.append(text)
                if len(pending) >= chunk:
                    vectors.append(document_embeddings(pending))
                    texts.extend(pending)
                    pending = []
                    self._progress(f"embedded {len(texts)} texts", started)
            if pending:
                vectors.append(document_embeddings(pending))
                texts.extend(pending)
        finally:
            if source is not sys.stdin:
                source.close()
        self._progress(f"embedded {len(texts)} texts; fitting topics", started)
        emb = np.concatenate(vectors) if vectors else np.zeros((0, 384), np.float32)
        fit = topics_fit(texts, emb, themes=theme_list, embed=document_embeddings, seed=seed)
        labels = {t.id: t.label for t in fit.topics}
        sink = sys.stdout if str(output) == "-" else output.open("w", encoding="utf-8")
        try:
            for item_id, topic in zip(ids, fit.assignments.tolist(), strict=True):
                line = {"id": item_id, "topic": int(topic), "label": labels.get(topic, "")}
                sink.write(json.dumps(line, ensure_ascii=False) + "\n")
            summary = [
                {"id": t.id, "label": t.label, "keywords": t.keywords, "size": t.size}
                for t in fit.topics
            ]
            sink.write(json.dumps({"topics": summary}, ensure_ascii=False) + "\n")
        finally:
            if sink is not sys.stdout:
                sink.close()
        assigned = int((fit.assignments >= 0).sum())
        self._progress(
            f"{len(fit.topics)} topics; {assigned} of {len(ids)} texts assigned", started
        )
        sys.stderr.write("\n")

    @staticmethod
    def _progress(message: str, started: float) -> None:
        sys.stderr.write(f"\r{message} ({time.monotonic() - started:.1f}s)")
        sys.stderr.flush()
