import logging

from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

logger = logging.getLogger(__name__)

# What the cache raises when Redis is unreachable (the locmem cache never does).
CACHE_ERRORS = (RedisError, OSError)


class _FailOpenThrottle(UserRateThrottle):
    """Counted in the cache; while the cache is down the request goes through (and is logged):
    losing a client's words is worse than a few minutes without a limit."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("cache unreachable: %s throttle not applied", self.scope)
            return True


class ReadThrottle(_FailOpenThrottle):
    """Per API key or user (ApiKeyUser.pk is per key)."""

    scope = "api_read"


class WriteThrottle(_FailOpenThrottle):
    scope = "api_write"
