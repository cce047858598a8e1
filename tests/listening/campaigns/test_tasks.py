"""Tasks: stable names, JSON arguments, run twice = same state, missing rows are no-ops, and
one end-to-end run through a real Celery worker."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from celery import current_app
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from listening.campaigns import tasks
from listening.campaigns.models import Campaign, Invitation, SkippedInvitation, SurveyKind
from listening.campaigns.services import launch
from listening.campaigns.services.invitations import invitation_schedule
from listening.campaigns.services.launch import campaign_schedule_set
from tests.conftest import wait_for
from tests.factories import ClientFactory, ContactFactory, FirmFactory


def _state():
    return sorted(Invitation.objects.values_list("contact_id", "status", "reminders_sent"))


@pytest.mark.django_db
def test_tasks_have_stable_names_routed_to_their_queues():
    routes = current_app.conf.task_routes
    assert tasks.send_due_invitations.name == "email.send_due_invitations"
    assert tasks.campaign_launch.name == "listening.campaign_launch"
    assert tasks.retry_deferred_invitations.name == "listening.retry_deferred_invitations"
    assert routes["email.send_due_invitations"]["queue"] == "email"
    assert routes["listening.campaign_launch"]["queue"] == "ingest"
    assert routes["listening.retry_deferred_invitations"]["queue"] == "ingest"
    beat = current_app.conf.beat_schedule
    assert beat["email.send_due_invitations"]["task"] == "email.send_due_invitations"
    retry = beat["listening.retry_deferred_invitations"]
    assert retry["task"] == "listening.retry_deferred_invitations"


@pytest.mark.django_db
def test_send_due_invitations_twice_sends_once(nps_campaign, contact, colleague):
    # given two due invitations
    past = timezone.now() - timedelta(minutes=1)
    for person in (contact, colleague):
        invitation_schedule(campaign=nps_campaign, contact=person, occasion="w", scheduled_for=past)

    # when the task runs twice (arguments as they come back from JSON)
    first = tasks.send_due_invitations(*json.loads(json.dumps([None])))
    state = _state()
    second = tasks.send_due_invitations()

    # then two emails, and the second run changed nothing
    assert (first["sent"], second["sent"]) == (2, 0)
    assert len(mail.outbox) == 2
    assert _state() == state


@pytest.mark.django_db
def test_campaign_launch_twice_is_one_wave(nps_campaign, contact, colleague):
    # when the beat fires the launch twice on the same day
    first = tasks.campaign_launch(*json.loads(json.dumps([nps_campaign.pk])))
    state = _state()
    second = tasks.campaign_launch(nps_campaign.pk)

    # then both contacts were invited once
    assert (first["invited"], second["invited"], second["already"]) == (2, 0, 2)
    assert _state() == state


@pytest.mark.django_db
def test_campaign_launch_of_a_missing_or_paused_campaign_is_a_no_op(nps_campaign, contact):
    assert tasks.campaign_launch(987654) == {"invited": 0}
    Campaign.objects.filter(pk=nps_campaign.pk).update(status=Campaign.Status.PAUSED)
    assert tasks.campaign_launch(nps_campaign.pk) == {"invited": 0}
    assert not Invitation.objects.exists() and not SkippedInvitation.objects.exists()


@pytest.mark.django_db
def test_nps_campaign_targets_its_segment(firm, contact):
    # given a client outside the segment
    ContactFactory(client=ClientFactory(firm=firm, segment="smb"))
    campaign = Campaign.objects.create(
        firm=firm, name="Enterprise NPS", kind=SurveyKind.NPS, segment="enterprise"
    )

    # when launched, then only the segment's contact is invited
    tasks.campaign_launch(campaign.pk)
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [contact.pk]


@pytest.mark.django_db
def test_campaign_schedule_is_stored_for_beat_in_the_firms_time_zone(firm, nps_campaign):
    # given a New York firm
    firm.timezone = "America/New_York"
    firm.save()

    # when its NPS campaign is scheduled (twice: the second call edits the same entry)
    campaign_schedule_set(campaign=nps_campaign)
    task = campaign_schedule_set(campaign=nps_campaign, month_of_year="4,10")

    # then one beat entry launches it at 09:00 New York time on the chosen months
    assert PeriodicTask.objects.filter(task="listening.campaign_launch").count() == 1
    assert json.loads(task.args) == [nps_campaign.pk]
    assert str(task.crontab.timezone) == "America/New_York"
    assert (task.crontab.hour, task.crontab.month_of_year) == ("9", "4,10")
    nps_campaign.refresh_from_db()
    assert nps_campaign.periodic_task == task


@pytest.mark.worker
def test_worker_sends_due_invitations_end_to_end(transactional_db, celery_worker_process):
    # given a committed due invitation
    firm = FirmFactory(name="Worker & Co", slug="worker-co")
    person = ContactFactory(client=ClientFactory(firm=firm))
    campaign = Campaign.objects.create(firm=firm, name="NPS", kind=SurveyKind.NPS)
    invitation = invitation_schedule(
        campaign=campaign,
        contact=person,
        occasion="w",
        scheduled_for=timezone.now() - timedelta(minutes=1),
    ).invitation

    # when the periodic task is published as beat would
    current_app.send_task("email.send_due_invitations")

    # then the real worker (email queue) sends it
    wait_for(
        lambda: Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.SENT,
        timeout=60,
    )


@pytest.mark.django_db
def test_a_wave_is_one_per_day_on_the_firms_calendar(firm, nps_campaign, contact):
    # given a Sydney firm: 22:30 and 23:30 UTC on 28 February are both 1 March in Sydney
    firm.timezone = "Australia/Sydney"
    firm.save()
    evening = datetime(2025, 2, 28, 22, 30, tzinfo=UTC)

    # when the wave is launched at both moments
    first = launch.campaign_launch(campaign=nps_campaign, scheduled_for=evening)
    second = launch.campaign_launch(
        campaign=nps_campaign, scheduled_for=evening + timedelta(hours=1)
    )

    # then it is one wave, named after the Sydney date
    assert (first.invited, second.already) == (1, 1)
    assert Invitation.objects.get().occasion == "wave:2025-03-01"
