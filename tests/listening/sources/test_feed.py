"""The feed connector (listening/sources/feed.py): Atom, RSS and JSON Feed from a local HTTP server,
pages followed, HTML stripped, malformed input recorded as a failure."""

import pytest

from feedback.models import Channel, Feedback, Source
from listening.services.polling import source_poll
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Reviews</title><id>urn:feed</id><updated>2026-03-01T00:00:00Z</updated>
  {next}
  <entry><id>urn:review:{rid}</id><title>Review</title><updated>2026-03-01T00:00:00Z</updated>
    <content type="html">&lt;p&gt;Clear advice &lt;script&gt;alert(1)&lt;/script&gt;{rid}
    &lt;/p&gt;</content>
    <author><name>Lee</name></author></entry>
</feed>"""


def test_atom_feed_follows_rel_next_and_strips_html(firm, httpserver):
    # given
    page2 = httpserver.url_for("/feed2")
    httpserver.expect_request("/feed").respond_with_data(
        ATOM.format(next=f'<link rel="next" href="{page2}"/>', rid="a1"),
        content_type="application/atom+xml",
    )
    httpserver.expect_request("/feed2").respond_with_data(
        ATOM.format(next="", rid="a2"), content_type="application/atom+xml"
    )
    source = SourceFactory(
        firm=firm,
        channel=Channel.REVIEW,
        name="Feed",
        config={"kind": "feed", "url": httpserver.url_for("/feed")},
    )

    # when
    counts = source_poll(source_id=source.pk)

    # then
    assert counts["created"] == 2
    texts = set(Feedback.objects.filter(source=source).values_list("text", flat=True))
    assert texts == {"Clear advice a1", "Clear advice a2"}


def test_rss_feed_is_read(firm, httpserver):
    # given
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>
      <item><guid>rss-1</guid><title>T</title><description>Helpful team.</description>
      <pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>"""
    httpserver.expect_request("/rss").respond_with_data(rss, content_type="application/rss+xml")
    source = SourceFactory(
        firm=firm,
        channel=Channel.REVIEW,
        name="RSS",
        config={"kind": "feed", "url": httpserver.url_for("/rss")},
    )

    # when
    source_poll(source_id=source.pk)

    # then
    fb = Feedback.objects.get(source=source)
    assert (fb.external_id, fb.text) == ("rss-1", "Helpful team.")


def test_json_feed_with_next_url_and_rating(firm, httpserver):
    # given
    httpserver.expect_request("/j1").respond_with_json(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Reviews",
            "items": [{"id": "j1", "content_text": "Good value.", "_review": {"rating": 4}}],
            "next_url": httpserver.url_for("/j2"),
        }
    )
    httpserver.expect_request("/j2").respond_with_json(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "j2", "content_text": "Too pricey."}],
        }
    )
    source = SourceFactory(
        firm=firm,
        channel=Channel.REVIEW,
        name="JSON",
        config={"kind": "feed", "url": httpserver.url_for("/j1")},
    )

    # when
    counts = source_poll(source_id=source.pk)

    # then
    assert counts["created"] == 2
    assert Feedback.objects.get(source=source, external_id="j1").rating == 4


def test_malformed_json_feed_is_a_recorded_failure(firm, httpserver):
    # given
    httpserver.expect_request("/bad").respond_with_data("{oops", content_type="application/json")
    source = SourceFactory(
        firm=firm,
        channel=Channel.REVIEW,
        name="Bad",
        config={"kind": "feed", "url": httpserver.url_for("/bad")},
    )

    # when
    source_poll(source_id=source.pk)

    # then
    source.refresh_from_db()
    assert source.status == Source.Status.FAILING
    assert "malformed JSON" in source.last_error
