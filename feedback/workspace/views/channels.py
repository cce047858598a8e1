"""Settings pages: notification channels (the firm's webhook endpoints)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest
from feedback.models import WebhookEndpoint
from feedback.workspace import selectors
from feedback.workspace.forms import WebhookForm
from feedback.workspace.services import channels as service
from feedback.workspace.views.common import admin_required, validation_to_form


@require_http_methods(["GET", "POST"])
@admin_required
def channels(request: MemberRequest) -> HttpResponse:
    """The list and the form to add one; a new endpoint's secret is shown on this response
    only."""
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = service.webhook_endpoint_create(
                firm=request.member.firm, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            validation_to_form(form, exc)
        else:
            form = WebhookForm()
    return render(
        request,
        "feedback/workspace/channels.html",
        {
            "form": form,
            "created": created,
            "endpoints": selectors.webhook_endpoint_list(firm_id=request.member.firm_id),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
def channel_test(request: MemberRequest, pk: int) -> HttpResponse:
    endpoint = selectors.firm_object_get(WebhookEndpoint, firm_id=request.member.firm_id, pk=pk)
    try:
        delivery = service.webhook_endpoint_test(endpoint=endpoint, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if delivery.status == delivery.Status.DELIVERED:
            messages.success(
                request, f"Test sent: {endpoint.url} answered {delivery.last_status_code}."
            )
        else:
            messages.error(request, f"Test failed: {delivery.last_error or delivery.status}.")
    return redirect("workspace:channels")


@require_POST
@admin_required
def channel_disable(request: MemberRequest, pk: int) -> HttpResponse:
    endpoint = selectors.firm_object_get(WebhookEndpoint, firm_id=request.member.firm_id, pk=pk)
    service.webhook_endpoint_disable(endpoint=endpoint, actor=request.user)
    messages.success(request, f"Stopped sending to {endpoint.url}.")
    return redirect("workspace:channels")
