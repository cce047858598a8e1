"""The campaigns REST API (/api/v1/campaigns/): list with filters, detail with its counts and
score, tenant scoping, roles, bad input and pinned query counts. Who may call what is also
part of the permission matrix in tests/feedback/api/test_views.py."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from feedback.api_keys import api_key_create
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.services.launch import campaign_launch
from listening.campaigns.services.responses import response_submit
from tests.factories import ClientFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_browser(firm, admin_member) -> HttpClient:
    _, secret = api_key_create(firm=firm, name="BI", scopes=["read"], created_by=admin_member)
    return HttpClient(HTTP_AUTHORIZATION=f"Api-Key {secret}")


@pytest.fixture
def rival_campaign(other_firm) -> Campaign:
    return Campaign.objects.create(firm=other_firm, name="Rival NPS", kind=SurveyKind.NPS)


def _answer(invitation: Invitation, score: int) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.SENT, sent_at=timezone.now()
    )
    response_submit(invitation=invitation, score=score)


def test_list_shows_only_the_firms_campaigns_and_filters_by_kind_and_status(
    key_browser, nps_campaign, csat_campaign, review_campaign, rival_campaign
):
    # given a paused review campaign, and the other firm's campaign
    Campaign.objects.filter(pk=review_campaign.pk).update(status=Campaign.Status.PAUSED)
    url = reverse("api-campaign-list")

    # when
    everything = key_browser.get(url).json()
    csat = key_browser.get(url, {"kind": "csat"}).json()
    paused = key_browser.get(url, {"status": "paused"}).json()

    # then ours only, ordered by name, paginated like the other lists
    assert everything["count"] == 3
    assert [row["name"] for row in everything["results"]] == [
        "Genuine reviews",
        "Matter close CSAT",
        "Relationship NPS",
    ]
    assert everything["results"][1] == {
        "id": csat_campaign.pk,
        "name": "Matter close CSAT",
        "kind": "csat",
        "status": "active",
        "segment": "",
        "touchpoint_id": None,
        "question": "",
        "reminder_after_days": 5,
        "link_valid_days": 30,
        "created_at": everything["results"][1]["created_at"],
    }
    assert [row["id"] for row in csat["results"]] == [csat_campaign.pk]
    assert [row["id"] for row in paused["results"]] == [review_campaign.pk]
    assert key_browser.get(url, {"limit": 1}).json()["next"] is not None


def test_list_refuses_unknown_filter_values(key_browser, nps_campaign):
    url = reverse("api-campaign-list")
    assert key_browser.get(url, {"kind": "poll"}).status_code == 400
    assert key_browser.get(url, {"status": "deleted"}).status_code == 400


def test_detail_counts_invitations_skips_answers_and_scores_only_this_campaign(
    key_browser, firm, globex, contact, colleague
):
    # given an NPS wave to the enterprise segment: three contacts, one of them opted out
    wave = Campaign.objects.create(
        firm=firm, name="Enterprise NPS", kind=SurveyKind.NPS, segment="enterprise"
    )
    ContactFactory(client=globex, email="olive@globex.example", opted_out=True)
    third = ContactFactory(client=globex, email="ted@globex.example")
    report = campaign_launch(campaign=wave, occasion="wave:1")
    invitations = {i.contact_id: i for i in Invitation.objects.filter(campaign=wave)}
    # and two answers (a promoter and a detractor) out of the three sent
    _answer(invitations[contact.pk], 10)
    _answer(invitations[colleague.pk], 3)
    Invitation.objects.filter(pk=invitations[third.pk].pk).update(
        status=Invitation.Status.SENT, sent_at=timezone.now()
    )
    # and another NPS campaign of the firm, for another segment, answered 0
    smb = Campaign.objects.create(firm=firm, name="SMB NPS", kind=SurveyKind.NPS, segment="smb")
    ContactFactory(client=ClientFactory(firm=firm, segment="smb"), email="sam@smb.example")
    campaign_launch(campaign=smb, occasion="wave:1")
    _answer(Invitation.objects.get(campaign=smb), 0)
    assert report.skipped == {"opted_out": 1}

    # when
    body = key_browser.get(reverse("api-campaign-detail", args=[wave.pk])).json()

    # then the counts and the score are this campaign's alone, each with its sample size
    assert (body["id"], body["kind"], body["segment"]) == (wave.pk, "nps", "enterprise")
    assert body["invitations"] == {
        "total": 3,
        "scheduled": 0,
        "sending": 0,
        "sent": 3,
        "reminding": 0,
        "failed": 0,
        "cancelled": 0,
        "responded": 2,
        "skipped": 1,
    }
    assert body["metric"]["metric"] == "nps"
    assert (body["metric"]["value"], body["metric"]["sample_size"]) == (0.0, 2)
    assert body["metric"]["breakdown"] == {"promoters": 1, "passives": 0, "detractors": 1}
    assert body["response_rate"]["metric"] == "response_rate"
    assert (body["response_rate"]["value"], body["response_rate"]["sample_size"]) == (66.7, 3)


def test_detail_of_a_campaign_nobody_answered_has_no_score(key_browser, csat_campaign):
    body = key_browser.get(reverse("api-campaign-detail", args=[csat_campaign.pk])).json()
    assert body["invitations"]["total"] == 0
    assert body["metric"] == {
        "metric": "csat",
        "value": None,
        "sample_size": 0,
        "margin_of_error": None,
        "breakdown": {"satisfied": 0, "total": 0},
    }


def test_another_firms_campaign_is_not_found(key_browser, rival_campaign, contact):
    # when a key of this firm reads or triggers the other firm's campaign
    detail = key_browser.get(reverse("api-campaign-detail", args=[rival_campaign.pk]))
    listing = key_browser.get(reverse("api-campaign-list")).json()
    # then it does not exist for them
    assert detail.status_code == 404
    assert listing["count"] == 0
    assert reverse("api-campaign-detail", args=[rival_campaign.pk]) not in str(listing)


def test_anonymous_is_refused_and_account_managers_may_not_read_campaigns(
    client, account_manager, analyst, csat_campaign
):
    url = reverse("api-campaign-detail", args=[csat_campaign.pk])
    assert client.get(reverse("api-campaign-list")).status_code == 401
    assert client.get(url).status_code == 401
    client.force_login(account_manager.user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("api-campaign-list")).status_code == 403
    client.force_login(analyst.user)
    assert client.get(url).status_code == 200


def test_list_and_detail_pin_their_query_counts(
    django_assert_num_queries, client, admin_member, firm, globex
):
    # given 30 campaigns, one with invitations
    for i in range(30):
        Campaign.objects.create(firm=firm, name=f"Campaign {i:02}", kind=SurveyKind.NPS)
    first = Campaign.objects.get(name="Campaign 00")
    for i in range(5):
        ContactFactory(client=globex, email=f"c{i}@globex.example")
    campaign_launch(campaign=first, occasion="wave:1")
    client.force_login(admin_member.user)
    client.get(reverse("api-campaign-list"))  # warm the session

    # when / then: session + user + member, count, rows, whatever the size
    with django_assert_num_queries(5):
        assert client.get(reverse("api-campaign-list")).json()["count"] == 30
    # session + user + member, campaign, invitation counts, skips, response rate, score
    with django_assert_num_queries(8):
        body = client.get(reverse("api-campaign-detail", args=[first.pk])).json()
    assert body["invitations"]["scheduled"] == 5
