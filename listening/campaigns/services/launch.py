"""Starting campaigns: NPS/review waves, event-triggered CSAT/CES, review requests at
engagement close, and the django-celery-beat schedule that launches waves."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.queues import CAMPAIGN_LAUNCH_TASK
from feedback.models import Contact, Engagement, Touchpoint
from listening.campaigns import governance, selectors
from listening.campaigns.models import Campaign, SkippedInvitation, SurveyKind
from listening.campaigns.services.invitations import (
    ScheduleResult,
    invitation_schedule,
    skip_retry,
)


@dataclass
class LaunchReport:
    invited: int = 0
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, result: ScheduleResult) -> None:
        if result.created:
            self.invited += 1
        elif result.invitation is not None:
            self.already += 1
        elif result.skip is not None:
            self.skipped[result.skip.reason] = self.skipped.get(result.skip.reason, 0) + 1


def wave_occasion(*, campaign: Campaign, when: datetime) -> str:
    """One wave per firm-local day: launching twice the same day is the same wave."""
    day = governance.local_date(when, governance.firm_zone(campaign.firm.timezone))
    return f"wave:{day.isoformat()}"


def campaign_launch(
    *, campaign: Campaign, occasion: str = "", scheduled_for: datetime | None = None
) -> LaunchReport:
    """Invite every contact of the campaign's segment (NPS, review) for one wave. Each contact
    is decided in its own short transaction (client row locked); idempotent per occasion."""
    if campaign.kind not in (SurveyKind.NPS, SurveyKind.REVIEW):
        raise ValidationError("CSAT and CES surveys are triggered by events, not launched.")
    when = scheduled_for or timezone.now()
    occasion = occasion or wave_occasion(campaign=campaign, when=when)
    report = LaunchReport()
    for contact in selectors.campaign_recipients(campaign=campaign):
        report.add(
            invitation_schedule(
                campaign=campaign, contact=contact, occasion=occasion, scheduled_for=when
            )
        )
    return report


def skips_retry_due(*, now: datetime | None = None, batch_size: int = 500) -> LaunchReport:
    """Ask again for at most `batch_size` deferred skips whose time has come (NPS waves that
    fell in a quiet period), oldest first, each in its own transaction under governance.
    Safe to run concurrently and repeatedly: each skip is claimed before it is retried."""
    now = now or timezone.now()
    due = (
        SkippedInvitation.objects.filter(retry_after__lte=now)
        .order_by("retry_after", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    report = LaunchReport()
    for pk in list(due):
        result = skip_retry(skip_id=pk, now=now)
        if result is not None:
            report.add(result)
    return report


def survey_trigger(
    *,
    campaign: Campaign,
    contact: Contact,
    event: str,
    engagement: Engagement | None = None,
    touchpoint: Touchpoint | None = None,
    scheduled_for: datetime | None = None,
) -> ScheduleResult:
    """A touchpoint event (matter closed, invoice sent, meeting held) asks one contact for a
    CSAT/CES answer. `event` identifies the event, so the same event never invites twice."""
    if campaign.kind not in (SurveyKind.CSAT, SurveyKind.CES):
        raise ValidationError({"campaign": "Only CSAT and CES campaigns are event-triggered."})
    event = (event or "").strip()
    if not event or len(event) > 90:
        raise ValidationError({"event": "Give an event identifier of 1 to 90 characters."})
    return invitation_schedule(
        campaign=campaign,
        contact=contact,
        occasion=f"event:{event}",
        engagement=engagement,
        touchpoint=touchpoint,
        scheduled_for=scheduled_for,
    )


def review_requests_for_engagement(
    *, campaign: Campaign, engagement: Engagement, scheduled_for: datetime | None = None
) -> LaunchReport:
    """Ask *every* contact of the engagement's client to rate the firm. Deliberately blind to
    scores and sentiment (no review gating); only opt-outs and quiet periods stop an email."""
    if campaign.kind != SurveyKind.REVIEW or engagement.firm_id != campaign.firm_id:
        raise ValidationError("A review campaign of the engagement's firm is required.")
    report = LaunchReport()
    for contact in selectors.review_recipients(client=engagement.client):
        report.add(
            invitation_schedule(
                campaign=campaign,
                contact=contact,
                occasion=f"engagement:{engagement.pk}",
                engagement=engagement,
                scheduled_for=scheduled_for,
            )
        )
    return report


def review_requests_for_closed_engagements(*, since: date) -> LaunchReport:
    """Every active review campaign invites the contacts of engagements closed since `since`.
    Idempotent (the occasion is the engagement), so a daily run with overlap is harmless."""
    report = LaunchReport()
    campaigns = Campaign.objects.filter(kind=SurveyKind.REVIEW, status=Campaign.Status.ACTIVE)
    for campaign in campaigns.select_related("firm"):
        engagements = Engagement.objects.filter(
            firm_id=campaign.firm_id, closed_on__gte=since, closed_on__lte=timezone.now().date()
        ).select_related("client")
        for engagement in engagements:
            sub = review_requests_for_engagement(campaign=campaign, engagement=engagement)
            report.invited += sub.invited
            report.already += sub.already
            for reason, n in sub.skipped.items():
                report.skipped[reason] = report.skipped.get(reason, 0) + n
    return report


@transaction.atomic
def campaign_schedule_set(
    *,
    campaign: Campaign,
    minute: str = "0",
    hour: str = "9",
    day_of_month: str = "1",
    month_of_year: str = "3,9",
    day_of_week: str = "*",
) -> PeriodicTask:
    """Store (or change) the beat schedule that launches this campaign's waves, in the firm's
    time zone (so 09:00 stays 09:00 local across daylight-saving changes). The default is
    09:00 on 1 March and 1 September; governance still refuses waves that break the rules."""
    if campaign.kind not in (SurveyKind.NPS, SurveyKind.REVIEW):
        raise ValidationError("Only NPS and review campaigns run on a schedule.")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=governance.firm_zone(campaign.firm.timezone).key,
    )
    task, _ = PeriodicTask.objects.update_or_create(
        name=f"campaign-{campaign.pk}",
        defaults={
            "task": CAMPAIGN_LAUNCH_TASK,
            "crontab": crontab,
            "interval": None,
            "args": json.dumps([campaign.pk]),
            "enabled": campaign.status == Campaign.Status.ACTIVE,
        },
    )
    campaign.periodic_task = task
    campaign.save(update_fields=["periodic_task"])
    return task
