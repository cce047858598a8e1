"""Admin-only staff pages: the firm's privacy settings (with the retention dry run), a contact's
data export (ZIP download) and erasure (typed confirmation)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest, member_required
from feedback.models import Contact, Firm, Role
from feedback.privacy import selectors, services


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = Firm
        fields = ["pii_redaction", "retention_months"]
        labels = {
            "pii_redaction": "Redaction of personal data",
            "retention_months": "Retention period (months)",
        }
        widgets = {
            "pii_redaction": forms.Select(attrs={"class": "form-select"}),
            "retention_months": forms.NumberInput(attrs={"class": "form-control", "min": 1}),
        }


def _admin_only(request: MemberRequest) -> HttpResponse | None:
    if request.member.role != Role.ADMIN:
        return HttpResponse("Only admins manage privacy.", status=403)
    return None


def _contact(request: MemberRequest, pk: int) -> Contact:
    contact = selectors.contact_get(firm_id=request.member.firm_id, pk=pk)
    if contact is None:
        raise Http404("No such contact.")
    return contact


@require_http_methods(["GET", "POST"])
@member_required
def privacy_settings(request: MemberRequest) -> HttpResponse:
    if denied := _admin_only(request):
        return denied
    firm = request.member.firm
    form = PrivacySettingsForm(request.POST or None, instance=firm)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.firm_privacy_update(
                    firm=firm,
                    member=request.member,
                    pii_redaction=form.cleaned_data["pii_redaction"],
                    retention_months=form.cleaned_data["retention_months"],
                )
                return redirect("privacy:settings")
            except ValidationError as exc:
                form.add_error(None, exc)
        status = 400
        firm.refresh_from_db()
    context = {
        "form": form,
        "cutoff": selectors.retention_cutoff(firm=firm),
        "due": selectors.retention_due(firm=firm).count(),
        "q": request.GET.get("q", ""),
        "contacts": selectors.contact_list(
            firm_id=firm.pk, q=request.GET.get("q", "").strip()[:200]
        ),
    }
    return render(request, "feedback/privacy/settings.html", context, status=status)


@member_required  # before the method check: a stranger is sent to sign in, whatever the method
@require_http_methods(["GET"])
def contact_detail(request: MemberRequest, pk: int) -> HttpResponse:
    if denied := _admin_only(request):
        return denied
    contact = _contact(request, pk)
    items = selectors.contact_feedback(contact=contact).count()
    return render(
        request,
        "feedback/privacy/contact.html",
        {"contact": contact, "items": items, "error": request.GET.get("error") == "confirm"},
    )


@require_POST
@member_required
def contact_export_download(request: MemberRequest, pk: int) -> HttpResponse:
    if denied := _admin_only(request):
        return denied
    data = services.contact_export(contact=_contact(request, pk), member=request.member)
    response = HttpResponse(services.contact_export_zip(data=data), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="contact-{pk}-export.zip"'
    return response


@require_POST
@member_required
def contact_erase_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    if denied := _admin_only(request):
        return denied
    contact = _contact(request, pk)
    try:
        services.contact_erase(
            contact=contact, member=request.member, confirm=request.POST.get("confirm", "")
        )
    except ValidationError:
        return render(
            request,
            "feedback/privacy/contact.html",
            {
                "contact": contact,
                "items": selectors.contact_feedback(contact=contact).count(),
                "error": True,
            },
            status=400,
        )
    return redirect("privacy:contact", pk=pk)
