"""Small pieces every channel service shares."""

from typing import Any

from feedback.models import Source
from listening.models import SkippedItem


def json_safe(value: Any) -> Any:
    """A copy of `value` that PostgreSQL's jsonb accepts: NUL characters removed (jsonb rejects
    \\u0000), bytes decoded, unknown objects stringified."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").replace("\x00", "")
    if isinstance(value, dict):
        return {json_safe(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return json_safe(str(value))


def skipped_record(
    *,
    source: Source | None,
    external_id: str,
    reason: str,
    detail: str = "",
    sender: str = "",
    subject: str = "",
    raw: dict | None = None,
) -> tuple[SkippedItem, bool]:
    """Record something received that did not become Feedback. Idempotent per
    (source, external_id): a replay returns the existing row with created=False."""
    return SkippedItem.objects.get_or_create(
        source=source,
        external_id=json_safe(external_id)[:255],
        defaults={
            "firm_id": source.firm_id if source else None,
            "reason": reason,
            "detail": json_safe(detail),
            "sender": json_safe(sender)[:254],
            "subject": json_safe(subject)[:500],
            "raw": json_safe(raw or {}),
        },
    )
