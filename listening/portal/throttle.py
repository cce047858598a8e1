"""Rate limits for the public endpoints, counted by django-ratelimit in the default cache."""

from django.http import HttpRequest
from django_ratelimit.core import get_usage


def throttle_hit(
    request: HttpRequest, *, group: str, rate: str | None, key: str | None = None
) -> int | None:
    """Count this request against `key` in `group`; with no key, against the client's IP
    (REMOTE_ADDR, or django-ratelimit's RATELIMIT_IP_META_KEY behind a proxy).

    Returns None while under `rate` (or when `rate` is None: that limit is off), else how many
    seconds until the window resets, for a Retry-After header. Counting is an atomic cache
    increment, so concurrent web processes sharing a Redis cache share the limit.
    """
    usage = get_usage(
        request,
        group=group,
        key="ip" if key is None else (lambda _group, _request: key),
        rate=rate,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))
