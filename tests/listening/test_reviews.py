"""Review connectors against a local HTTP server serving each API's documented shape."""

import pytest
from werkzeug import Response

from feedback.models import AnalysisStatus, Channel, Feedback, Source
from listening.models import PollState, ReviewRevision
from listening.services.polling import source_poll
from listening.sources.secrets import config_with_secret
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def _google_review(rid: str, text: str, stars: str, updated: str) -> dict:
    return {
        "name": f"accounts/1/locations/2/reviews/{rid}",
        "reviewId": rid,
        "reviewer": {"displayName": "Sam Client", "isAnonymous": False},
        "starRating": stars,
        "comment": text,
        "createTime": "2026-01-01T10:00:00Z",
        "updateTime": updated,
    }


@pytest.fixture
def google_source(firm, httpserver):
    config = config_with_secret(
        {
            "kind": "google",
            "base_url": httpserver.url_for("/v4"),
            "location_name": "accounts/1/locations/2",
        },
        "access_token",
        "ya29.token",
    )
    return SourceFactory(firm=firm, channel=Channel.REVIEW, name="Google", config=config)


def _due(source: Source) -> None:
    PollState.objects.filter(source=source).update(next_poll_at=None)


def test_google_pages_are_followed_and_the_cursor_saved(google_source, httpserver):
    # given two pages, newest first
    path = "/v4/accounts/1/locations/2/reviews"
    httpserver.expect_request(
        path, query_string={"pageSize": "50", "orderBy": "updateTime desc"}
    ).respond_with_json(
        {
            "reviews": [
                _google_review("r3", "Great partner, fast answers.", "FIVE", "2026-03-03T00:00:00Z")
            ],
            "nextPageToken": "p2",
            "totalReviewCount": 2,
        }
    )
    httpserver.expect_request(
        path, query_string={"pageSize": "50", "orderBy": "updateTime desc", "pageToken": "p2"}
    ).respond_with_json(
        {"reviews": [_google_review("r1", "Slow to reply.", "TWO", "2026-02-02T00:00:00Z")]}
    )

    # when
    counts = source_poll(source_id=google_source.pk)

    # then
    assert counts["created"] == 2
    by_id = {f.external_id: f for f in Feedback.objects.filter(source=google_source)}
    assert by_id["r3"].rating == 5 and by_id["r3"].rating_scale == 5
    assert by_id["r1"].rating == 2
    assert by_id["r3"].sender == "Sam Client"
    google_source.refresh_from_db()
    assert google_source.cursor == {"updated_since": "2026-03-03T00:00:00+00:00"}
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == "Bearer ya29.token"


def test_an_edited_review_updates_feedback_and_keeps_history(google_source, httpserver):
    # given a review already saved and analysed
    path = "/v4/accounts/1/locations/2/reviews"
    httpserver.expect_ordered_request(path).respond_with_json(
        {"reviews": [_google_review("r1", "Slow to reply.", "TWO", "2026-02-02T00:00:00Z")]}
    )
    httpserver.expect_ordered_request(path).respond_with_json(
        {
            "reviews": [
                _google_review("r1", "They fixed it, thanks.", "FOUR", "2026-04-01T00:00:00Z")
            ]
        }
    )
    source_poll(source_id=google_source.pk)
    Feedback.objects.filter(source=google_source).update(analysis_status=AnalysisStatus.DONE)
    _due(google_source)

    # when the reviewer edits it
    counts = source_poll(source_id=google_source.pk)

    # then
    assert counts["edited"] == 1
    fb = Feedback.objects.get(source=google_source)
    assert fb.text == "They fixed it, thanks."
    assert fb.rating == 4
    assert fb.analysis_status == AnalysisStatus.PENDING
    old = ReviewRevision.objects.get(feedback=fb)
    assert (old.text, old.rating) == ("Slow to reply.", 2)


def test_saving_the_same_reviews_twice_changes_nothing(google_source, httpserver):
    # given
    page = {"reviews": [_google_review("r1", "Fine work.", "FOUR", "2026-02-02T00:00:00Z")]}
    httpserver.expect_request("/v4/accounts/1/locations/2/reviews").respond_with_json(page)
    source_poll(source_id=google_source.pk)
    google_source.refresh_from_db()
    Source.objects.filter(pk=google_source.pk).update(cursor={})
    _due(google_source)

    # when the cursor is lost and everything is read again
    counts = source_poll(source_id=google_source.pk)

    # then
    assert counts["unchanged"] == 1
    assert Feedback.objects.filter(source=google_source).count() == 1
    assert not ReviewRevision.objects.exists()


def test_429_with_a_long_retry_after_is_recorded_and_respected(google_source, httpserver):
    # given
    httpserver.expect_request("/v4/accounts/1/locations/2/reviews").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "3600"})
    )

    # when
    source_poll(source_id=google_source.pk)

    # then
    google_source.refresh_from_db()
    assert google_source.status == Source.Status.FAILING
    assert "Rate limited" in google_source.last_error
    state = PollState.objects.get(source=google_source)
    assert (state.next_poll_at - google_source.last_error_at).total_seconds() >= 3599


def test_429_with_a_short_retry_after_is_retried_inline(google_source, httpserver):
    # given
    path = "/v4/accounts/1/locations/2/reviews"
    httpserver.expect_ordered_request(path).respond_with_response(
        Response("", status=429, headers={"Retry-After": "0"})
    )
    httpserver.expect_ordered_request(path).respond_with_json(
        {"reviews": [_google_review("r1", "Good.", "FIVE", "2026-02-02T00:00:00Z")]}
    )

    # when
    counts = source_poll(source_id=google_source.pk)

    # then
    assert counts["created"] == 1


def test_5xx_is_a_recorded_failure_and_keeps_the_cursor(google_source, httpserver):
    # given
    Source.objects.filter(pk=google_source.pk).update(
        cursor={"updated_since": "2026-01-01T00:00:00+00:00"}
    )
    httpserver.expect_request("/v4/accounts/1/locations/2/reviews").respond_with_data(
        "upstream down", status=503
    )

    # when
    result = source_poll(source_id=google_source.pk)

    # then
    google_source.refresh_from_db()
    assert "503" in result["error"]
    assert google_source.failure_count == 1
    assert google_source.cursor == {"updated_since": "2026-01-01T00:00:00+00:00"}


def test_malformed_json_is_a_recorded_failure(google_source, httpserver):
    # given
    httpserver.expect_request("/v4/accounts/1/locations/2/reviews").respond_with_data(
        '{"reviews": [', content_type="application/json"
    )

    # when
    source_poll(source_id=google_source.pk)

    # then
    google_source.refresh_from_db()
    assert "malformed JSON" in google_source.last_error
    assert not Feedback.objects.exists()


def test_trustpilot_pages_through_next_page_links(firm, httpserver):
    # given
    config = config_with_secret(
        {"kind": "trustpilot", "base_url": httpserver.url_for(""), "business_unit_id": "bu1"},
        "api_key",
        "tp-key",
    )
    source = SourceFactory(firm=firm, channel=Channel.REVIEW, name="Trustpilot", config=config)
    path = "/v1/business-units/bu1/reviews"

    def review(rid: str, stars: int, created: str) -> dict:
        return {
            "id": rid,
            "stars": stars,
            "title": "Solid",
            "text": f"Review {rid} text.",
            "language": "en",
            "createdAt": created,
            "updatedAt": None,
            "consumer": {"displayName": "Kim"},
        }

    httpserver.expect_request(
        path, query_string={"page": "1", "perPage": "100", "orderBy": "createdat.desc"}
    ).respond_with_json(
        {
            "reviews": [review("t2", 4, "2026-03-01T00:00:00Z")],
            "links": [{"href": "...page=2", "method": "GET", "rel": "next-page"}],
        }
    )
    httpserver.expect_request(
        path, query_string={"page": "2", "perPage": "100", "orderBy": "createdat.desc"}
    ).respond_with_json({"reviews": [review("t1", 1, "2026-02-01T00:00:00Z")], "links": []})

    # when
    counts = source_poll(source_id=source.pk)

    # then
    assert counts["created"] == 2
    assert httpserver.log[0][0].headers["apikey"] == "tp-key"
    fb = Feedback.objects.get(source=source, external_id="t1")
    assert fb.rating == 1
    assert fb.text == "Solid\n\nReview t1 text."


def test_missing_source_and_disabled_source_are_no_ops(firm):
    # given
    disabled = SourceFactory(firm=firm, channel=Channel.REVIEW, status=Source.Status.DISABLED)

    # when / then
    assert source_poll(source_id=987654) is None
    assert source_poll(source_id=disabled.pk) is None


def test_a_held_lease_makes_a_second_poller_skip(google_source, httpserver):
    # given another worker holds the lease
    from datetime import timedelta

    from django.utils import timezone

    PollState.objects.update_or_create(
        source=google_source, defaults={"claimed_until": timezone.now() + timedelta(minutes=5)}
    )

    # when
    result = source_poll(source_id=google_source.pk)

    # then
    assert result is None
    assert not httpserver.log
