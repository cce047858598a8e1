"""A firm's saved reply texts: writes (admins only, audited), reads, and rendering for a case.

Placeholders are `{name}` fields from PLACEHOLDERS; anything else in braces is refused when the
template is saved, so rendering a saved template never fails. Values are plain text: the reply
is a plain-text email and the case timeline escapes it like any other body."""

import string

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from feedback.models import Case, Member, ReplyTemplate, Role
from feedback.services import audit_record

PLACEHOLDERS = {
    "contact_first_name": "the client contact's first name",
    "contact_name": "the client contact's full name",
    "client_name": "the client organisation",
    "firm_name": "your firm's name",
    "member_name": "your name",
    "member_first_name": "your first name",
}
MAX_BODY = 20_000


def reply_template_list(*, firm_id: int) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(firm_id=firm_id).order_by("name")


def reply_template_get(*, firm_id: int, pk: int) -> ReplyTemplate | None:
    """Another firm's template is None, like a missing one."""
    return ReplyTemplate.objects.filter(firm_id=firm_id, pk=pk).first()


def _placeholders_check(body: str) -> None:
    try:
        parsed = [p for p in string.Formatter().parse(body) if p[1] is not None]
    except ValueError as exc:
        raise ValidationError({"body": "Unbalanced braces: write placeholders as {name}."}) from exc
    if any(spec or conversion for _, _, spec, conversion in parsed):
        raise ValidationError({"body": "Write placeholders as plain {name}, without formats."})
    fields = {field or "" for _, field, _, _ in parsed}
    unknown = sorted(fields - set(PLACEHOLDERS))
    if unknown:
        known = ", ".join(PLACEHOLDERS)
        raise ValidationError(
            {"body": f"Unknown placeholder(s): {', '.join(unknown)}. Use {known}."}
        )


def _require_admin(member: Member) -> None:
    if member.role != Role.ADMIN:
        raise PermissionDenied("Only admins can edit reply templates.")


@transaction.atomic
def reply_template_save(
    *, member: Member, name: str, body: str, template: ReplyTemplate | None = None
) -> ReplyTemplate:
    """Create (template=None) or update one of the member's firm's templates. Admins only;
    names are unique per firm; the body's placeholders must be known ones."""
    _require_admin(member)
    if template is not None and template.firm_id != member.firm_id:
        raise PermissionDenied("Not your firm's template.")
    name, body = (name or "").strip(), (body or "").strip()
    if not body:
        raise ValidationError({"body": "This field may not be blank."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"At most {MAX_BODY} characters."})
    _placeholders_check(body)
    template = template or ReplyTemplate(firm_id=member.firm_id)
    template.name, template.body = name, body
    template.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "A template of that name exists."}) from exc
    audit_record(firm=member.firm, action="reply_template.saved", obj=template, actor=member.user)
    return template


@transaction.atomic
def reply_template_delete(*, member: Member, template: ReplyTemplate) -> None:
    _require_admin(member)
    if template.firm_id != member.firm_id:
        raise PermissionDenied("Not your firm's template.")
    audit_record(
        firm=member.firm,
        action="reply_template.deleted",
        obj=template,
        actor=member.user,
        data={"name": template.name},
    )
    template.delete()


def reply_template_render(*, template: ReplyTemplate, case: Case, member: Member) -> str:
    """The template's text for this case and the member who replies."""
    contact = case.feedback.contact
    contact_name = (contact.name if contact else "") or ""
    user = member.user
    member_name = user.get_full_name() or user.get_username()
    values = {
        "contact_first_name": contact_name.split(" ")[0] if contact_name else "there",
        "contact_name": contact_name or "there",
        "client_name": str(case.client) if case.client else "",
        "firm_name": case.firm.name,
        "member_name": member_name,
        "member_first_name": user.first_name or member_name,
    }
    return string.Formatter().vformat(template.body, (), values)
