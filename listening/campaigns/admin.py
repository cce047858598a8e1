"""Admin for campaigns, scoped to the signed-in member's firm. Actions go through services, so
admin clicks obey the same governance as the schedulers."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from feedback.admin import FirmScopedAdmin
from listening.campaigns import models
from listening.campaigns.forms import SurveyTriggerForm
from listening.campaigns.services.invitations import TRANSACTIONAL
from listening.campaigns.services.launch import (
    LaunchReport,
    campaign_launch,
    campaign_schedule_set,
    survey_trigger,
)


@admin.register(models.SurveyPolicy)
class SurveyPolicyAdmin(FirmScopedAdmin):
    list_display = ["firm", "nps_max_per_year", "nps_min_gap_days", "csat_min_gap_days"]


@admin.register(models.Campaign)
class CampaignAdmin(FirmScopedAdmin):
    list_display = ["name", "kind", "status", "segment", "touchpoint", "periodic_task"]
    list_filter = ["kind", "status"]
    actions = ["launch_wave_now", "schedule_twice_yearly", "trigger_for_contacts"]

    @admin.action(description="Launch a wave now (governance applies)")
    def launch_wave_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        for campaign in queryset.select_related("firm"):
            report = campaign_launch(campaign=campaign)
            self.message_user(request, _report_text(campaign, report), _report_level(report))

    @admin.action(description="Schedule waves on 1 March and 1 September, 09:00 firm time")
    def schedule_twice_yearly(self, request: HttpRequest, queryset: QuerySet) -> None:
        for campaign in queryset.select_related("firm"):
            campaign_schedule_set(campaign=campaign)

    @admin.action(
        description="Ask contacts after an event (matter closed, invoice sent…)",
        permissions=["change"],
    )
    def trigger_for_contacts(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        """An intermediate page picks the event, touchpoint and contacts of one CSAT/CES
        campaign; each contact then goes through the same service as the trigger API, so
        throttles, opt-outs, quiet periods and NPS proximity apply and skips are recorded."""
        campaigns = list(queryset.select_related("firm")[:2])
        if len(campaigns) != 1 or campaigns[0].kind not in TRANSACTIONAL:
            self.message_user(request, "Select exactly one CSAT or CES campaign.", messages.ERROR)
            return None
        campaign = campaigns[0]
        form = SurveyTriggerForm(
            request.POST if "apply" in request.POST else None,
            firm_id=campaign.firm_id,
            initial={"touchpoint": campaign.touchpoint_id},
        )
        if not form.is_bound or not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": f"Ask for feedback after an event: {campaign}",
                "opts": self.model._meta,
                "campaign": campaign,
                "form": form,
                "media": self.media + form.media,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/campaigns/campaign/trigger_for_contacts.html", context
            )
        report = LaunchReport()
        for contact in form.cleaned_data["contacts"]:
            report.add(
                survey_trigger(
                    campaign=campaign,
                    contact=contact,
                    event=form.cleaned_data["event"],
                    engagement=form.cleaned_data["engagement"],
                    touchpoint=form.cleaned_data["touchpoint"],
                )
            )
        self.message_user(request, _report_text(campaign, report), _report_level(report))
        return None


@admin.register(models.Invitation)
class InvitationAdmin(FirmScopedAdmin):
    list_display = ["contact", "campaign", "kind", "occasion", "status", "scheduled_for", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["contact__email", "client__name", "occasion"]
    raw_id_fields = ["contact", "client", "engagement"]
    readonly_fields = [f.name for f in models.Invitation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are created by services only, under governance


@admin.register(models.Response)
class ResponseAdmin(FirmScopedAdmin):
    list_display = ["invitation", "kind", "score", "submitted_at", "submissions"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in models.Response._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.SkippedInvitation)
class SkippedInvitationAdmin(FirmScopedAdmin):
    list_display = ["client", "contact", "campaign", "reason", "wanted_at", "retry_after", "detail"]
    list_filter = ["reason", "kind"]
    search_fields = ["client__name", "contact__email"]
    readonly_fields = [f.name for f in models.SkippedInvitation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.QuietPeriod)
class QuietPeriodAdmin(FirmScopedAdmin):
    list_display = ["client", "starts_on", "ends_on", "reason"]


def _report_text(campaign: models.Campaign, report: LaunchReport) -> str:
    skipped = sum(report.skipped.values())
    reasons = "; ".join(
        f"{models.SkipReason(reason).label}: {n}" for reason, n in sorted(report.skipped.items())
    )
    return (
        f"{campaign}: {report.invited} invited, {report.already} already invited, "
        f"{skipped} skipped" + (f" ({reasons})." if reasons else ".")
    )


def _report_level(report: LaunchReport) -> int:
    return messages.WARNING if report.skipped else messages.SUCCESS
