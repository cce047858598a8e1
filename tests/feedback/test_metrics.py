"""Survey metrics: values, sample sizes, margins of error, slicing, tenancy."""

import math
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from feedback import metrics
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.selectors import response_rate_summary
from tests.factories import (
    ClientFactory,
    ContactFactory,
    FeedbackFactory,
    SourceFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db

JAN = datetime(2025, 1, 10, tzinfo=UTC)
FEB = datetime(2025, 2, 10, tzinfo=UTC)


@pytest.fixture
def survey_source(firm):
    return SourceFactory(firm=firm, channel="survey", name="Surveys")


def _answers(source, kind, ratings, scale, **fields):
    for rating in ratings:
        FeedbackFactory(
            source=source,
            rating=rating,
            rating_scale=scale,
            raw={"survey_kind": kind},
            received_at=fields.get("at", JAN),
            client=fields.get("client"),
            touchpoint=fields.get("touchpoint"),
        )


def test_nps_counts_promoters_passives_detractors_with_margin_of_error(firm, survey_source):
    # given 5 promoters, 3 passives and 2 detractors
    _answers(survey_source, "nps", [10, 9, 9, 10, 9, 7, 8, 8, 3, 6], 10)

    # when the firm's NPS is read
    summary = metrics.nps_summary(firm=firm)

    # then NPS = 50% - 20% with n = 10 and the 95% margin of error
    assert summary.value == 30.0 and summary.sample_size == 10
    assert summary.breakdown == {"promoters": 5, "passives": 3, "detractors": 2}
    expected = 100 * 1.96 * math.sqrt((0.5 + 0.2 - 0.3**2) / 10)
    assert summary.margin_of_error == round(expected, 1)
    assert summary.interval == (30.0 - summary.margin_of_error, 30.0 + summary.margin_of_error)


def test_nps_is_shown_beside_the_professional_services_benchmarks(firm):
    summary = metrics.nps_summary(firm=firm)
    assert {b.key: b.nps for b in summary.benchmarks} == {
        "us_legal": 32,
        "us_canada_accounting": 24,
    }
    assert all("ClearlyRated" in b.source for b in summary.benchmarks)


def test_empty_slice_has_no_value_and_sample_size_zero(firm):
    summary = metrics.nps_summary(firm=firm)
    assert (summary.value, summary.sample_size, summary.margin_of_error) == (None, 0, None)


def test_single_answer_has_an_unknown_margin_not_zero(firm, survey_source):
    _answers(survey_source, "nps", [10], 10)
    summary = metrics.nps_summary(firm=firm)
    assert summary.value == 100.0 and summary.margin_of_error is None


def test_metrics_never_include_another_firms_answers(firm, other_firm, survey_source):
    # given answers in both firms
    _answers(survey_source, "nps", [10, 10], 10)
    _answers(SourceFactory(firm=other_firm, channel="survey"), "nps", [0, 0, 0], 10)

    # then each firm sees only its own
    assert metrics.nps_summary(firm=firm).sample_size == 2
    assert metrics.nps_summary(firm=other_firm).value == -100.0


def test_nps_slices_by_client_touchpoint_segment_and_period(firm, survey_source):
    # given answers from two clients, at two touchpoints, in two months
    big = ClientFactory(firm=firm, segment="enterprise")
    small = ClientFactory(firm=firm, segment="smb")
    billing = TouchpointFactory(firm=firm)
    _answers(survey_source, "nps", [10, 10], 10, client=big, touchpoint=billing, at=JAN)
    _answers(survey_source, "nps", [0], 10, client=small, at=FEB)

    # then each slice has its own value and n
    assert metrics.nps_summary(firm=firm, client=big).value == 100.0
    assert metrics.nps_summary(firm=firm, touchpoint=billing).sample_size == 2
    assert metrics.nps_summary(firm=firm, segment="smb").value == -100.0
    assert metrics.nps_summary(firm=firm, start=FEB).sample_size == 1
    assert metrics.nps_summary(firm=firm, end=FEB).sample_size == 2
    by_month = metrics.nps_by(firm=firm, by="month")
    assert [(s.value, s.sample_size) for _, s in by_month] == [(100.0, 2), (-100.0, 1)]
    by_segment = dict(metrics.nps_by(firm=firm, by="segment"))
    assert by_segment["enterprise"].value == 100.0


def test_csat_is_the_share_of_fours_and_fives(firm, survey_source):
    _answers(survey_source, "csat", [5, 4, 3, 2, 5], 5)
    summary = metrics.csat_summary(firm=firm)
    assert (summary.value, summary.sample_size) == (60.0, 5)
    assert summary.margin_of_error == round(100 * 1.96 * math.sqrt(0.6 * 0.4 / 5), 1)


def test_ces_is_the_mean_effort_score(firm, survey_source):
    _answers(survey_source, "ces", [7, 5, 6], 7)
    summary = metrics.ces_summary(firm=firm)
    assert (summary.value, summary.sample_size) == (6.0, 3)
    assert summary.margin_of_error == round(1.96 * 1.0 / math.sqrt(3), 2)


def test_review_rating_is_over_every_answer_with_its_distribution(firm, survey_source):
    _answers(survey_source, "review", [1, 5, 5, 3], 5)
    summary = metrics.review_rating_summary(firm=firm)
    assert (summary.value, summary.sample_size) == (3.5, 4)
    assert summary.breakdown == {
        "1_stars": 1,
        "2_stars": 0,
        "3_stars": 1,
        "4_stars": 0,
        "5_stars": 2,
    }


def test_response_rate_counts_answered_sent_invitations(firm):
    # given 4 sent NPS invitations (one reminded), 1 answered, and 1 never sent
    campaign = Campaign.objects.create(firm=firm, name="NPS", kind=SurveyKind.NPS)
    client = ClientFactory(firm=firm)
    now = timezone.now()
    for i in range(5):
        Invitation.objects.create(
            firm=firm,
            campaign=campaign,
            client=client,
            contact=ContactFactory(client=client),
            kind=SurveyKind.NPS,
            occasion="w",
            scheduled_for=now,
            sent_at=now if i < 4 else None,
            reminders_sent=1 if i == 1 else 0,
            responded_at=now if i == 0 else None,
        )

    # then the rate is 1 of 4
    summary = response_rate_summary(firm=firm, kind="nps")
    assert (summary.value, summary.sample_size) == (25.0, 4)
    assert summary.breakdown == {"answered": 1, "total": 4}
