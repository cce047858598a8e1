"""The demo firm that `make run` loads shows the product: a year of varied comments, review-site
items from the committed fixture, NPS and CSAT waves with enough answers, a case history with open,
overdue and resolved cases, the comments of an emerging topic; and every staff page opens for
the demo admin."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from feedback.management.demo_data import LEAVING_CLIENT
from feedback.management.demo_firm import DEMO_PASSWORD, FORM_KEY
from feedback.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    ClientExpectation,
    Feedback,
    Firm,
    ReplyTemplate,
    Source,
)
from feedback.navigation import NAVIGATION
from listening.campaigns.models import Invitation, Response, SurveyKind

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "feedback": Feedback.objects.count(),
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "invitations": Invitation.objects.count(),
        "responses": Response.objects.count(),
        "templates": ReplyTemplate.objects.count(),
        "expectations": ClientExpectation.objects.count(),
    }


def test_the_demo_firm_shows_the_product_and_a_second_run_adds_nothing():
    # when
    call_command("demo_seed")
    first = _counts()
    call_command("demo_seed")
    # then nothing is duplicated
    assert _counts() == first
    firm = Firm.objects.get(slug="harbour")
    items = Feedback.objects.filter(firm=firm)
    now = timezone.now()
    # a year of varied comments
    assert items.values("text").distinct().count() >= 300
    assert items.filter(received_at__lt=now - timedelta(days=300)).exists()
    assert items.filter(text__icontains="but the invoice").exists()
    leaving = items.filter(text__icontains="another firm")
    assert leaving.filter(client__name=LEAVING_CLIENT).count() > leaving.count() / 2
    # NPS twice a year with a margin of error, CSAT per touchpoint, a realistic response rate
    nps = Response.objects.filter(firm_id=firm.pk, kind=SurveyKind.NPS)
    assert nps.count() >= 100
    assert items.filter(channel=Channel.SURVEY, rating_scale=10).count() == nps.count()
    assert Response.objects.filter(firm_id=firm.pk, kind=SurveyKind.CSAT).count() >= 30
    invitations = Invitation.objects.filter(firm_id=firm.pk)
    rate = invitations.filter(responded_at__isnull=False).count() / invitations.count()
    assert 0.35 < rate < 0.75
    assert not invitations.filter(status=Invitation.Status.SCHEDULED).exists()
    # review-site items from the fixture, on a source nothing polls
    reviews = items.filter(channel=Channel.REVIEW)
    assert reviews.count() == 36 and not reviews.filter(rating__isnull=True).exists()
    assert reviews.first().source.status == Source.Status.DISABLED
    # a case history: resolved with outcomes and notes, acknowledged, open and overdue
    cases = Case.objects.filter(firm=firm)
    resolved = cases.filter(status=CaseStatus.RESOLVED)
    assert resolved.count() >= 20
    assert not resolved.filter(outcome="").exists()
    assert CaseEvent.objects.filter(case__in=resolved, kind="resolved").exclude(body="").exists()
    assert resolved.filter(resolved_at__lt=now - timedelta(days=60)).exists()
    assert cases.filter(status=CaseStatus.OPEN, due_at__lt=now).exists()
    assert not cases.filter(owner__isnull=True, client__isnull=False).exists()
    for case in cases.exclude(client=None).select_related("client", "owner"):
        assert case.owner in case.client.account_managers.all()
    # the emerging topic's comments: all in the last month
    portal = items.filter(text__icontains="billing portal", channel=Channel.PORTAL)
    assert portal.count() == 24
    assert not portal.filter(received_at__lt=now - timedelta(days=30)).exists()
    # branding and reply templates
    assert firm.reply_from_email and firm.primary_colour != "#1f4e79"
    assert ReplyTemplate.objects.filter(firm=firm).count() == 3
    # every client ranked three promises; the leaving client chose the firm for responsiveness
    expectations = ClientExpectation.objects.filter(firm=firm)
    assert expectations.values("client").distinct().count() == firm.clients.count()
    top = expectations.filter(client__name=LEAVING_CLIENT).order_by("-weight").first()
    assert top.brand_promise.name == "Responsiveness" and top.weight == 0.5


def test_reset_rebuilds_the_same_demo_and_every_staff_and_client_page_opens():
    # given a demo firm, rebuilt from scratch
    call_command("demo_seed", comments=120)
    before = _counts()
    call_command("demo_seed", comments=120, reset=True)
    assert _counts() == before and Firm.objects.filter(slug="harbour").count() == 1
    browser = Browser()
    signed_in = browser.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    firm = Firm.objects.get(slug="harbour")
    # when / then every link of the staff navigation answers 200
    for entry in NAVIGATION:
        url = reverse(entry.url_name) + (f"?{entry.query}" if entry.query else "")
        assert browser.get(url).status_code == 200, url
    client = firm.clients.get(name=LEAVING_CLIENT)
    case = Case.objects.filter(firm=firm).first()
    item = Feedback.objects.filter(firm=firm).first()
    for url in [
        reverse("dashboards:client", args=[client.pk]),
        reverse("lens:overview"),
        reverse("lens:expectations", args=[client.pk]),
        reverse("review:case", args=[case.pk]),
        reverse("items:detail", args=[item.pk]),
        reverse("listening_setup:sources"),
        reverse("listening_setup:campaigns"),
    ]:
        assert browser.get(url).status_code == 200, url
    # and the client pages the README names open without signing in
    anonymous = Browser()
    assert anonymous.get(f"/listen/form/{FORM_KEY}").status_code == 200
    assert anonymous.get(f"/listen/portal/{firm.slug}/").status_code == 200
