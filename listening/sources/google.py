"""Google Business Profile reviews (My Business API v4, `accounts.locations.reviews.list`).

Pages are read newest-updated first and paging stops at the first review not updated since the
cursor, so an edited review comes back with its new `updateTime` and is saved as an edit.
"""

from typing import ClassVar

from django.utils.dateparse import parse_datetime

from listening.sources.base import ConnectorError, FetchResult, Review, http_get_json
from listening.sources.secrets import config_secret

STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
MAX_PAGES = 50


class GoogleBusinessConnector:
    kind: ClassVar[str] = "google"

    def fetch(self, *, config: dict, cursor: dict) -> FetchResult:
        base = config.get("base_url", "https://mybusiness.googleapis.com/v4").rstrip("/")
        parent = config.get("location_name")  # "accounts/{a}/locations/{l}"
        if not parent:
            raise ConnectorError("Google source is missing config 'location_name'.")
        headers = {"Authorization": f"Bearer {config_secret(config, 'access_token')}"}
        since = parse_datetime(cursor.get("updated_since", "")) if cursor else None
        reviews: list[Review] = []
        newest = since
        page_token = ""
        for _ in range(MAX_PAGES):
            params = {"pageSize": 50, "orderBy": "updateTime desc"}
            if page_token:
                params["pageToken"] = page_token
            data = http_get_json(f"{base}/{parent}/reviews", params=params, headers=headers)
            if not isinstance(data, dict):
                raise ConnectorError("Google answered JSON that is not an object.")
            reached_cursor = False
            for item in data.get("reviews") or []:
                review = _normalise(item)
                if since and review.updated_at and review.updated_at <= since:
                    reached_cursor = True
                    break
                reviews.append(review)
                if review.updated_at and (newest is None or review.updated_at > newest):
                    newest = review.updated_at
            page_token = data.get("nextPageToken") or ""
            if reached_cursor or not page_token:
                break
        new_cursor = {"updated_since": newest.isoformat()} if newest else dict(cursor or {})
        return FetchResult(reviews=reviews, cursor=new_cursor)


def _normalise(item: dict) -> Review:
    if not isinstance(item, dict) or not item.get("reviewId"):
        raise ConnectorError("Google returned a review without a reviewId.")
    reviewer = item.get("reviewer") or {}
    return Review(
        external_id=str(item["reviewId"]),
        text=str(item.get("comment") or ""),
        rating=STARS.get(str(item.get("starRating"))),
        rating_scale=5,
        author="" if reviewer.get("isAnonymous") else str(reviewer.get("displayName") or ""),
        created_at=parse_datetime(str(item.get("createTime") or "")),
        updated_at=parse_datetime(str(item.get("updateTime") or item.get("createTime") or "")),
        raw=item,
    )
