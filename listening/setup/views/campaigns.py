"""Survey campaigns: the builder, the previews, the governance summary and launch, the results;
and the firm's survey policy. Admins only; another firm's campaign is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback.access import MemberRequest
from listening.campaigns import governance
from listening.campaigns import selectors as campaign_selectors
from listening.campaigns.models import Campaign, SurveyKind
from listening.setup import previews, selectors, services
from listening.setup.access import admin_required
from listening.setup.forms import CampaignForm, LaunchForm, PolicyForm
from listening.setup.views.sources import _errors_to_form

LAUNCHABLE = (SurveyKind.NPS, SurveyKind.REVIEW)


def _campaign(request: MemberRequest, pk: int) -> Campaign:
    try:
        return campaign_selectors.campaign_get(firm_id=request.member.firm_id, pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


@admin_required
@require_GET
def campaign_list(request: MemberRequest) -> HttpResponse:
    campaigns = campaign_selectors.campaign_list(firm_id=request.member.firm_id)
    return render(request, "listening/setup/campaigns.html", {"campaigns": campaigns})


@require_http_methods(["GET", "POST"])
@admin_required
def campaign_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm = request.member.firm
    campaign = _campaign(request, pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign, firm=firm)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CampaignForm.Meta.fields}
        try:
            campaign = services.campaign_save(firm=firm, data=fields, campaign=campaign)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Campaign “{campaign.name}” saved. Preview it below.")
            return redirect("listening_setup:campaign_preview", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "campaign": campaign}
    return render(request, "listening/setup/campaign_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def campaign_preview(request: MemberRequest, pk: int) -> HttpResponse:
    """Previews, the governance summary for the chosen send time, and the launch button."""
    campaign = _campaign(request, pk)
    launchable = campaign.kind in LAUNCHABLE
    zone = governance.firm_zone(campaign.firm.timezone)
    with timezone.override(zone):
        form = LaunchForm(request.POST or None)
        valid = form.is_valid()
    when = timezone.now()
    if valid and form.cleaned_data["when"] == "at":
        when = form.cleaned_data["send_at"]
    if request.method == "POST" and valid and launchable and request.POST.get("launch"):
        try:
            services.campaign_launch_request(campaign=campaign, when=when)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                f"Launch of “{campaign.name}” queued for {when.astimezone(zone):%Y-%m-%d %H:%M}. "
                "Invitations appear below as they are scheduled.",
            )
            return redirect("listening_setup:campaign_results", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "form": form,
        "launchable": launchable,
        "subject": previews.email_subject(campaign),
        "preview": selectors.governance_preview(campaign=campaign, when=when)
        if launchable
        else None,
        "when_local": when.astimezone(zone),
        "policy": governance.policy_defaults(campaign.firm_id),
    }
    status = 400 if request.method == "POST" and not valid else 200
    return render(request, "listening/setup/campaign_preview.html", context, status=status)


@admin_required
@xframe_options_sameorigin
@require_GET
def campaign_email_preview(request: MemberRequest, pk: int) -> HttpResponse:
    return HttpResponse(previews.email_preview(_campaign(request, pk)))


@admin_required
@xframe_options_sameorigin
@require_GET
def campaign_answer_preview(request: MemberRequest, pk: int) -> HttpResponse:
    return HttpResponse(previews.answer_preview(request, _campaign(request, pk)))


@admin_required
@require_GET
def campaign_results(request: MemberRequest, pk: int) -> HttpResponse:
    results = selectors.campaign_results(campaign=_campaign(request, pk))
    return render(request, "listening/setup/campaign_results.html", {"r": results})


@require_POST
@admin_required
def campaign_status(request: MemberRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    status = request.POST.get("status", "")
    if status not in Campaign.Status.values:
        return HttpResponse("Unknown status.", status=400)
    services.campaign_save(firm=request.member.firm, data={"status": status}, campaign=campaign)
    messages.success(request, f"“{campaign.name}” is now {campaign.get_status_display()}.")
    return redirect("listening_setup:campaigns")


@require_http_methods(["GET", "POST"])
@admin_required
def policy_edit(request: MemberRequest) -> HttpResponse:
    firm = request.member.firm
    policy = governance.policy_defaults(firm.pk)
    initial = {
        "nps_max_per_year": policy.nps_max_per_year,
        "nps_min_gap_days": policy.nps_min_gap_days,
        "csat_min_gap_days": policy.csat_min_gap_days,
        "csat_nps_buffer_days": policy.csat_nps_buffer_days,
        "from_email": policy.from_email,
        "logo_url": firm.logo_url,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.survey_settings_set(firm=firm, **data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Survey policy saved.")
            return redirect("listening_setup:policy")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "listening/setup/policy.html",
        {"form": form, "colour": firm.primary_colour},
        status=status,
    )
