"""Reads of the listening settings pages, scoped to the admin's firm."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from feedback.metrics import (
    Summary,
    ces_summary,
    csat_summary,
    nps_summary,
    review_rating_summary,
)
from feedback.models import Channel, Firm, Source
from listening.campaigns import selectors as campaign_selectors
from listening.campaigns.models import (
    SCORE_RANGE,
    Campaign,
    Invitation,
    Response,
    SkippedInvitation,
    SkipReason,
    SurveyKind,
)
from listening.campaigns.services.invitations import invitation_verdict
from listening.campaigns.services.launch import wave_occasion

PREVIEW_LIST_LIMIT = 200


def source_list(*, firm: Firm) -> QuerySet[Source]:
    """The firm's sources with what their status line needs (one query)."""
    return (
        Source.objects.filter(firm=firm)
        .select_related("poll_state", "imap_mailbox")
        .order_by("channel", "name", "pk")
    )


def source_get(*, firm: Firm, pk: int, channel: str | None = None) -> Source:
    """Raises Source.DoesNotExist for another firm's source, exactly as for a missing one."""
    qs = Source.objects.filter(firm=firm)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.select_related("firm").get(pk=pk)


def form_sources(*, firm: Firm) -> QuerySet[Source]:
    return Source.objects.filter(firm=firm, channel=Channel.FORM).order_by("name")


@dataclass
class SkipPreview:
    contact_name: str
    contact_email: str
    client_name: str
    reason: str
    detail: str


@dataclass
class GovernancePreview:
    """What launching a wave at `when` would do, decided as the scheduler would (read-only)."""

    when: datetime
    recipients: int = 0
    invited: int = 0
    already: int = 0
    skipped: Counter = field(default_factory=Counter)
    skips: list[SkipPreview] = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def skipped_by_reason(self) -> list[tuple[str, int]]:
        return [(SkipReason(reason).label, n) for reason, n in self.skipped.most_common()]


def governance_preview(*, campaign: Campaign, when: datetime | None = None) -> GovernancePreview:
    """Who a wave at `when` would invite and who governance would skip, and why. The real
    decisions are taken again, under the client lock, when the wave is launched."""
    when = when or timezone.now()
    occasion = wave_occasion(campaign=campaign, when=when)
    preview = GovernancePreview(when=when)
    invited_already = set(
        Invitation.objects.filter(campaign=campaign, occasion=occasion).values_list(
            "contact_id", flat=True
        )
    )
    recipients = campaign_selectors.campaign_recipients(campaign=campaign).select_related("client")
    for contact in recipients:
        preview.recipients += 1
        if contact.pk in invited_already:
            preview.already += 1
            continue
        verdict = invitation_verdict(
            campaign=campaign, contact=contact, occasion=occasion, when=when
        )
        if verdict.allowed:
            preview.invited += 1
            continue
        preview.skipped[verdict.reason] += 1
        if len(preview.skips) < PREVIEW_LIST_LIMIT:
            preview.skips.append(
                SkipPreview(
                    contact.name,
                    contact.email,
                    contact.client.name,
                    SkipReason(verdict.reason).label,
                    verdict.detail,
                )
            )
    return preview


@dataclass
class CampaignResults:
    campaign: Campaign
    counts: dict[str, int]
    sent: int
    answered: int
    response_rate: float | None
    score: Summary
    distribution: list[tuple[int, int]]
    comments: QuerySet[Response]
    skips: QuerySet[SkippedInvitation]


_SCORE_SUMMARY = {
    SurveyKind.NPS: nps_summary,
    SurveyKind.CSAT: csat_summary,
    SurveyKind.CES: ces_summary,
    SurveyKind.REVIEW: review_rating_summary,
}


def campaign_results(*, campaign: Campaign) -> CampaignResults:
    """Sent, answered, response rate, the score with its n and 95% margin (the dashboard's own
    metric, on this campaign's answers), the score distribution, comments and skips."""
    counts = campaign_selectors.campaign_invitation_counts(campaign=campaign)
    invitations = Invitation.objects.filter(campaign=campaign, sent_at__isnull=False)
    sent = invitations.count()
    answered = invitations.filter(responded_at__isnull=False).count()
    responses = Response.objects.filter(invitation__campaign=campaign)
    by_score = dict(responses.values_list("score").annotate(n=Count("pk")).order_by())
    low, high = SCORE_RANGE[campaign.kind]
    score = _SCORE_SUMMARY[SurveyKind(campaign.kind)](firm=campaign.firm, campaign_id=campaign.pk)
    return CampaignResults(
        campaign=campaign,
        counts=counts,
        sent=sent,
        answered=answered,
        response_rate=round(100 * answered / sent, 1) if sent else None,
        score=score,
        distribution=[(n, by_score.get(n, 0)) for n in range(low, high + 1)],
        comments=responses.exclude(comment="")
        .select_related("invitation__contact", "invitation__client")
        .order_by("-submitted_at")[:200],
        skips=campaign.skips.select_related("contact", "client").order_by("-created_at")[:200],
    )
