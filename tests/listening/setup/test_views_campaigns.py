"""The survey settings pages: builder, previews, governance summary, launch, results, policy;
only a firm's admins configure, bad input is refused (stored rows checked)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Feedback
from listening.campaigns.models import (
    Audience,
    Campaign,
    Invitation,
    QuietPeriod,
    SkipReason,
    SurveyKind,
    SurveyPolicy,
)
from listening.campaigns.services.invitations import invitation_schedule
from listening.campaigns.services.responses import response_submit
from tests.factories import ClientFactory, ContactFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def test_survey_builder_stores_the_campaign(admin_client, firm):
    # given
    client = ClientFactory(firm=firm, name="Globex Corp")

    # when
    response = admin_client.post(
        reverse("listening_setup:campaign_new"),
        {
            "name": "Globex NPS",
            "kind": "nps",
            "question": "Would you recommend us?",
            "follow_up": "What should we change?",
            "audience": "client",
            "audience_client": client.pk,
            "reminder_after_days": "5",
            "status": "active",
        },
    )

    # then
    campaign = Campaign.objects.get(firm=firm)
    assert response.status_code == 302
    assert (campaign.audience, campaign.audience_client, campaign.follow_up) == (
        Audience.CLIENT,
        client,
        "What should we change?",
    )


def test_survey_builder_refuses_a_client_audience_without_a_client(admin_client, firm):
    response = admin_client.post(
        reverse("listening_setup:campaign_new"),
        {"name": "X", "kind": "nps", "audience": "client", "status": "active"},
    )
    assert response.status_code == 400
    assert not Campaign.objects.filter(firm=firm).exists()


def test_another_firms_client_cannot_be_the_audience(admin_client, other_firm):
    rival = ClientFactory(firm=other_firm)
    response = admin_client.post(
        reverse("listening_setup:campaign_new"),
        {"name": "X", "kind": "nps", "audience": "client", "audience_client": rival.pk},
    )
    assert response.status_code == 400


def test_previews_show_the_firms_branding_and_the_follow_up(admin_client, firm, nps):
    # given
    firm.primary_colour = "#aa3300"
    firm.save()
    nps.follow_up = "What one thing should we improve?"
    nps.save()

    # when
    email = admin_client.get(reverse("listening_setup:email_preview", args=[nps.pk]))
    answer = admin_client.get(reverse("listening_setup:answer_preview", args=[nps.pk]))

    # then
    assert "#aa3300" in email.content.decode()
    assert "How likely are you to recommend Acme Legal LLP" in email.content.decode()
    assert "What one thing should we improve?" in answer.content.decode()
    assert "Acme Legal LLP" in answer.content.decode()


def test_governance_preview_counts_who_is_skipped_and_why(admin_client, firm, nps):
    # given four contacts: one opted out, one client in a quiet period, one NPS-ed last month
    globex, initech, umbrella = (ClientFactory(firm=firm, name=n) for n in ("G", "I", "U"))
    ContactFactory(client=globex, email="ok@g.example")
    ContactFactory(client=globex, email="out@g.example", opted_out=True)
    ContactFactory(client=initech, email="quiet@i.example")
    recent = ContactFactory(client=umbrella, email="recent@u.example")
    today = timezone.localdate()
    QuietPeriod.objects.create(
        firm=firm, client=initech, starts_on=today - timedelta(days=1), ends_on=today
    )
    earlier = Campaign.objects.create(firm=firm, name="Autumn NPS", kind=SurveyKind.NPS)
    invitation_schedule(
        campaign=earlier,
        contact=recent,
        occasion="autumn",
        scheduled_for=timezone.now() - timedelta(days=30),
    )

    # when
    response = admin_client.get(reverse("listening_setup:campaign_preview", args=[nps.pk]))

    # then
    preview = response.context["preview"]
    assert (preview.recipients, preview.invited, preview.skipped_total) == (4, 1, 3)
    assert dict(preview.skipped) == {
        SkipReason.OPTED_OUT: 1,
        SkipReason.QUIET_PERIOD: 1,
        SkipReason.NPS_MIN_GAP: 1,
    }
    assert "Contact opted out" in response.content.decode()
    assert Invitation.objects.filter(campaign=nps).count() == 0  # a preview writes nothing


def test_closed_engagements_audience_is_their_clients_contacts(firm, nps):
    # given
    inside, outside = ClientFactory(firm=firm), ClientFactory(firm=firm)
    asked = ContactFactory(client=inside)
    ContactFactory(client=outside)
    EngagementFactory(client=inside, closed_on=date(2026, 3, 10))
    EngagementFactory(client=outside, closed_on=date(2025, 1, 10))
    nps.audience, nps.closed_from, nps.closed_to = Audience.CLOSED, date(2026, 3, 1), None
    nps.save()

    # when
    from listening.campaigns.selectors import campaign_recipients

    # then
    assert list(campaign_recipients(campaign=nps)) == [asked]


def test_launch_now_queues_the_wave_and_a_past_date_is_refused(
    admin_client, nps, django_capture_on_commit_callbacks
):
    # when a launch at a past moment is asked for
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = admin_client.post(
        reverse("listening_setup:campaign_preview", args=[nps.pk]),
        {"when": "at", "send_at": past, "launch": "1"},
    )

    # then it is refused
    assert refused.status_code == 400

    # and a launch now queues the launch task after commit, then shows the results page
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            reverse("listening_setup:campaign_preview", args=[nps.pk]),
            {"when": "now", "launch": "1"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("listening_setup:campaign_results", args=[nps.pk])
    assert len(callbacks) == 1


def test_results_show_counts_nps_margin_distribution_and_comment_links(admin_client, firm, nps):
    # given three answers
    client = ClientFactory(firm=firm)
    for i, score in enumerate([10, 9, 3]):
        contact = ContactFactory(client=client, email=f"c{i}@x.example")
        inv = invitation_schedule(campaign=nps, contact=contact, occasion="w").invitation
        Invitation.objects.filter(pk=inv.pk).update(status="sent", sent_at=timezone.now())
        inv.refresh_from_db()
        response_submit(invitation=inv, score=score, comment=f"Because {score}")

    # when
    response = admin_client.get(reverse("listening_setup:campaign_results", args=[nps.pk]))

    # then
    r = response.context["r"]
    assert (r.sent, r.answered, r.response_rate) == (3, 3, 100.0)
    assert (r.score.value, r.score.sample_size) == (33.3, 3)
    assert r.score.margin_of_error is not None
    assert dict(r.distribution)[10] == 1 and dict(r.distribution)[3] == 1
    body = response.content.decode()
    feedback = Feedback.objects.get(text="Because 3")
    assert reverse("items:detail", args=[feedback.pk]) in body
    assert "n = 3" in body


def test_policy_page_sets_governance_and_leaves_the_colour_to_the_branding_page(admin_client, firm):
    # given the firm's colour, set on the branding page
    firm.primary_colour = "#aa3300"
    firm.save(update_fields=["primary_colour"])

    # when the policy page is shown, then saved with a colour smuggled in
    page = admin_client.get(reverse("listening_setup:policy")).content.decode()
    response = admin_client.post(
        reverse("listening_setup:policy"),
        {
            "nps_max_per_year": "1",
            "nps_min_gap_days": "200",
            "csat_min_gap_days": "30",
            "csat_nps_buffer_days": "10",
            "primary_colour": "#225522",
        },
    )

    # then the page has no colour field of its own but says where the colour is set, and the
    # governance is saved while the colour stays the branding page's
    assert 'name="primary_colour"' not in page
    assert reverse("workspace:branding") in page and "#aa3300" in page
    assert response.status_code == 302
    policy = SurveyPolicy.objects.get(firm=firm)
    firm.refresh_from_db()
    assert (policy.nps_max_per_year, policy.nps_min_gap_days) == (1, 200)
    assert firm.primary_colour == "#aa3300"
    assert not hasattr(policy, "brand_colour")  # one source of truth: Firm.primary_colour


def test_no_settings_page_links_to_django_admin_or_periodic_jobs(admin_client, nps):
    for name, args in (
        ("listening_setup:sources", []),
        ("listening_setup:campaigns", []),
        ("listening_setup:policy", []),
        ("listening_setup:campaign_preview", [nps.pk]),
    ):
        page = admin_client.get(reverse(name, args=args)).content.decode()
        main = page.split("<main", 1)[1]
        assert "/admin/" not in main and "periodic" not in main.lower(), name
