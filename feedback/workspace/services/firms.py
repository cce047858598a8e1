"""A new firm and its first admin, as an operator creates them (`manage.py firm_create`): from
there the admin sets everything else up on the settings pages, never in Django admin."""

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.models import Firm, Member, Role
from feedback.services import audit_record
from feedback.workspace.services.members import member_invite


@transaction.atomic
def firm_create(*, name: str, slug: str, admin_email: str, admin_name: str = "") -> Member:
    """Create the firm and its first admin (a user with no password yet: they set one from the
    invitation link, see `member_invite_send`). Returns the admin's membership."""
    if Firm.objects.filter(slug__iexact=slug.strip()).exists():
        raise ValidationError({"slug": "A firm with this slug already exists."})
    firm = Firm(name=name.strip(), slug=slug.strip().lower())
    firm.full_clean()
    firm.save()
    admin = member_invite(firm=firm, email=admin_email, name=admin_name, role=Role.ADMIN)
    audit_record(firm=firm, action="firm.created", obj=firm, data={"admin": admin.user.email})
    return admin
