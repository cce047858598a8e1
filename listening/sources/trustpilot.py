"""Trustpilot business-unit reviews (`GET /v1/business-units/{id}/reviews`).

Trustpilot pages by `page`/`perPage` with a `links` entry `rel: next-page`. Newest first; paging
stops once reviews are older than the cursor minus a look-back window, which also re-reads recent
reviews so that edits to them are noticed.
"""

from datetime import timedelta
from typing import ClassVar

from django.utils.dateparse import parse_datetime

from listening.sources.base import ConnectorError, FetchResult, Review, http_get_json
from listening.sources.secrets import config_secret

MAX_PAGES = 50


class TrustpilotConnector:
    kind: ClassVar[str] = "trustpilot"

    def fetch(self, *, config: dict, cursor: dict) -> FetchResult:
        base = config.get("base_url", "https://api.trustpilot.com").rstrip("/")
        unit = config.get("business_unit_id")
        if not unit:
            raise ConnectorError("Trustpilot source is missing config 'business_unit_id'.")
        api_key = config_secret(config, "api_key")
        since = parse_datetime(cursor.get("created_since", "")) if cursor else None
        stop_before = (
            since - timedelta(days=int(config.get("lookback_days", 30))) if since else None
        )
        reviews: list[Review] = []
        newest = since
        for page in range(1, MAX_PAGES + 1):
            data = http_get_json(
                f"{base}/v1/business-units/{unit}/reviews",
                params={"page": page, "perPage": 100, "orderBy": "createdat.desc"},
                headers={"apikey": api_key},
            )
            if not isinstance(data, dict):
                raise ConnectorError("Trustpilot answered JSON that is not an object.")
            done = False
            for item in data.get("reviews") or []:
                review = _normalise(item)
                if stop_before and review.created_at and review.created_at < stop_before:
                    done = True
                    break
                reviews.append(review)
                if review.created_at and (newest is None or review.created_at > newest):
                    newest = review.created_at
            has_next = any(
                isinstance(link, dict) and link.get("rel") == "next-page"
                for link in data.get("links") or []
            )
            if done or not has_next:
                break
        new_cursor = {"created_since": newest.isoformat()} if newest else dict(cursor or {})
        return FetchResult(reviews=reviews, cursor=new_cursor)


def _normalise(item: dict) -> Review:
    if not isinstance(item, dict) or not item.get("id"):
        raise ConnectorError("Trustpilot returned a review without an id.")
    stars = item.get("stars")
    consumer = item.get("consumer") or {}
    title = str(item.get("title") or "")
    text = str(item.get("text") or "")
    return Review(
        external_id=str(item["id"]),
        text=f"{title}\n\n{text}".strip() if title and title not in text else text,
        rating=stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
        rating_scale=5,
        author=str(consumer.get("displayName") or ""),
        created_at=parse_datetime(str(item.get("createdAt") or "")),
        updated_at=parse_datetime(str(item.get("updatedAt") or item.get("createdAt") or "")),
        title=title,
        language=str(item.get("language") or "")[:16],
        raw=item,
    )
