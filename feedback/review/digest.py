"""The weekly digest email per account manager: what their clients said, and what is open."""

from datetime import date, datetime, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from feedback.models import Case, CaseStatus, DigestLog, Feedback, Member, Role, Sentiment
from feedback.topics.selectors import TopicRow, topics_emerging


def digest_context(*, member: Member, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    since = now - timedelta(days=7)
    heard = Feedback.objects.filter(
        firm_id=member.firm_id, client__account_managers=member, received_at__gte=since
    ).aggregate(
        total=Count("id"),
        negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
        positive=Count("id", filter=Q(sentiment=Sentiment.POSITIVE)),
    )
    open_cases = Case.objects.filter(owner=member).exclude(status=CaseStatus.RESOLVED)
    return {
        **heard,
        "emerging": topics_emerging(firm=member.firm, member=member, now=now),
        "open_cases": open_cases.count(),
        "overdue_cases": open_cases.filter(due_at__lt=now).count(),
        "opened_this_week": Case.objects.filter(owner=member, opened_at__gte=since).count(),
    }


def _emerging_lines(rows: list[TopicRow]) -> str:
    if not rows:
        return ""
    lines = [
        f"- {r.topic.label}: {r.emergence.count} comments in {r.period_days} days"
        f" ({r.emergence.expected:.1f} expected)"
        for r in rows
    ]
    return "\nEmerging topics among your clients:\n" + "\n".join(lines) + "\n"


def digest_send(*, member: Member, week_start: date) -> bool:
    """Send one member's digest for a week, at most once (DigestLog's unique row is written in
    the same transaction as the send). Returns False if already sent or no email address."""
    if not member.user.email:
        return False
    ctx = digest_context(member=member)
    try:
        with transaction.atomic():
            DigestLog.objects.create(member=member, week_start=week_start)
            send_mail(
                subject=f"Earshot weekly digest: week of {week_start:%d %b %Y}",
                message=(
                    f"Hello {member.user.get_short_name() or member.user.username},\n\n"
                    f"Your clients spoke to us {ctx['total']} times this week "
                    f"({ctx['negative']} negative, {ctx['positive']} positive).\n"
                    f"Cases opened this week: {ctx['opened_this_week']}. "
                    f"Open: {ctx['open_cases']}, overdue: {ctx['overdue_cases']}.\n"
                    + _emerging_lines(ctx["emerging"])
                ),
                from_email=None,
                recipient_list=[member.user.email],
            )
    except IntegrityError:
        return False
    return True


def digests_send(*, today: date | None = None) -> int:
    """Send this week's digest to every account manager who has not had it. Idempotent."""
    today = today or timezone.localdate()
    week_start = today - timedelta(days=today.weekday())
    members = Member.objects.filter(role=Role.ACCOUNT_MANAGER).select_related("user")
    return sum(digest_send(member=m, week_start=week_start) for m in members)
