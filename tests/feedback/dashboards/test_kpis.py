"""Headline KPIs: the dashboard and /api/v1/metrics/ give one NPS and CSAT for one slice; NPS
is charted weekly only where the weeks hold enough answers; rollups count each item's current
analysis once; the health score moves with what a reader sees."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import metrics
from feedback.dashboards import selectors as sel
from feedback.dashboards.health import client_health
from feedback.dashboards.rollups import charts_from_rollups, rollups_refresh_recent
from feedback.models import Channel, Sentiment
from feedback.tasks import on_analysed
from tests.factories import ClientFactory, FeedbackFactory, SourceFactory, TouchpointFactory
from tests.feedback.conftest import analyse, browser_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(firm, client_of, account_manager):
    """NPS and CSAT answers across two clients, two touchpoints, two channels and 200 days:
    campaign answers (survey kind set) and portal/CSV ones (a bare 0-10 score), plus review
    stars that are no CSAT answer."""
    other = ClientFactory(firm=firm, name="Initech")
    onboarding = TouchpointFactory(firm=firm, name="Onboarding")
    billing = TouchpointFactory(firm=firm, name="Billing")
    survey = SourceFactory(firm=firm, channel=Channel.SURVEY, name="Surveys")
    portal = SourceFactory(firm=firm, channel=Channel.PORTAL, name="Portal")
    reviews = SourceFactory(firm=firm, channel=Channel.REVIEW, name="Reviews")
    now = timezone.now()
    for i in range(60):
        tagged = i % 2 == 0
        FeedbackFactory(
            source=survey if tagged else portal,
            client=client_of if i % 3 else other,
            touchpoint=onboarding if i % 4 else billing,
            rating=[10, 9, 8, 3, 6, 10, 7][i % 7],
            rating_scale=10,
            raw={"survey_kind": "nps"} if tagged else {},
            received_at=now - timedelta(days=3 * i + 1),
        )
    for i in range(20):
        FeedbackFactory(
            source=survey,
            client=client_of if i % 2 else other,
            touchpoint=billing,
            rating=[5, 4, 2, 3][i % 4],
            rating_scale=5,
            raw={"survey_kind": "csat"},
            received_at=now - timedelta(days=5 * i + 1),
        )
    for i in range(10):
        FeedbackFactory(
            source=reviews, rating=1, rating_scale=5, received_at=now - timedelta(days=i + 1)
        )
    # what the analysis pipeline does after each item: the firm-wide charts read the rollups
    rollups_refresh_recent(days_back=400)
    return {"other": other, "onboarding": onboarding, "billing": billing}


def _api(member, params: str) -> dict:
    response = browser_for(member).get(reverse("api-metrics") + "?" + params)
    assert response.status_code == 200, response.content
    return response.json()


def _dashboard(member, params: str):
    response = browser_for(member).get(reverse("dashboards:overview") + "?" + params)
    assert response.status_code == 200
    return response.context


def test_api_and_dashboard_give_the_same_nps_and_csat_for_each_slice(
    answers, admin_member, account_manager, client_of
):
    # given: slices by period, client, touchpoint and channel, as admin and account manager
    slices = [
        (admin_member, "days=365", ""),
        (admin_member, "days=30", ""),
        (admin_member, f"days=365&client={client_of.pk}", f"client={client_of.pk}"),
        (admin_member, f"days=365&touchpoint={answers['billing'].pk}", ""),
        (admin_member, "days=365&channel=portal", "channel=portal"),
        (account_manager, "days=365", ""),
    ]
    seen = set()
    for member, dash_params, api_params in slices:
        # when: the dashboard is read, and the API over the dashboard's own window
        context = _dashboard(member, dash_params)
        f = context["filters"]
        window = f"start={f.start.isoformat()}&end={f.end.isoformat()}".replace("+", "%2B")
        if f.touchpoint_id:
            window += f"&touchpoint={f.touchpoint_id}"
        api = _api(member, "&".join(p for p in (api_params, window) if p))
        kpis = context["kpis"]

        # then: one NPS and one CSAT, n and margin included, and the chart sums to the tile
        for name, tile in (("nps", kpis.nps), ("csat", kpis.csat)):
            assert api[name]["value"] == tile.value, (dash_params, name)
            assert api[name]["sample_size"] == tile.sample_size, (dash_params, name)
            assert api[name]["margin_of_error"] == tile.margin_of_error, (dash_params, name)
        assert sum(r["responses"] for r in context["charts"]["nps"]) == kpis.nps.sample_size
        assert sum(r["responses"] for r in context["charts"]["csat"]) == kpis.csat.sample_size
        seen.add((kpis.nps.sample_size, kpis.csat.sample_size))
    # the slices really differ (the comparison is not of six empty tiles)
    assert len(seen) >= 5
    assert all(n > 0 for n, _ in seen)


def test_untagged_scores_count_as_nps_and_review_stars_not_as_csat(answers, firm):
    # given 60 NPS answers (30 of them portal scores with no survey kind) and 10 review stars
    # when / then
    assert metrics.nps_summary(firm=firm).sample_size == 60
    assert metrics.csat_summary(firm=firm).sample_size == 20
    assert metrics.review_rating_summary(firm=firm).sample_size == 10


def test_dashboard_shows_the_nps_tile_with_n_margin_and_benchmarks(answers, admin_member):
    html = browser_for(admin_member).get(reverse("dashboards:overview") + "?days=365")
    text = html.content.decode()
    summary = html.context["kpis"].nps
    assert f'<strong class="kpi-value">{summary.value:.0f}</strong>' in text
    assert f'<span class="kpi-n">{summary.sample_size}</span>' in text
    assert "(95%)" in text and "US legal services" in text


def test_nps_is_weekly_only_where_weeks_hold_enough_answers():
    # given: 10 answers a day for 4 weeks (70 a week), then 2 a day (14 a week)
    start = date(2025, 1, 6)
    busy = [(start + timedelta(days=d), 10, 6, 2) for d in range(28)]
    sparse = [(start + timedelta(days=d), 2, 1, 1) for d in range(84)]

    # when
    weekly = metrics.nps_series(busy)
    coarse = metrics.nps_series(sparse)

    # then: 4 weekly points with their margins; the sparse series folds to months (~60 each)
    assert [r["granularity"] for r in weekly] == ["week"] * 4
    assert weekly[0]["responses"] == 70 and weekly[0]["nps"] == 40.0
    assert weekly[0]["margin_of_error"] == metrics.nps_from_counts(42, 14, 14).margin_of_error
    assert {r["granularity"] for r in coarse} == {"month"}
    assert sum(r["responses"] for r in coarse) == 168
    assert metrics.nps_series([(start, 3, 1, 1)])[0]["granularity"] == "quarter"


def test_nps_margin_of_error_follows_the_variance_of_the_answers():
    summary = metrics.nps_from_counts(promoters=50, passives=30, detractors=20)
    # p=.5, d=.2: sqrt((.7 - .09) / 100) * 196
    assert summary.value == 30.0 and summary.margin_of_error == 15.3
    assert metrics.nps_from_counts(1, 0, 0).margin_of_error is None


def test_rollups_and_charts_count_each_items_current_analysis_once(
    firm, client_of, api_source, promise, admin_member
):
    # given: two items analysed by model v1, then re-analysed by v2 (a model change)
    now = timezone.now()
    items = [
        FeedbackFactory(source=api_source, client=client_of, received_at=now - timedelta(days=d))
        for d in (3, 4)
    ]
    for version, sentiment in (("model-v1", Sentiment.NEGATIVE), ("model-v2", Sentiment.POSITIVE)):
        for item in items:
            analyse(
                item,
                sentiment=sentiment,
                emotions={"joy" if sentiment == Sentiment.POSITIVE else "anger": 0.8},
                themes=[(promise, sentiment, 0.7, [item.text])],
                model_version=version,
            )
    on_analysed([i.pk for i in items])
    f = sel.filters_from(admin_member, {"days": "30"})
    narrowed = sel.filters_from(admin_member, {"days": "30", "client": str(client_of.pk)})

    # when
    rollups_refresh_recent(days_back=10)
    fast = charts_from_rollups(firm_id=firm.pk, start=f.start, end=f.end)

    # then: 2 mentions (not 4), all of the current (v2) analysis, on every path
    for charts in (fast, sel.charts_for(narrowed)):
        assert sum(r["mentions"] for r in charts["promises"]) == 2
        assert sum(r["negative"] for r in charts["promises"]) == 0
        assert charts["emotions"] == [{"label": "joy", "count": 2}]


def test_a_client_talking_of_leaving_with_six_open_cases_is_not_healthy(
    client_of, api_source, admin_member
):
    # given: three "moving our work" comments and three more complaints, each with a case
    now = timezone.now()
    texts = ["We are moving our work to another firm next quarter."] * 3 + [
        "Nobody called us back about the invoice, again."
    ] * 3
    for i, text in enumerate(texts):
        item = FeedbackFactory(
            source=api_source, client=client_of, text=text, received_at=now - timedelta(days=i + 1)
        )
        analyse(item, negative=0.9, emotions={"annoyance": 0.8})
        on_analysed([item.pk])
    assert client_of.cases.count() == 6

    # when
    health = client_health(client=client_of)
    page = browser_for(admin_member).get(reverse("dashboards:client", args=[client_of.pk]))

    # then: a low score, explained by named factors that the client page shows
    names = {f["factor"]: f for f in health.factors}
    assert health.score < 40
    assert names["Intent to leave"]["points"] <= -40
    assert names["Open cases"]["detail"] == "6 open"
    html = page.content.decode()
    assert f'<strong id="health-score">{health.score}</strong>' in html
    assert "Intent to leave" in html and "talk of leaving" in html


def test_detractor_share_and_a_souring_promise_lower_the_score(client_of, api_source, promise):
    # given: 4 of 5 NPS answers are detractors; promise mentions turned negative lately
    now = timezone.now()
    for rating in (2, 3, 4, 5, 10):
        FeedbackFactory(
            source=api_source,
            client=client_of,
            rating=rating,
            rating_scale=10,
            received_at=now - timedelta(days=100),
        )
    for days, sentiment in ((60, "positive"), (50, "positive"), (10, "negative"), (5, "negative")):
        item = FeedbackFactory(
            source=api_source, client=client_of, received_at=now - timedelta(days=days)
        )
        analyse(item, sentiment=sentiment, themes=[(promise, sentiment, 0.7, [item.text])])

    # when
    factors = {f["factor"]: f for f in client_health(client=client_of).factors}

    # then
    assert factors["Detractor share"]["points"] == -16.0
    assert "4 of 5" in factors["Detractor share"]["detail"]
    assert factors["Promise trend"]["points"] == -20.0


def test_response_rate_tile_counts_the_slices_sent_invitations(firm, client_of, admin_member):
    # given: four invitations sent in the last week, one answered; one never sent
    from listening.campaigns.models import Campaign, Invitation, SurveyKind
    from tests.factories import ContactFactory

    campaign = Campaign.objects.create(firm=firm, name="Relationship NPS", kind=SurveyKind.NPS)
    now = timezone.now()
    for i in range(5):
        Invitation.objects.create(
            firm=firm,
            campaign=campaign,
            client=client_of,
            contact=ContactFactory(client=client_of),
            kind=SurveyKind.NPS,
            occasion=f"w{i}",
            scheduled_for=now - timedelta(days=3),
            sent_at=now - timedelta(days=3) if i < 4 else None,
            responded_at=now - timedelta(days=2) if i == 0 else None,
        )

    # when
    context = _dashboard(admin_member, "days=30")
    by_channel = _dashboard(admin_member, "days=30&channel=email")

    # then: 1 of 4 (the listening app registered its reader); no rate for a non-survey channel
    rate = context["kpis"].response_rate
    assert (rate.value, rate.sample_size, rate.breakdown["answered"]) == (25.0, 4, 1)
    assert by_channel["kpis"].response_rate is None


def test_case_tiles_follow_the_touchpoint_and_channel_filters(
    firm, client_of, api_source, admin_member
):
    # given: two cases, one on an onboarding comment
    onboarding = TouchpointFactory(firm=firm, name="Onboarding")
    for touchpoint in (onboarding, None):
        item = FeedbackFactory(
            source=api_source,
            client=client_of,
            touchpoint=touchpoint,
            received_at=timezone.now() - timedelta(days=2),
        )
        analyse(item, negative=0.95)
        on_analysed([item.pk])

    # when / then
    assert _dashboard(admin_member, "days=30")["kpis"].open_cases == 2
    assert _dashboard(admin_member, f"days=30&touchpoint={onboarding.pk}")["kpis"].open_cases == 1
    assert _dashboard(admin_member, "days=30&channel=portal")["kpis"].open_cases == 0


def test_the_admins_dashboard_shows_early_warnings_too(client_of, api_source, admin_member):
    # given: a client whose sentiment fell over the last month
    now = timezone.now()
    for days, negative in ((70, 0.05), (50, 0.1), (20, 0.9), (10, 0.95)):
        item = FeedbackFactory(
            source=api_source, client=client_of, received_at=now - timedelta(days=days)
        )
        analyse(item, sentiment="negative" if negative > 0.5 else "positive", negative=negative)

    # when
    response = browser_for(admin_member).get(reverse("dashboards:overview"))

    # then
    assert [(c.name, w) for c, w in response.context["warnings"]] == [
        ("Globex Corp", ["Sentiment is falling."])
    ]
    assert "Early warnings" in response.content.decode()
