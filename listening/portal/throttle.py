"""Rate limits for the public endpoints, counted by django-ratelimit in the default cache."""

import logging

from django.http import HttpRequest
from django_ratelimit.core import get_usage

from feedback.api.throttles import CACHE_ERRORS

logger = logging.getLogger(__name__)


def throttle_hit(
    request: HttpRequest, *, group: str, rate: str | None, key: str | None = None
) -> int | None:
    """Count this request against `key` in `group`; with no key, against the client's IP
    (REMOTE_ADDR, or django-ratelimit's RATELIMIT_IP_META_KEY behind a proxy).

    Returns None while under `rate` (or when `rate` is None: that limit is off), else how many
    seconds until the window resets, for a Retry-After header. Counting is an atomic cache
    increment, so concurrent web processes sharing a Redis cache share the limit. While the
    cache is unreachable the limit is not applied (logged): the item is saved first.
    """
    try:
        usage = get_usage(
            request,
            group=group,
            key="ip" if key is None else (lambda _group, _request: key),
            rate=rate,
            increment=True,
        )
    except CACHE_ERRORS:
        logger.warning("cache unreachable: rate limit %s not applied", group)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))
