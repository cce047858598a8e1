from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=` above `max_limit` is capped: a huge value would overflow the database's
    bigint LIMIT (a 500). An offset past the end already answers an empty page."""

    max_limit = 500
