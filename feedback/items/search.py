"""Full-text search of feedback text: PostgreSQL's English text search (websearch syntax: words,
"quoted phrases", -excluded, or), ranked; on SQLite, every word as a case-insensitive substring
(-word: not containing it)."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import F, FloatField, Func, QuerySet, Value

from feedback.models import Feedback

# Exactly the expression of the GIN index in migration 0011, or the planner will not use it.
TEXT_VECTOR_SQL = "to_tsvector('english'::regconfig, %(expressions)s)"
WORD = re.compile(r"[\w'@.]+")


def text_vector() -> Func:
    return Func(F("text"), template=TEXT_VECTOR_SQL, output_field=SearchVectorField())


def feedback_search(qs: QuerySet[Feedback], q: str) -> QuerySet[Feedback]:
    """The items of `qs` that match `q`, annotated with `rank` (higher: more relevant; 0.0 on
    databases without full-text search)."""
    if connections[qs.db].vendor == "postgresql":
        query = SearchQuery(q, config="english", search_type="websearch")
        return (
            qs.annotate(search=text_vector())
            .filter(search=query)
            .annotate(rank=SearchRank(text_vector(), query))
        )
    for term in q.split():
        for word in WORD.findall(term):
            qs = (
                qs.exclude(text__icontains=word)
                if term.startswith("-")
                else qs.filter(text__icontains=word)
            )
    return qs.annotate(rank=Value(0.0, output_field=FloatField()))
