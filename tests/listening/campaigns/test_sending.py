"""Sending over a real SMTP server on loopback: content, headers, no double send, one reminder,
SMTP down then back."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.test import override_settings

from listening.campaigns.models import Campaign, Invitation, SkippedInvitation, SkipReason
from listening.campaigns.services.invitations import invitation_schedule
from listening.campaigns.services.optout import contact_opt_out
from listening.campaigns.services.sending import invitations_send_due
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
S = Invitation.Status


def _invite(campaign, contact, when=T0, occasion="w"):
    return invitation_schedule(
        campaign=campaign, contact=contact, occasion=occasion, scheduled_for=when
    ).invitation


def _body(message, subtype):
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode()
    raise AssertionError(f"no text/{subtype} part")


def test_invitation_email_has_firm_name_html_text_and_one_click_opt_out(
    smtp_server, nps_campaign, contact
):
    # given a due NPS invitation
    invitation = _invite(nps_campaign, contact)

    # when the sender runs
    report = invitations_send_due(now=T0 + timedelta(minutes=1))

    # then one email went over SMTP with both parts, the firm's name and opt-out headers
    assert report.sent == 1
    [message] = smtp_server.messages
    assert message["X-Rcpt-To"] == "gina@globex.example"
    assert "Acme Legal LLP" in message["Subject"]
    assert "Acme Legal LLP" in _body(message, "plain")
    assert "Acme Legal LLP" in _body(message, "html")
    assert "/survey/r/" in _body(message, "plain")
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert "/survey/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    invitation.refresh_from_db()
    assert invitation.status == S.SENT and invitation.sent_at == T0 + timedelta(minutes=1)


@override_settings(EARSHOT_BASE_URL="https://earshot.example/")
def test_invitation_email_shows_the_firms_uploaded_logo_at_an_absolute_address(
    smtp_server, nps_campaign, contact
):
    # given the firm's uploaded logo (branding page) and a due invitation
    firm = nps_campaign.firm
    firm.logo.name = "logos/3f2a9c.png"
    firm.save(update_fields=["logo"])
    _invite(nps_campaign, contact)

    # when the sender runs
    invitations_send_due(now=T0 + timedelta(minutes=1))

    # then the e-mail's header is the logo, fetched from Earshot's public address
    [message] = smtp_server.messages
    html = _body(message, "html")
    src = f"https://earshot.example/brand/{firm.slug}/3f2a9c.png"
    assert f'<img src="{src}" alt="Acme Legal LLP"' in html


def test_invitation_email_shows_a_logo_address_as_it_is_and_no_logo_as_the_name(
    smtp_server, nps_campaign, contact, colleague
):
    # given a firm with a logo address, then the same firm without any logo
    firm = nps_campaign.firm
    firm.logo_url = "https://cdn.acme.example/logo.png"
    firm.save(update_fields=["logo_url"])
    _invite(nps_campaign, contact)
    invitations_send_due(now=T0 + timedelta(minutes=1))
    firm.logo_url = ""
    firm.save(update_fields=["logo_url"])
    _invite(nps_campaign, colleague)
    invitations_send_due(now=T0 + timedelta(minutes=2))

    # then the first e-mail shows that address, the second the firm's name and no image
    with_logo, without = (_body(m, "html") for m in smtp_server.messages)
    assert '<img src="https://cdn.acme.example/logo.png" alt="Acme Legal LLP"' in with_logo
    assert "<img" not in without and "Acme Legal LLP</td>" in without


def test_running_the_sender_twice_sends_once(smtp_server, nps_campaign, contact, colleague):
    # given two due invitations
    _invite(nps_campaign, contact)
    _invite(nps_campaign, colleague)

    # when the sender runs twice
    now = T0 + timedelta(minutes=1)
    first = invitations_send_due(now=now)
    second = invitations_send_due(now=now)

    # then each contact got one email
    assert (first.sent, second.sent) == (2, 0)
    assert len(smtp_server.messages) == 2


def test_not_yet_due_invitation_is_not_sent(smtp_server, nps_campaign, contact):
    _invite(nps_campaign, contact, when=T0 + timedelta(days=1))
    assert invitations_send_due(now=T0).sent == 0
    assert smtp_server.messages == []


def test_sender_works_in_bounded_batches(smtp_server, nps_campaign, globex):
    # given five due invitations
    for _ in range(5):
        _invite(nps_campaign, ContactFactory(client=globex))

    # when the sender runs with a batch of two
    reports = [invitations_send_due(now=T0, batch_size=2) for _ in range(3)]

    # then batches of 2, 2 and 1 went out
    assert [r.sent for r in reports] == [2, 2, 1]


def test_smtp_down_then_back(smtp_server, nps_campaign, contact):
    # given a due invitation and the SMTP server down
    invitation = _invite(nps_campaign, contact)
    smtp_server.stop()

    # when the sender runs
    down = invitations_send_due(now=T0)

    # then the invitation waits with a backoff, its error recorded, nothing lost
    invitation.refresh_from_db()
    assert down.retrying == 1
    assert invitation.status == S.SCHEDULED and invitation.attempts == 1
    assert invitation.next_attempt_at > T0 and invitation.last_error

    # when the sender runs again before the backoff ends, then nothing is tried
    assert invitations_send_due(now=T0 + timedelta(seconds=1)).outcomes == {}

    # when the server is back and the backoff has passed
    smtp_server.start()
    back = invitations_send_due(now=invitation.next_attempt_at)

    # then it is sent exactly once
    invitation.refresh_from_db()
    assert back.sent == 1 and len(smtp_server.messages) == 1
    assert invitation.status == S.SENT and invitation.attempts == 2


@override_settings(CAMPAIGNS_MAX_SEND_ATTEMPTS=2)
def test_invitation_fails_visibly_after_the_last_attempt(smtp_server, nps_campaign, contact):
    # given SMTP stays down
    invitation = _invite(nps_campaign, contact)
    smtp_server.stop()

    # when the sender tries until the attempts run out
    invitations_send_due(now=T0)
    invitation.refresh_from_db()
    invitations_send_due(now=invitation.next_attempt_at)

    # then the invitation is failed, with its error, not silently dropped
    invitation.refresh_from_db()
    assert invitation.status == S.FAILED and "Connection" in invitation.last_error


def test_one_reminder_at_most_and_it_is_not_a_new_survey(smtp_server, nps_campaign, contact):
    # given a sent invitation with a 5-day reminder
    invitation = _invite(nps_campaign, contact)
    invitations_send_due(now=T0)

    # when the sender runs on day 5, and again on day 10 and 20
    reminder = invitations_send_due(now=T0 + timedelta(days=5))
    later = [invitations_send_due(now=T0 + timedelta(days=d)) for d in (10, 20)]

    # then exactly one reminder went out, on the same invitation
    assert reminder.reminded == 1 and [r.reminded for r in later] == [0, 0]
    assert len(smtp_server.messages) == 2
    assert smtp_server.messages[1]["Subject"].startswith("Reminder:")
    assert Invitation.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 1 and invitation.status == S.SENT

    # and the database refuses a second reminder outright
    with pytest.raises(IntegrityError):
        Invitation.objects.filter(pk=invitation.pk).update(reminders_sent=2)


def test_reminder_does_not_count_towards_the_nps_limit(firm, smtp_server, contact):
    # given a wave that was sent and reminded
    first = Campaign.objects.create(firm=firm, name="H1", kind="nps")
    second = Campaign.objects.create(firm=firm, name="H2", kind="nps")
    _invite(first, contact)
    invitations_send_due(now=T0)
    invitations_send_due(now=T0 + timedelta(days=5))

    # when a second wave comes 150 days later
    result = invitation_schedule(
        campaign=second, contact=contact, occasion="w", scheduled_for=T0 + timedelta(days=150)
    )

    # then it is allowed: the reminder was not a survey
    assert result.created


def test_answered_invitation_gets_no_reminder(smtp_server, nps_campaign, contact):
    invitation = _invite(nps_campaign, contact)
    invitations_send_due(now=T0)
    Invitation.objects.filter(pk=invitation.pk).update(responded_at=T0 + timedelta(days=1))
    assert invitations_send_due(now=T0 + timedelta(days=6)).reminded == 0
    assert len(smtp_server.messages) == 1


def test_opt_out_after_scheduling_stops_the_email(smtp_server, nps_campaign, contact):
    # given a scheduled invitation
    invitation = _invite(nps_campaign, contact)

    # when the contact opts out before it is sent
    contact_opt_out(contact=contact)
    invitations_send_due(now=T0)

    # then nothing is sent and the skip is recorded with its reason
    invitation.refresh_from_db()
    assert smtp_server.messages == []
    assert invitation.status == S.CANCELLED
    assert SkippedInvitation.objects.get().reason == SkipReason.OPTED_OUT


def test_paused_campaign_sends_nothing(smtp_server, nps_campaign, contact):
    _invite(nps_campaign, contact)
    Campaign.objects.filter(pk=nps_campaign.pk).update(status=Campaign.Status.PAUSED)
    assert invitations_send_due(now=T0).sent == 0
    assert smtp_server.messages == []


def test_reminder_keeps_the_firms_wall_clock_across_a_dst_change(
    firm, smtp_server, nps_campaign, contact
):
    # given a London firm whose invitation goes out at 09:00 GMT on 27 March, with a 5-day
    # reminder (the clocks go forward on 30 March)
    firm.timezone = "Europe/London"
    firm.save()
    sent_at = datetime(2025, 3, 27, 9, 0, tzinfo=UTC)
    invitation = _invite(nps_campaign, contact, when=sent_at)
    invitations_send_due(now=sent_at)

    # then the reminder is due at 09:00 BST on 1 April (08:00 UTC), not 10:00 BST
    invitation.refresh_from_db()
    assert invitation.remind_at == datetime(2025, 4, 1, 8, 0, tzinfo=UTC)
    assert invitations_send_due(now=datetime(2025, 4, 1, 7, 59, tzinfo=UTC)).reminded == 0
    assert invitations_send_due(now=datetime(2025, 4, 1, 8, 0, tzinfo=UTC)).reminded == 1


def test_reminder_smtp_down_then_back(smtp_server, nps_campaign, contact):
    # given a sent invitation whose reminder is due while the SMTP server is down
    invitation = _invite(nps_campaign, contact)
    invitations_send_due(now=T0)
    day5 = T0 + timedelta(days=5)
    smtp_server.stop()

    # when the sender runs
    down = invitations_send_due(now=day5)

    # then the reminder waits with a backoff and its error; the invitation stays sent
    invitation.refresh_from_db()
    assert down.retrying == 1
    assert (invitation.status, invitation.reminders_sent) == (S.SENT, 0)
    assert invitation.remind_at > day5 and invitation.last_error

    # when the server is back and the backoff has passed
    smtp_server.start()
    back = invitations_send_due(now=invitation.remind_at)

    # then exactly one reminder went out
    invitation.refresh_from_db()
    assert back.reminded == 1 and invitation.reminders_sent == 1
    assert [m["Subject"].startswith("Reminder:") for m in smtp_server.messages] == [False, True]
