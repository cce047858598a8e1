"""Genuine review requests: everyone is asked, whatever they said before, and the audit
shows who was asked and who answered."""

import ast
import csv
import inspect
import io
import textwrap
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Role
from listening.campaigns import selectors
from listening.campaigns.models import Invitation, SkippedInvitation
from listening.campaigns.services import launch
from listening.campaigns.services.responses import response_submit
from tests.factories import ContactFactory, EngagementFactory, FeedbackFactory, MemberFactory

pytestmark = pytest.mark.django_db
APP = Path(launch.__file__).resolve().parent.parent


def test_every_contact_is_asked_for_a_review_whatever_their_sentiment(
    review_campaign, globex, api_source
):
    # given an angry contact (negative feedback, a detractor score), a happy one and a silent one
    angry, happy, silent = (ContactFactory(client=globex) for _ in range(3))
    FeedbackFactory(
        source=api_source,
        contact=angry,
        client=globex,
        rating=0,
        rating_scale=10,
        sentiment="negative",
        sentiment_value=-0.95,
        text="Worst firm we ever hired.",
    )
    FeedbackFactory(
        source=api_source,
        contact=happy,
        client=globex,
        rating=10,
        rating_scale=10,
        sentiment="positive",
        sentiment_value=0.97,
    )
    engagement = EngagementFactory(client=globex, closed_on=date(2025, 5, 1))

    # when the engagement closes
    report = launch.review_requests_for_engagement(campaign=review_campaign, engagement=engagement)

    # then all three are invited
    assert report.invited == 3
    invited = set(Invitation.objects.values_list("contact_id", flat=True))
    assert invited == {angry.pk, happy.pk, silent.pk}


def test_no_review_code_path_reads_scores_or_sentiment():
    # The review recipients and the review services must not consult how a contact feels.
    sources = [
        inspect.getsource(selectors.review_recipients),
        inspect.getsource(launch.review_requests_for_engagement),
        inspect.getsource(launch.review_requests_for_closed_engagements),
    ]
    for source in sources:
        function = ast.parse(textwrap.dedent(source)).body[0]
        if isinstance(function.body[0], ast.Expr):  # the docstring may explain the ban
            function.body = function.body[1:]
        code = ast.unparse(function).lower()
        for word in ("sentiment", "rating", "score", "promoter", "detractor", "emotion"):
            assert word not in code, f"review selection mentions {word!r}"
    # And nothing in the campaigns app reads sentiment at all.
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not {n for n in names if "sentiment" in n.lower()}, path


def test_review_requests_still_respect_opt_out(review_campaign, globex):
    ContactFactory(client=globex, opted_out=True)
    ContactFactory(client=globex)
    engagement = EngagementFactory(client=globex)
    report = launch.review_requests_for_engagement(campaign=review_campaign, engagement=engagement)
    assert report.invited == 1 and report.skipped == {"opted_out": 1}


def test_closed_engagements_are_picked_up_once_by_the_daily_run(review_campaign, globex):
    # given a contact and an engagement closed today
    ContactFactory(client=globex)
    EngagementFactory(client=globex, closed_on=timezone.localdate())

    # when the daily run happens twice
    first = launch.review_requests_for_closed_engagements(since=timezone.localdate())
    second = launch.review_requests_for_closed_engagements(since=timezone.localdate())

    # then one invitation
    assert (first.invited, second.invited, second.already) == (1, 0, 1)


def _audit(client_, campaign):
    return client_.get(reverse("campaigns_members:audit_csv", args=[campaign.pk]))


def test_audit_csv_lists_who_was_asked_and_who_answered(
    client, admin_member, review_campaign, globex
):
    # given two invitations, one answered
    engagement = EngagementFactory(client=globex)
    a, b = ContactFactory(client=globex, name="=cmd()"), ContactFactory(client=globex)
    launch.review_requests_for_engagement(campaign=review_campaign, engagement=engagement)
    response_submit(invitation=Invitation.objects.get(contact=a), score=2, comment="Slow.")

    # when an admin exports the audit
    client.force_login(admin_member.user)
    page = _audit(client, review_campaign)

    # then every invitation is a row, with its answer when there is one
    assert page.status_code == 200 and page["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(page.content.decode())))
    by_email = {r["contact_email"]: r for r in rows}
    assert set(by_email) == {a.email, b.email}
    assert by_email[a.email]["score"] == "2" and by_email[a.email]["responded_at"]
    assert by_email[b.email]["score"] == "" and by_email[b.email]["responded_at"] == ""
    assert by_email[a.email]["contact_name"] == "'=cmd()"  # no formula injection


def test_audit_csv_requires_sign_in(client, review_campaign):
    page = _audit(client, review_campaign)
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_audit_csv_of_another_firm_is_not_found(client, outsider, review_campaign):
    client.force_login(outsider.user)
    assert _audit(client, review_campaign).status_code == 404


def test_audit_csv_of_unknown_campaign_is_not_found(client, admin_member):
    client.force_login(admin_member.user)
    page = client.get(reverse("campaigns_members:audit_csv", args=[999999]))
    assert page.status_code == 404


def test_client_page_lists_skipped_invitations_with_reasons(
    client, account_manager, review_campaign, client_of, outsider
):
    # given a skip for the account manager's client
    ContactFactory(client=client_of, opted_out=True, email="gone@globex.example")
    launch.review_requests_for_engagement(
        campaign=review_campaign, engagement=EngagementFactory(client=client_of)
    )
    assert SkippedInvitation.objects.count() == 1
    url = reverse("campaigns_members:client_skips", args=[client_of.pk])

    # then the account manager sees it with its reason; anonymous and outsiders do not
    client.force_login(account_manager.user)
    page = client.get(url)
    assert page.status_code == 200
    assert b"gone@globex.example" in page.content and b"Contact opted out" in page.content
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404


def test_account_manager_cannot_see_skips_of_someone_elses_client(client, firm, globex):
    stranger_am = MemberFactory(firm=firm, role=Role.ACCOUNT_MANAGER)
    client.force_login(stranger_am.user)
    url = reverse("campaigns_members:client_skips", args=[globex.pk])
    assert client.get(url).status_code == 404
