"""Full-text search of feedback text: PostgreSQL's English text search (websearch syntax: words,
"quoted phrases", -excluded, or) on the stored `search_vector` column and its GIN index
(migration 0017), ranked; on SQLite, every word as a case-insensitive substring (-word: not
containing it)."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, FloatField, QuerySet, Value

from feedback.models import Feedback

WORD = re.compile(r"[\w'@.]+")


def feedback_search(qs: QuerySet[Feedback], q: str) -> QuerySet[Feedback]:
    """The items of `qs` that match `q`, annotated with `rank` (higher: more relevant; 0.0 on
    databases without full-text search)."""
    if connections[qs.db].vendor == "postgresql":
        query = SearchQuery(q, config="english", search_type="websearch")
        return qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    for term in q.split():
        for word in WORD.findall(term):
            qs = (
                qs.exclude(text__icontains=word)
                if term.startswith("-")
                else qs.filter(text__icontains=word)
            )
    return qs.annotate(rank=Value(0.0, output_field=FloatField()))
