"""The one interface every polled review connector implements: fetch since a cursor, return
normalised reviews and the next cursor. Connectors do HTTP only; saving is the services' job."""

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

import requests
from django.conf import settings


class ConnectorError(Exception):
    """A channel failure worth recording on the Source (site down, bad credentials, bad data)."""


class RateLimited(ConnectorError):
    """The site asked us to slow down; `retry_after` seconds until the next attempt."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Review:
    external_id: str
    text: str
    rating: int | None
    rating_scale: int | None
    author: str
    created_at: datetime | None
    updated_at: datetime | None
    title: str = ""
    language: str = ""
    raw: dict = field(default_factory=dict)


@dataclass
class FetchResult:
    reviews: list[Review]
    cursor: dict


class Connector(Protocol):
    kind: ClassVar[str]

    def fetch(self, *, config: dict, cursor: dict) -> FetchResult:
        """Reviews new or changed since `cursor` (oldest pages may be re-read: saving is
        idempotent), and the cursor to persist once they are all saved. Raises ConnectorError."""
        ...


def _retry_after_seconds(value: str | None) -> float:
    if not value:
        return 60.0
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return 60.0


def http_get_json(url: str, *, params: dict | None = None, headers: dict | None = None) -> Any:
    """GET and decode JSON. Honours a short Retry-After inline once; a long one, 5xx after
    retries, other HTTP errors and malformed JSON become ConnectorError with a clear reason."""
    max_inline = getattr(settings, "LISTENING_MAX_INLINE_RETRY_AFTER", 2.0)
    attempts = 3
    for attempt in range(1, attempts + 1):
        try:
            resp = requests.get(
                url, params=params, headers=headers, timeout=settings.LISTENING_HTTP_TIMEOUT
            )
        except requests.RequestException as exc:
            if attempt == attempts:
                raise ConnectorError(f"Cannot reach {url}: {exc.__class__.__name__}") from exc
            time.sleep(0.2 * attempt)
            continue
        if resp.status_code == 429:
            wait = _retry_after_seconds(resp.headers.get("Retry-After"))
            if wait <= max_inline and attempt < attempts:
                time.sleep(wait)
                continue
            raise RateLimited(f"Rate limited by {url} (retry after {wait:.0f}s)", wait)
        if resp.status_code >= 500:
            if attempt < attempts:
                time.sleep(0.2 * attempt)
                continue
            raise ConnectorError(f"{url} answered {resp.status_code} (site down?)")
        if resp.status_code in (401, 403):
            raise ConnectorError(f"{url} refused our credentials ({resp.status_code})")
        if resp.status_code >= 400:
            raise ConnectorError(f"{url} answered {resp.status_code}")
        try:
            return resp.json()
        except ValueError as exc:
            raise ConnectorError(f"{url} returned malformed JSON") from exc
    raise ConnectorError(f"{url}: gave up")  # pragma: no cover - loop always returns or raises


def http_get_bytes(url: str, *, headers: dict | None = None) -> tuple[bytes, str]:
    """Like http_get_json for documents (feeds): (body, content type)."""
    try:
        resp = requests.get(url, headers=headers, timeout=settings.LISTENING_HTTP_TIMEOUT)
    except requests.RequestException as exc:
        raise ConnectorError(f"Cannot reach {url}: {exc.__class__.__name__}") from exc
    if resp.status_code == 429:
        wait = _retry_after_seconds(resp.headers.get("Retry-After"))
        raise RateLimited(f"Rate limited by {url} (retry after {wait:.0f}s)", wait)
    if resp.status_code >= 400:
        raise ConnectorError(f"{url} answered {resp.status_code}")
    return resp.content, resp.headers.get("Content-Type", "")
