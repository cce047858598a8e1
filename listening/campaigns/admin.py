"""Admin for campaigns, scoped to the signed-in member's firm. Actions go through services, so
admin clicks obey the same governance as the schedulers."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from feedback.admin import FirmScopedAdmin
from listening.campaigns import models
from listening.campaigns.services.launch import campaign_launch, campaign_schedule_set


@admin.register(models.SurveyPolicy)
class SurveyPolicyAdmin(FirmScopedAdmin):
    list_display = ["firm", "nps_max_per_year", "nps_min_gap_days", "csat_min_gap_days"]


@admin.register(models.Campaign)
class CampaignAdmin(FirmScopedAdmin):
    list_display = ["name", "kind", "status", "segment", "touchpoint", "periodic_task"]
    list_filter = ["kind", "status"]
    actions = ["launch_wave_now", "schedule_twice_yearly"]

    @admin.action(description="Launch a wave now (governance applies)")
    def launch_wave_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        for campaign in queryset.select_related("firm"):
            report = campaign_launch(campaign=campaign)
            self.message_user(
                request,
                f"{campaign}: {report.invited} invited, {report.already} already, "
                f"skipped {report.skipped or 'none'}.",
                messages.INFO,
            )

    @admin.action(description="Schedule waves on 1 March and 1 September, 09:00 firm time")
    def schedule_twice_yearly(self, request: HttpRequest, queryset: QuerySet) -> None:
        for campaign in queryset.select_related("firm"):
            campaign_schedule_set(campaign=campaign)


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
    list_display = ["client", "contact", "campaign", "reason", "wanted_at", "detail"]
    list_filter = ["reason", "kind"]
    search_fields = ["client__name", "contact__email"]
    readonly_fields = [f.name for f in models.SkippedInvitation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.QuietPeriod)
class QuietPeriodAdmin(FirmScopedAdmin):
    list_display = ["client", "starts_on", "ends_on", "reason"]
