from rest_framework.throttling import UserRateThrottle


class ReadThrottle(UserRateThrottle):
    """Per API key or user (ApiKeyUser.pk is per key)."""

    scope = "api_read"


class WriteThrottle(UserRateThrottle):
    scope = "api_write"
