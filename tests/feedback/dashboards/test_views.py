import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from feedback.dashboards.health import client_health
from feedback.review.digest import digests_send
from feedback.tasks import on_analysed
from tests.factories import FeedbackFactory
from tests.feedback.conftest import analyse, browser_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(client_of, api_source, promise):
    now = timezone.now()
    for days, negative, rating in [(70, 0.05, 10), (50, 0.1, 9), (20, 0.9, 3), (10, 0.95, 2)]:
        item = FeedbackFactory(
            source=api_source,
            client=client_of,
            text=f"Comment {days} days ago about =cmd",
            received_at=now - timedelta(days=days),
            rating=rating,
            rating_scale=10,
        )
        sentiment = "negative" if negative > 0.5 else "positive"
        analyse(
            item,
            sentiment=sentiment,
            negative=negative,
            emotions={"anger": negative},
            themes=[(promise, sentiment, 0.7, [item.text])],
        )
        on_analysed([item.pk])
    return client_of


def test_overview_renders_every_chart_with_data(heard, admin_member):
    response = browser_for(admin_member).get(reverse("dashboards:overview") + "?days=90")
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ["sentiment", "emotions", "promises", "nps", "csat"]:
        assert f'id="{chart}"' in html
    assert html.count("<canvas") == 4  # no CSAT answers (0-5) in this data
    assert "chart-4.6.1.umd.min.js" in html
    assert response.context["promise_summary"][0]["mentions"] == 4
    assert response.context["cases"]["open"] == 2


def test_dashboards_are_scoped(heard, outsider, teammate, contact_user):
    assert browser_for().get(reverse("dashboards:overview")).status_code == 302
    assert browser_for(contact_user).get(reverse("dashboards:overview")).status_code == 403
    rival = browser_for(outsider).get(reverse("dashboards:overview"))
    assert rival.context["charts"]["sentiment"] == []
    assert (
        browser_for(outsider).get(reverse("dashboards:client", args=[heard.pk])).status_code == 404
    )
    assert (
        browser_for(teammate).get(reverse("dashboards:client", args=[heard.pk])).status_code == 404
    )


def test_csv_export_matches_the_chart(heard, account_manager):
    response = browser_for(account_manager).get(
        reverse("dashboards:export", args=["nps"]) + "?days=90"
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sum(int(r["responses"]) for r in rows) == 4
    assert (
        browser_for(account_manager).get(reverse("dashboards:export", args=["nope"])).status_code
        == 404
    )
    bad = browser_for(account_manager).get(
        reverse("dashboards:export", args=["emotions"]) + "?days=x"
    )
    assert bad.status_code == 200  # lenient: bad filters fall back to defaults


def test_client_page_explains_a_falling_health_score(heard, account_manager):
    # when
    response = browser_for(account_manager).get(reverse("dashboards:client", args=[heard.pk]))
    health = client_health(client=heard)

    # then
    assert response.status_code == 200
    factors = {f["factor"] for f in health.factors}
    assert {
        "Sentiment, last 30 days",
        "Sentiment trend",
        "Latest NPS answer",
        "Open cases",
    } <= factors
    assert health.score < 50
    assert "Sentiment is falling." in health.warnings
    assert f'<strong id="health-score">{health.score}</strong>' in response.content.decode()


def test_quiet_client_raises_an_early_warning(client_of, api_source):
    now = timezone.now()
    for weeks in [10, 11, 12, 13, 14]:
        FeedbackFactory(
            source=api_source, client=client_of, received_at=now - timedelta(weeks=weeks)
        )
    assert "A usually active client has gone quiet." in client_health(client=client_of).warnings


def test_weekly_digest_is_sent_once_per_member(heard, account_manager):
    first, second = digests_send(), digests_send()
    assert (first, second) == (1, 0)
    assert mail.outbox[-1].to == [account_manager.user.email]
    assert "Open: 2" in mail.outbox[-1].body


def test_rollups_give_the_same_charts_as_the_base_tables(heard, admin_member, firm):
    from feedback.dashboards import selectors as sel
    from feedback.dashboards.rollups import charts_from_rollups, rollups_refresh_recent
    from feedback.models import DailyRollup

    # given: rollups refreshed twice (idempotent) and a firm-wide filter
    f = sel.filters_from(admin_member, {"days": "365"})
    rollups_refresh_recent(days_back=400)
    rows = DailyRollup.objects.count()
    rollups_refresh_recent(days_back=400)
    assert DailyRollup.objects.count() == rows

    # when
    fast = charts_from_rollups(firm_id=firm.pk, start=f.start, end=f.end)

    # then
    base = {
        "sentiment": sel.sentiment_over_time(f),
        "emotions": sel.emotion_mix(f),
        "promises": sel.promise_scorecard(f),
        "nps": sel.nps_trend(f),
        "csat": sel.csat_by_touchpoint(f),
    }

    def rounded(rows: list[dict]) -> list[dict]:
        return [{k: round(v, 6) if isinstance(v, float) else v for k, v in r.items()} for r in rows]

    for chart, rows in base.items():
        assert rounded(fast[chart]) == rounded(rows), chart
    assert len(fast["sentiment"]) == 4


def test_account_managers_overview_lists_early_warnings(heard, account_manager):
    response = browser_for(account_manager).get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert [(c.name, w) for c, w in response.context["warnings"]] == [
        ("Globex Corp", ["Sentiment is falling."])
    ]
    assert "Early warnings" in response.content.decode()


def test_client_page_leads_to_the_comments_behind_its_health(
    client_of, api_source, account_manager
):
    # given a client with one comment talking of leaving and one that does not
    leaving = FeedbackFactory(
        source=api_source, client=client_of, text="We are moving our work to another firm."
    )
    analysis = analyse(leaving)
    analysis.intent_to_leave, analysis.intent_flag = 0.93, True
    analysis.save(update_fields=["intent_to_leave", "intent_flag"])
    analyse(FeedbackFactory(source=api_source, client=client_of, text="The invoice was late."))
    browser = browser_for(account_manager)

    # when the account manager follows "talk of leaving" from the client page
    page = browser.get(reverse("dashboards:client", args=[client_of.pk])).content.decode()
    href = page.split('id="explore-intent"')[0].rsplit('href="', 1)[1].split('"')[0]
    explorer = browser.get(href.replace("&amp;", "&"))

    # then the explorer lists that comment alone
    assert explorer.status_code == 200
    body = explorer.content.decode()
    assert "moving our work to another firm" in body and "The invoice was late" not in body


def test_a_custom_date_range_applies_to_every_tile(heard, admin_member, account_manager):
    from feedback.dashboards.rollups import rollups_refresh_recent

    # given four comments 70, 50, 20 and 10 days old, the firm-wide charts read from rollups
    rollups_refresh_recent(days_back=400)
    today = timezone.localdate()
    first, last = today - timedelta(days=60), today - timedelta(days=15)
    query = {"days": "custom", "from": first.isoformat(), "to": last.isoformat()}

    for member in (admin_member, account_manager):  # rollups, then the base tables
        # when the dashboard is asked for 60 to 15 days ago
        response = browser_for(member).get(reverse("dashboards:overview"), query)

        # then every tile counts the two comments of those days (50 and 20 days old)
        ctx = response.context
        assert ctx["filters"].custom and ctx["filters"].last_day == last
        assert sum(row["total"] for row in ctx["charts"]["sentiment"]) == 2
        assert sum(row["responses"] for row in ctx["charts"]["nps"]) == 2
        assert ctx["kpis"].nps.sample_size == 2
        assert ctx["promise_summary"][0]["mentions"] == 2
        assert ctx["cases"]["open"] == 1  # the 20-day-old complaint's case, not the 10-day one
        # the form shows the range, and the charts lead to the explorer over the same days
        html = response.content.decode()
        assert f'name="from" id="period-from" value="{first.isoformat()}"' in html
        assert '<option value="custom" selected>' in html
        assert (
            f"from={first.isoformat()}&to={last.isoformat()}" in ctx["chart_links"]["emotions"][0]
        )
        # and so does the CSV export
        export = browser_for(member).get(reverse("dashboards:export", args=["nps"]), query)
        rows = list(csv.DictReader(io.StringIO(export.content.decode())))
        assert sum(int(r["responses"]) for r in rows) == 2


def test_a_preset_wins_over_dates_and_reversed_dates_are_swapped(heard, admin_member):
    from feedback.dashboards import selectors as sel

    today = timezone.localdate()
    old, recent = (today - timedelta(days=60)).isoformat(), (today - timedelta(days=15)).isoformat()
    preset = sel.filters_from(admin_member, {"days": "30", "from": old, "to": recent})
    swapped = sel.filters_from(admin_member, {"from": recent, "to": old})
    assert not preset.custom and (preset.end - preset.start).days == 30
    assert swapped.custom and swapped.last_day == today - timedelta(days=15)
    assert timezone.localtime(swapped.start).date() == today - timedelta(days=60)
