"""A year of NPS, CSAT and review campaigns end to end: real email over loopback SMTP, answers
through the links in those emails, metrics with their sample sizes at the end."""

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from feedback import metrics
from listening.campaigns.models import Campaign, Invitation, SkippedInvitation, SurveyKind
from listening.campaigns.selectors import response_rate_summary
from listening.campaigns.services import launch
from listening.campaigns.services.sending import invitations_send_due
from tests.factories import ClientFactory, ContactFactory, EngagementFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
LINK = re.compile(r"http://[^\s]+/survey/r/[^\s/]+/")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _answer(client, smtp_server, seen: int, score_for) -> int:
    """Answer every email received since `seen` through its own link; returns the new count."""
    for message in smtp_server.messages[seen:]:
        if message["Subject"].startswith("Reminder:"):
            continue
        text = message.get_body(preferencelist=("plain",)).get_content()
        path = urlsplit(LINK.search(text).group(0)).path
        score = score_for(message["X-Rcpt-To"])
        assert client.post(path, {"score": str(score), "comment": "Noted."}).status_code == 200
    return len(smtp_server.messages)


# One test client answers for every contact, from one IP address, within seconds.
@override_settings(CAMPAIGNS_SURVEY_RATE_PER_IP=None)
def test_a_year_of_campaigns(client, firm, smtp_server):
    # given a London firm with two clients of two contacts each
    firm.timezone = "Europe/London"
    firm.save()
    clients = [ClientFactory(firm=firm, segment="enterprise") for _ in range(2)]
    people = [ContactFactory(client=c) for c in clients for _ in range(2)]
    nps = Campaign.objects.create(firm=firm, name="NPS", kind=SurveyKind.NPS)
    csat = Campaign.objects.create(firm=firm, name="CSAT", kind=SurveyKind.CSAT)
    review = Campaign.objects.create(firm=firm, name="Reviews", kind=SurveyKind.REVIEW)
    scores = {p.email: s for p, s in zip(people, [10, 9, 7, 3], strict=True)}
    seen = 0

    # when NPS waves go out on 3 March (GMT) and 1 September (BST), and a third is tried in
    # February 2026 (past the 150-day gap, inside the rolling year of the first)
    for day in (date(2025, 3, 3), date(2025, 9, 1), date(2026, 2, 2)):
        launch.campaign_launch(campaign=nps, scheduled_for=_at(day))
        invitations_send_due(now=_at(day, 10))
        seen = _answer(client, smtp_server, seen, lambda email: scores[email])

    # and every month a matter closes for each contact (CSAT), one closes the year (review)
    for month in range(1, 13):
        for person in people:
            launch.survey_trigger(
                campaign=csat,
                contact=person,
                event=f"matter-{month}-{person.pk}",
                scheduled_for=_at(date(2025, month, 15)),
            )
        invitations_send_due(now=_at(date(2025, month, 15), 10))
        seen = _answer(client, smtp_server, seen, lambda email: 4)
    for c in clients:
        engagement = EngagementFactory(client=c, closed_on=date(2025, 12, 19))
        launch.review_requests_for_engagement(
            campaign=review, engagement=engagement, scheduled_for=_at(date(2025, 12, 19))
        )
    invitations_send_due(now=_at(date(2025, 12, 19), 10))
    seen = _answer(client, smtp_server, seen, lambda email: 5 if scores[email] > 6 else 2)

    # then each client had exactly two NPS waves; the third was refused and recorded
    for c in clients:
        waves = Invitation.objects.filter(client=c, kind=SurveyKind.NPS)
        assert waves.values("campaign", "occasion").distinct().count() == 2
    assert SkippedInvitation.objects.filter(kind="nps").count() == len(people)
    assert set(SkippedInvitation.objects.filter(kind="nps").values_list("reason", flat=True)) == {
        "nps_yearly_limit"
    }
    # no CSAT within 7 days of an NPS wave, nor two within 14 days for a contact
    assert SkippedInvitation.objects.filter(kind="csat").count() == 0
    # and the metrics are there, with their sample sizes
    summary = metrics.nps_summary(firm=firm)
    assert (summary.sample_size, summary.value) == (8, 25.0)
    assert summary.margin_of_error is not None
    assert metrics.csat_summary(firm=firm).sample_size == 12 * len(people)
    rating = metrics.review_rating_summary(firm=firm)
    assert (rating.sample_size, rating.value) == (4, 4.25)
    assert response_rate_summary(firm=firm).value == 100.0
