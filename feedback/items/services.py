"""Writes of the feedback explorer: saved views."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict

from feedback.items.filters import PARAMS
from feedback.models import Member, Role, SavedView


def saved_view_query(params: QueryDict) -> str:
    """The explorer's own parameters of a query string, non-empty ones only, in contract order
    (page numbers and anything else are not part of a view)."""
    kept = [(name, params.get(name, "").strip()) for name in PARAMS]
    return urlencode([(name, value) for name, value in kept if value])


@transaction.atomic
def saved_view_create(*, member: Member, name: str, params: QueryDict, shared: bool) -> SavedView:
    """Saves (or, under a name the member already used, replaces) the member's filter set."""
    name = " ".join(name.split())
    view = SavedView.objects.filter(owner=member, name=name).first() or SavedView(
        firm_id=member.firm_id, owner=member, name=name
    )
    view.query = saved_view_query(params)
    view.shared = shared
    view.full_clean()
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, member: Member, view: SavedView) -> None:
    """Its owner deletes a view; an admin may also delete a view shared with the firm."""
    if view.firm_id != member.firm_id:
        raise ValidationError("No such view.")
    if view.owner_id != member.pk and not (view.shared and member.role == Role.ADMIN):
        raise PermissionDenied
    view.delete()
