"""Domain events published as webhooks (feedback.created, feedback.analysed) and the payloads
of feedback and cases they carry."""

from django.db import transaction

from feedback.models import Case, Feedback, WebhookEndpoint
from feedback.webhooks import webhook_event_emit


def feedback_payload(feedback: Feedback) -> dict:
    return {
        "id": feedback.pk,
        "channel": feedback.channel,
        "source_id": feedback.source_id,
        "external_id": feedback.external_id,
        "client_id": feedback.client_id,
        "contact_id": feedback.contact_id,
        "touchpoint_id": feedback.touchpoint_id,
        "text": feedback.text,
        "rating": feedback.rating,
        "rating_scale": feedback.rating_scale,
        "received_at": feedback.received_at.isoformat(),
        "sentiment": feedback.sentiment,
        "sentiment_value": feedback.sentiment_value,
    }


def case_payload(case: Case) -> dict:
    return {
        "id": case.pk,
        "feedback_id": case.feedback_id,
        "client_id": case.client_id,
        "owner_id": case.owner_id,
        "status": case.status,
        "priority": case.priority,
        "outcome": case.outcome,
        "due_at": case.due_at.isoformat(),
        "reasons": case.reasons,
    }


def _firms_with_endpoints(firm_ids: set[int]) -> set[int]:
    return set(
        WebhookEndpoint.objects.filter(firm_id__in=firm_ids, active=True).values_list(
            "firm_id", flat=True
        )
    )


@transaction.atomic
def feedback_analysed_emit(*, feedback_ids: list[int]) -> int:
    """Emit `feedback.created` (once ever) and `feedback.analysed` once per (feedback, analysed
    text and sentiment): a re-run of the same analysis is deduplicated by its event id, a
    re-analysis that changed it is not."""
    items = list(Feedback.objects.filter(pk__in=feedback_ids).select_related("firm"))
    wanted = _firms_with_endpoints({f.firm_id for f in items})
    created = 0
    for feedback in items:
        if feedback.firm_id not in wanted:
            continue
        # Channels other than our API publish nothing at ingest; feedback.created goes out here
        # at the latest, deduplicated with the API's own emission by its event id.
        created += webhook_event_emit(
            firm=feedback.firm,
            event="feedback.created",
            event_id=f"feedback.created:{feedback.pk}",
            payload=feedback_payload(feedback),
        )
        event_id = (
            f"feedback.analysed:{feedback.pk}:{feedback.text_hash[:16]}:"
            f"{feedback.sentiment}:{feedback.sentiment_value}"
        )
        created += webhook_event_emit(
            firm=feedback.firm,
            event="feedback.analysed",
            event_id=event_id,
            payload=feedback_payload(feedback),
        )
    return created


def feedback_created_emit(*, feedback: Feedback) -> int:
    if feedback.firm_id not in _firms_with_endpoints({feedback.firm_id}):
        return 0
    return webhook_event_emit(
        firm=feedback.firm,
        event="feedback.created",
        event_id=f"feedback.created:{feedback.pk}",
        payload=feedback_payload(feedback),
    )
