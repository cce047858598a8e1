"""Settings pages: clients, contacts and engagements (lists with search, create, edit)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from feedback.access import MemberRequest
from feedback.models import Client, Contact, Engagement
from feedback.workspace import selectors
from feedback.workspace.forms import ClientForm, ContactForm, EngagementForm
from feedback.workspace.services import people
from feedback.workspace.views.common import (
    admin_required,
    can_edit,
    form_render,
    reader_required,
    validation_to_form,
)


def _list(request: MemberRequest, template: str, name: str, rows: Any) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        f"feedback/workspace/{template}",
        {name: rows(firm_id=request.member.firm_id, q=q), "q": q, "can_edit": can_edit(request)},
    )


@reader_required
def clients(request: MemberRequest) -> HttpResponse:
    return _list(request, "clients.html", "clients", selectors.client_list)


@reader_required
def contacts(request: MemberRequest) -> HttpResponse:
    return _list(request, "contacts.html", "contacts", selectors.contact_list)


@reader_required
def engagements(request: MemberRequest) -> HttpResponse:
    return _list(request, "engagements.html", "engagements", selectors.engagement_list)


def _edit(
    request: MemberRequest,
    *,
    form: forms.ModelForm,
    obj: Any,
    create: Any,
    update: Any,
    noun: str,
    back: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "account_managers" in data:
            data["account_managers"] = list(data["account_managers"])
        try:
            if obj is None:
                obj = create(firm=request.member.firm, actor=request.user, **data)
            else:
                update(obj, actor=request.user, **data)
        except ValidationError as exc:
            validation_to_form(form, exc)
        else:
            messages.success(request, f"Saved {noun} “{obj}”.")
            return redirect(back)
    title = f"Edit {obj}" if obj is not None else f"New {noun}"
    return form_render(request, form, title=title, back=back)


@require_http_methods(["GET", "POST"])
@admin_required
def client_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm_id = request.member.firm_id
    client = selectors.firm_object_get(Client, firm_id=firm_id, pk=pk) if pk else None
    form = ClientForm(request.POST or None, instance=client, firm_id=firm_id)
    return _edit(
        request,
        form=form,
        obj=client,
        create=people.client_create,
        update=lambda obj, **kw: people.client_update(client=obj, **kw),
        noun="client",
        back=reverse("workspace:clients"),
    )


@require_http_methods(["GET", "POST"])
@admin_required
def contact_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm_id = request.member.firm_id
    contact = selectors.firm_object_get(Contact, firm_id=firm_id, pk=pk) if pk else None
    form = ContactForm(request.POST or None, instance=contact, firm_id=firm_id)
    return _edit(
        request,
        form=form,
        obj=contact,
        create=people.contact_create,
        update=lambda obj, **kw: people.contact_update(contact=obj, **kw),
        noun="contact",
        back=reverse("workspace:contacts"),
    )


@require_http_methods(["GET", "POST"])
@admin_required
def engagement_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm_id = request.member.firm_id
    engagement = selectors.firm_object_get(Engagement, firm_id=firm_id, pk=pk) if pk else None
    form = EngagementForm(request.POST or None, instance=engagement, firm_id=firm_id)
    return _edit(
        request,
        form=form,
        obj=engagement,
        create=people.engagement_create,
        update=lambda obj, **kw: people.engagement_update(engagement=obj, **kw),
        noun="engagement",
        back=reverse("workspace:engagements"),
    )
