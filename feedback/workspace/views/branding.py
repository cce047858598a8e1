"""The branding settings page (admins), and the uploaded logo as client pages load it (public:
the portal, surveys, the web form and the unsubscribe page show it to signed-out clients)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from feedback.access import MemberRequest
from feedback.models import Firm
from feedback.workspace.forms import BrandingForm
from feedback.workspace.services.branding import CONTENT_TYPES, firm_branding_update
from feedback.workspace.views.common import admin_required, form_render, validation_to_form


@require_http_methods(["GET", "POST"])
@admin_required
def branding(request: MemberRequest) -> HttpResponse:
    firm = request.member.firm
    initial = {"name": firm.name, "primary_colour": firm.primary_colour}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            firm_branding_update(firm=firm, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            firm.refresh_from_db()
            validation_to_form(form, exc)
        else:
            messages.success(request, "Saved the branding of your client pages.")
            return redirect("workspace:branding")
    return form_render(
        request,
        form,
        title="Branding of client pages",
        back=reverse("workspace:index"),
        template="feedback/workspace/branding.html",
        logo_src=firm.logo_src,
        member=request.member,
    )


@require_GET
def logo(request: HttpRequest, slug: str, name: str) -> FileResponse:
    """The firm's uploaded logo. The address names the file's content hash, so it may be kept
    by browsers for a long time; an old address (a replaced logo) is a 404."""
    firm = get_object_or_404(Firm, slug=slug)
    if not firm.logo or firm.logo.name.rsplit("/", 1)[-1] != name:
        raise Http404("No such logo.")
    kind = name.rsplit(".", 1)[-1]
    response = FileResponse(firm.logo.open("rb"), content_type=CONTENT_TYPES.get(kind))
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
