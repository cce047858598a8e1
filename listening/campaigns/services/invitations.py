"""Scheduling invitations under contact governance.

Every decision is taken inside one transaction that first locks the Client row
(`SELECT ... FOR UPDATE`): two schedulers, a retry and an admin click racing for the same client
organisation are serialised, so the count they check is the count they act on.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from feedback.models import Client, Contact, Engagement, Touchpoint
from listening.campaigns import governance
from listening.campaigns.models import (
    Campaign,
    Invitation,
    QuietPeriod,
    SkippedInvitation,
    SkipReason,
    SurveyKind,
)

# Kinds that count as a "transactional" survey for the per-contact CSAT gap.
TRANSACTIONAL = [SurveyKind.CSAT, SurveyKind.CES]
_LOOKAROUND = timedelta(days=governance.ROLLING_YEAR_DAYS + 2)


@dataclass(frozen=True)
class ScheduleResult:
    invitation: Invitation | None
    skip: SkippedInvitation | None
    created: bool


def _counting(qs: QuerySet[Invitation]) -> QuerySet[Invitation]:
    # Cancelled and failed invitations never reached the contact, so they are no survey.
    return qs.exclude(status__in=[Invitation.Status.CANCELLED, Invitation.Status.FAILED])


def _verdict(
    *, campaign: Campaign, client: Client, contact: Contact, occasion: str, when: datetime
) -> governance.Verdict:
    zone = governance.firm_zone(campaign.firm.timezone)
    day = governance.local_date(when, zone)
    if contact.opted_out:
        return governance.Verdict(False, SkipReason.OPTED_OUT, "Contact opted out of surveys.")
    if campaign.status != Campaign.Status.ACTIVE:
        return governance.Verdict(False, SkipReason.CAMPAIGN_INACTIVE, campaign.status)
    quiet = QuietPeriod.objects.filter(client=client, starts_on__lte=day, ends_on__gte=day)
    verdict = governance.check_quiet(day, quiet.values_list("starts_on", "ends_on"))
    if not verdict.allowed:
        return verdict
    policy = governance.policy_defaults(campaign.firm_id)
    near = Q(scheduled_for__gt=when - _LOOKAROUND, scheduled_for__lt=when + _LOOKAROUND)
    nps = _counting(Invitation.objects.filter(near, client=client, kind=SurveyKind.NPS))
    if campaign.kind == SurveyKind.NPS:
        # A wave is one (campaign, occasion): the other contacts of this client in the same
        # wave do not count as another wave.
        waves = (
            nps.exclude(campaign=campaign, occasion=occasion)
            .values("campaign_id", "occasion")
            .annotate(first=Min("scheduled_for"))
        )
        days = [governance.local_date(w["first"], zone) for w in waves]
        return governance.check_nps(day, days, policy)
    if campaign.kind in TRANSACTIONAL:
        mine = _counting(Invitation.objects.filter(near, contact=contact, kind__in=TRANSACTIONAL))
        return governance.check_csat(
            day,
            [governance.local_date(t, zone) for t in mine.values_list("scheduled_for", flat=True)],
            [governance.local_date(t, zone) for t in nps.values_list("scheduled_for", flat=True)],
            policy,
        )
    return governance.ALLOWED


def invitation_verdict(
    *, campaign: Campaign, contact: Contact, occasion: str, when: datetime
) -> governance.Verdict:
    """What governance would decide for `contact` now, without locking or writing: for the
    launch preview. The decision that counts is taken again under the lock when scheduling."""
    if contact.firm_id != campaign.firm_id:
        raise ValidationError({"contact": "This contact belongs to another firm."})
    return _verdict(
        campaign=campaign, client=contact.client, contact=contact, occasion=occasion, when=when
    )


def skip_record(
    *,
    campaign: Campaign,
    contact: Contact,
    occasion: str,
    reason: str,
    detail: str = "",
    wanted_at: datetime,
    invitation: Invitation | None = None,
    retry_after: datetime | None = None,
) -> SkippedInvitation:
    """Record (or refresh) why `contact` was not invited for `occasion`. Idempotent: one row per
    (campaign, contact, occasion), holding the latest reason and when (if ever) to ask again."""
    skip, _ = SkippedInvitation.objects.update_or_create(
        campaign=campaign,
        contact=contact,
        occasion=occasion,
        defaults={
            "firm_id": campaign.firm_id,
            "client_id": contact.client_id,
            "kind": campaign.kind,
            "reason": reason,
            "detail": detail[:300],
            "wanted_at": wanted_at,
            "invitation": invitation,
            "retry_after": retry_after,
        },
    )
    return skip


def _retry_after(
    *, campaign: Campaign, verdict: governance.Verdict, when: datetime
) -> datetime | None:
    # A relationship NPS wave is the client's only chance for months: a quiet period defers it
    # (to the same firm-local time on the day after) instead of losing it. A CSAT is about the
    # touchpoint that just happened, so asking weeks later would be noise: it is dropped.
    if campaign.kind != SurveyKind.NPS or verdict.resume_on is None:
        return None
    zone = governance.firm_zone(campaign.firm.timezone)
    return governance.local_moment_on(verdict.resume_on, when, zone)


@transaction.atomic
def invitation_schedule(
    *,
    campaign: Campaign,
    contact: Contact,
    occasion: str,
    scheduled_for: datetime | None = None,
    engagement: Engagement | None = None,
    touchpoint: Touchpoint | None = None,
) -> ScheduleResult:
    """Create the invitation of `contact` for `occasion` if governance allows, else record why not.

    Idempotent: the same (campaign, contact, occasion) returns the existing invitation.
    Locks the contact's Client row for the whole check-and-create, so concurrent callers for
    the same client organisation can never together break a rule.
    """
    if contact.firm_id != campaign.firm_id:
        raise ValidationError({"contact": "This contact belongs to another firm."})
    for name, obj in (("engagement", engagement), ("touchpoint", touchpoint)):
        if obj is not None and obj.firm_id != campaign.firm_id:
            raise ValidationError({name: f"This {name} belongs to another firm."})
    when = scheduled_for or timezone.now()
    client = Client.objects.select_for_update().get(pk=contact.client_id)
    # Re-read under the lock: an opt-out committed a moment ago must win.
    contact = Contact.objects.get(pk=contact.pk)
    existing = Invitation.objects.filter(
        campaign=campaign, contact=contact, occasion=occasion
    ).first()
    if existing is not None:
        return ScheduleResult(invitation=existing, skip=None, created=False)
    verdict = _verdict(
        campaign=campaign, client=client, contact=contact, occasion=occasion, when=when
    )
    if not verdict.allowed:
        skip = skip_record(
            campaign=campaign,
            contact=contact,
            occasion=occasion,
            reason=verdict.reason,
            detail=verdict.detail,
            wanted_at=when,
            retry_after=_retry_after(campaign=campaign, verdict=verdict, when=when),
        )
        return ScheduleResult(invitation=None, skip=skip, created=False)
    invitation = Invitation.objects.create(
        firm_id=campaign.firm_id,
        campaign=campaign,
        client=client,
        contact=contact,
        engagement=engagement,
        touchpoint=touchpoint or campaign.touchpoint,
        kind=campaign.kind,
        occasion=occasion,
        scheduled_for=when,
    )
    SkippedInvitation.objects.filter(campaign=campaign, contact=contact, occasion=occasion).delete()
    return ScheduleResult(invitation=invitation, skip=None, created=True)


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, reason: str, detail: str = "") -> bool:
    """Cancel a not-yet-sent invitation and record why. Guarded UPDATE: returns False (and
    changes nothing) if it was already claimed for sending, sent or cancelled."""
    cancelled = Invitation.objects.filter(
        pk=invitation.pk, status=Invitation.Status.SCHEDULED
    ).update(status=Invitation.Status.CANCELLED)
    if cancelled:
        skip_record(
            campaign=invitation.campaign,
            contact=invitation.contact,
            occasion=invitation.occasion,
            reason=reason,
            detail=detail,
            wanted_at=invitation.scheduled_for,
            invitation=invitation,
        )
    return bool(cancelled)


@transaction.atomic
def skip_retry(*, skip_id: int, now: datetime) -> ScheduleResult | None:
    """Ask again, at `now`, for a deferred skip whose `retry_after` has come: the full
    governance runs again (the quiet period may have been extended, the contact may have opted
    out, another wave may have gone out meanwhile), and a new refusal is recorded in its place.

    Locks the Client row, then claims the skip with a guarded UPDATE, so concurrent runs retry
    it once. Returns None (and changes nothing) when it is missing, not due or taken.
    """
    skip = (
        SkippedInvitation.objects.select_related("campaign__firm", "contact")
        .filter(pk=skip_id, retry_after__lte=now)
        .first()
    )
    if skip is None:
        return None
    Client.objects.select_for_update().get(pk=skip.client_id)
    claimed = SkippedInvitation.objects.filter(pk=skip.pk, retry_after=skip.retry_after).update(
        retry_after=None
    )
    if not claimed:
        return None
    return invitation_schedule(
        campaign=skip.campaign, contact=skip.contact, occasion=skip.occasion, scheduled_for=now
    )
