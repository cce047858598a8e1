"""Services behind the listening settings: the launch task with a send time, the firm's colour
in the real survey e-mail, and the firm checks of the campaign builder."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.models import Channel
from listening.campaigns.emails import invitation_message
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.tasks import campaign_launch
from listening.models import ImapMailbox
from listening.setup.services import (
    campaign_launch_request,
    campaign_save,
    form_source_save,
    mailbox_source_save,
    source_pause_set,
)
from tests.factories import ClientFactory, ContactFactory, SourceFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def test_launch_task_at_a_date_schedules_for_then_and_running_twice_changes_nothing(firm, nps):
    # given two contacts and a send time next week, as the settings page queues it
    client = ClientFactory(firm=firm)
    ContactFactory(client=client, email="a@x.example")
    ContactFactory(client=client, email="b@x.example")
    when = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    kwargs = json.loads(json.dumps({"campaign_id": nps.pk, "scheduled_for": when.isoformat()}))

    # when the task runs twice
    first = campaign_launch(**kwargs)
    second = campaign_launch(**kwargs)

    # then two invitations wait for that moment, once
    assert (first["invited"], second["invited"], second["already"]) == (2, 0, 2)
    assert set(Invitation.objects.values_list("scheduled_for", flat=True)) == {when}


def test_launch_task_for_a_missing_campaign_is_a_no_op(db):
    assert campaign_launch(campaign_id=999_999, scheduled_for="") == {"invited": 0}


def test_csat_and_paused_campaigns_are_not_launched(firm, nps):
    csat = Campaign.objects.create(firm=firm, name="CSAT", kind=SurveyKind.CSAT)
    with pytest.raises(ValidationError):
        campaign_launch_request(campaign=csat)
    nps.status = Campaign.Status.PAUSED
    with pytest.raises(ValidationError):
        campaign_launch_request(campaign=nps)


def test_survey_email_uses_the_firms_own_colour(firm, nps):
    # given
    firm.primary_colour = "#336699"
    firm.save()
    contact = ContactFactory(client=ClientFactory(firm=firm))
    invitation = Invitation.objects.create(
        firm=firm,
        campaign=nps,
        client=contact.client,
        contact=contact,
        kind=SurveyKind.NPS,
        occasion="w",
        scheduled_for=timezone.now(),
    )

    # when
    message = invitation_message(invitation)

    # then
    html = message.alternatives[0][0]
    assert "background: #336699" in html


def test_campaign_builder_refuses_another_firms_touchpoint(firm, other_firm):
    with pytest.raises(ValidationError):
        campaign_save(
            firm=firm,
            data={"name": "X", "kind": "nps", "touchpoint": TouchpointFactory(firm=other_firm)},
        )


def test_another_firms_form_cannot_be_edited(firm, other_firm):
    rival = SourceFactory(firm=other_firm, channel=Channel.FORM)
    with pytest.raises(ValidationError):
        form_source_save(firm=firm, name="Mine now", allowed_origins=[], source=rival)


def test_pause_twice_is_the_same_state(firm):
    source = SourceFactory(firm=firm, channel=Channel.FORM)
    source_pause_set(source=source, paused=True)
    source_pause_set(source=source, paused=True)
    source.refresh_from_db()
    assert source.status == "disabled"


def test_a_new_mailbox_never_takes_over_another_source_of_the_same_name(firm):
    # given a web form called "Inbox"
    form = SourceFactory(firm=firm, channel=Channel.FORM, name="Inbox")

    # when a mailbox of that name is created, then it is refused and the form is untouched
    with pytest.raises(ValidationError):
        mailbox_source_save(
            firm=firm,
            name="Inbox",
            host="imap.acme.example",
            port=993,
            username="u",
            password="p",
            folder="INBOX",
            use_ssl=True,
        )
    assert not ImapMailbox.objects.filter(source=form).exists()
