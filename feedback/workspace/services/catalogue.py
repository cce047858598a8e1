"""Brand promises and touchpoints: what a firm's feedback is read against."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from feedback.models import BrandPromise, Firm, Touchpoint
from feedback.reanalysis import feedback_reanalyse
from feedback.services import audit_record
from feedback.workspace.services import Actor

# How far back "re-analyse recent items" reaches after a promise changed.
REANALYSE_DAYS = 90
EXAMPLES_MAX = 50


def examples_parse(text: str) -> list[str]:
    """One example phrase per line: stripped, blank lines and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        phrase = " ".join(line.split())[:300]
        if phrase:
            seen.setdefault(phrase, None)
    return list(seen)[:EXAMPLES_MAX]


def _save(obj: Any, *, firm: Firm, action: str, actor: Actor) -> None:
    obj.full_clean()
    obj.save()
    audit_record(firm=firm, action=action, obj=obj, actor=actor)


@transaction.atomic
def promise_create(
    *,
    firm: Firm,
    name: str,
    description: str = "",
    examples: list[str] | None = None,
    active: bool = True,
    actor: Actor = None,
) -> BrandPromise:
    """A new promise. The NLP worker reads promises for every batch, so new comments are matched
    against it from the next batch on."""
    promise = BrandPromise(
        firm=firm,
        name=name.strip(),
        description=description.strip(),
        examples=examples or [],
        active=active,
    )
    _save(promise, firm=firm, action="brand_promise.created", actor=actor)
    return promise


@transaction.atomic
def promise_update(*, promise: BrandPromise, actor: Actor = None, **fields: Any) -> BrandPromise:
    """Change a promise's name, description, examples or active flag (only those keys)."""
    allowed = {"name", "description", "examples", "active"}
    unknown = set(fields) - allowed
    assert not unknown, unknown
    for field, value in fields.items():
        setattr(promise, field, value.strip() if isinstance(value, str) else value)
    _save(promise, firm=promise.firm, action="brand_promise.updated", actor=actor)
    return promise


@transaction.atomic
def promise_reanalyse_recent(
    *, promise: BrandPromise, actor: Actor = None, days: int = REANALYSE_DAYS
) -> int:
    """Queue the firm's comments of the last `days` for analysis again, so a changed promise is
    applied to them too (new comments pick it up by themselves). Returns how many were queued."""
    since = timezone.now() - timedelta(days=days)
    queued = feedback_reanalyse(firm=promise.firm, since=since)
    audit_record(
        firm=promise.firm,
        action="brand_promise.reanalysed",
        obj=promise,
        actor=actor,
        data={"days": days, "queued": queued},
    )
    return queued


def _slug_free(firm: Firm, name: str) -> str:
    base = slugify(name)[:50] or "touchpoint"
    taken = set(
        Touchpoint.objects.filter(firm=firm, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def touchpoint_create(*, firm: Firm, name: str, order: int = 0, actor: Actor = None) -> Touchpoint:
    """A new journey stage with a slug derived from its name (unique in the firm)."""
    touchpoint = Touchpoint(firm=firm, name=name.strip(), slug=_slug_free(firm, name), order=order)
    _save(touchpoint, firm=firm, action="touchpoint.created", actor=actor)
    return touchpoint


@transaction.atomic
def touchpoint_update(*, touchpoint: Touchpoint, actor: Actor = None, **fields: Any) -> Touchpoint:
    """Rename, reorder or (de)activate a touchpoint. The slug stays: imports and surveys use it."""
    unknown = set(fields) - {"name", "order", "active"}
    assert not unknown, unknown
    for field, value in fields.items():
        setattr(touchpoint, field, value.strip() if isinstance(value, str) else value)
    _save(touchpoint, firm=touchpoint.firm, action="touchpoint.updated", actor=actor)
    return touchpoint
