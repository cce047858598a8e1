"""A generic review feed: RSS 2.0, Atom 1.0 or JSON Feed 1.1, with paging through Atom
`rel="next"` links (RFC 5005) or JSON Feed `next_url`.

Every item on the first pages is handed over each time (saving is idempotent and notices edits);
paging stops at the first page whose items are all older than the cursor.
"""

import calendar
import json
import warnings
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.utils.dateparse import parse_datetime

from listening.sources.base import ConnectorError, FetchResult, Review, http_get_bytes

MAX_PAGES = 20


class FeedConnector:
    kind: ClassVar[str] = "feed"

    def fetch(self, *, config: dict, cursor: dict) -> FetchResult:
        url = config.get("url")
        if not url:
            raise ConnectorError("Feed source is missing config 'url'.")
        since = parse_datetime(cursor.get("updated_since", "")) if cursor else None
        reviews: list[Review] = []
        newest = since
        seen_urls: set[str] = set()
        for _ in range(MAX_PAGES):
            seen_urls.add(url)
            body, content_type = http_get_bytes(url)
            if "json" in content_type or body.lstrip()[:1] in (b"{", b"["):
                page, next_url = _json_feed(body)
            else:
                page, next_url = _xml_feed(body)
            reviews.extend(page)
            for review in page:
                stamp = review.updated_at or review.created_at
                if stamp and (newest is None or stamp > newest):
                    newest = stamp
            all_old = since is not None and all(
                (r.updated_at or r.created_at or since) <= since for r in page
            )
            if not next_url or next_url in seen_urls or all_old:
                break
            url = next_url
        new_cursor = {"updated_since": newest.isoformat()} if newest else dict(cursor or {})
        return FetchResult(reviews=reviews, cursor=new_cursor)


def _rating(value: Any) -> int | None:
    try:
        rating = int(float(value))
    except (TypeError, ValueError):
        return None
    return rating if 0 <= rating <= 5 else None


def _json_feed(body: bytes) -> tuple[list[Review], str]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ConnectorError("The feed returned malformed JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        raise ConnectorError("The JSON feed has no 'items' list.")
    reviews = []
    for item in data.get("items", []):
        if not isinstance(item, dict) or not item.get("id"):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = authors[0].get("name", "") if authors and isinstance(authors[0], dict) else ""
        reviews.append(
            Review(
                external_id=str(item["id"])[:255],
                text=str(item.get("content_text") or item.get("content_html") or ""),
                rating=_rating((item.get("_review") or {}).get("rating")),
                rating_scale=5,
                author=str(author),
                created_at=parse_datetime(str(item.get("date_published") or "")),
                updated_at=parse_datetime(
                    str(item.get("date_modified") or item.get("date_published") or "")
                ),
                title=str(item.get("title") or ""),
                raw=item,
            )
        )
    return reviews, str(data.get("next_url") or "")


def _when(struct: Any) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC) if struct else None


def _updated(entry: Any) -> datetime | None:
    # feedparser warns when `updated` silently falls back to `published`; we want exactly that.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _when(entry.get("updated_parsed") or entry.get("published_parsed"))


def _xml_feed(body: bytes) -> tuple[list[Review], str]:
    import feedparser  # lazy: only feed pollers need it

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise ConnectorError(f"The feed is not valid RSS/Atom: {parsed.get('bozo_exception')}")
    reviews = []
    for entry in parsed.entries:
        external_id = entry.get("id") or entry.get("link")
        if not external_id:
            continue
        content = entry.get("content") or []
        text = content[0].get("value", "") if content else entry.get("summary", "")
        raw = {k: entry.get(k) for k in ("id", "link", "title", "author", "summary")}
        raw["content"] = text
        reviews.append(
            Review(
                external_id=str(external_id)[:255],
                text=str(text or ""),
                rating=_rating(entry.get("rating") or entry.get("review_rating")),
                rating_scale=5,
                author=str(entry.get("author") or ""),
                created_at=_when(entry.get("published_parsed")),
                updated_at=_updated(entry),
                title=str(entry.get("title") or ""),
                raw=raw,
            )
        )
    next_url = next(
        (
            link.get("href", "")
            for link in parsed.feed.get("links", [])
            if link.get("rel") == "next"
        ),
        "",
    )
    return reviews, next_url
