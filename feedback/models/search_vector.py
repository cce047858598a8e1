"""The stored text-search vector of a feedback item's text (a generated column).

On PostgreSQL the column is `to_tsvector('english', text)`, kept by the database itself on every
insert and update, and a GIN index on it (migration 0017) serves the explorer's search without
computing a vector per row at query time. SQLite has no text-search vectors: there the column is
always NULL and the explorer searches by substring (`feedback.items.search`)."""

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.models import F, Func


class TextVector(Func):
    """`to_tsvector('english', <expression>)` on PostgreSQL, NULL elsewhere."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self, expression: Any = None, **extra: Any) -> None:
        super().__init__(expression if expression is not None else F("text"), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return "NULL", []
