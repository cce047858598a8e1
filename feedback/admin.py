"""Django admin for every model, scoped to the signed-in member's firm unless superuser."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from feedback import models


def _firm_id(request: HttpRequest) -> int | None:
    member = getattr(request.user, "member", None)
    return member.firm_id if member else None


class FirmScopedAdmin(admin.ModelAdmin):
    """Non-superusers see, pick and create only rows of their own firm."""

    firm_field = "firm"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.firm_field}_id": _firm_id(request)})

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.firm_field == "firm":
            excluded.append("firm")
        return excluded

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser and hasattr(db_field.related_model, "firm"):
            kwargs["queryset"] = db_field.related_model.objects.filter(firm_id=_firm_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser and hasattr(db_field.related_model, "firm"):
            kwargs["queryset"] = db_field.related_model.objects.filter(firm_id=_firm_id(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser and self.firm_field == "firm":
            obj.firm_id = _firm_id(request)
        super().save_model(request, obj, form, change)


@admin.register(models.Firm)
class FirmAdmin(FirmScopedAdmin):
    list_display = ["name", "slug", "timezone"]
    firm_field = "id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(pk=_firm_id(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@admin.register(models.Member)
class MemberAdmin(FirmScopedAdmin):
    list_display = ["user", "firm", "role"]
    list_filter = ["role"]


@admin.register(models.Client)
class ClientAdmin(FirmScopedAdmin):
    list_display = ["name", "segment", "firm", "legal_hold"]
    list_filter = ["legal_hold"]
    search_fields = ["name"]
    filter_horizontal = ["account_managers"]


@admin.register(models.Contact)
class ContactAdmin(FirmScopedAdmin):
    list_display = ["email", "name", "client", "opted_out"]
    search_fields = ["email", "name"]
    list_filter = ["opted_out"]


@admin.register(models.Engagement)
class EngagementAdmin(FirmScopedAdmin):
    list_display = ["name", "client", "reference", "opened_on", "closed_on"]


@admin.register(models.Touchpoint)
class TouchpointAdmin(FirmScopedAdmin):
    list_display = ["name", "slug", "order"]


@admin.register(models.BrandPromise)
class BrandPromiseAdmin(FirmScopedAdmin):
    list_display = ["name", "active"]


@admin.register(models.Source)
class SourceAdmin(FirmScopedAdmin):
    list_display = ["name", "channel", "status", "last_error_at", "last_polled_at"]
    list_filter = ["channel", "status"]
    readonly_fields = ["last_error", "last_error_at", "failure_count", "last_polled_at"]


@admin.register(models.Feedback)
class FeedbackAdmin(FirmScopedAdmin):
    list_display = ["id", "channel", "client", "sentiment", "analysis_status", "received_at"]
    list_filter = ["channel", "analysis_status", "sentiment"]
    search_fields = ["text", "sender"]
    list_select_related = ["client"]
    raw_id_fields = ["contact", "engagement"]
    date_hierarchy = "received_at"


@admin.register(models.Analysis)
class AnalysisAdmin(FirmScopedAdmin):
    list_display = ["feedback", "model_version", "sentiment", "created_at"]
    raw_id_fields = ["feedback"]


@admin.register(models.ThemeMention)
class ThemeMentionAdmin(FirmScopedAdmin):
    list_display = ["feedback", "brand_promise", "score", "sentiment"]
    raw_id_fields = ["feedback", "analysis"]


@admin.register(models.EmotionTag)
class EmotionTagAdmin(FirmScopedAdmin):
    list_display = ["feedback", "label", "score"]
    raw_id_fields = ["feedback", "analysis"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(FirmScopedAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Review workflow ---


@admin.register(models.Rule)
class RuleAdmin(FirmScopedAdmin):
    list_display = ["kind", "enabled", "priority", "threshold"]
    list_filter = ["enabled", "priority"]


class CaseEventInline(admin.TabularInline):
    model = models.CaseEvent
    extra = 0
    fields = readonly_fields = ("created_at", "kind", "actor", "body")
    can_delete = False


@admin.register(models.Case)
class CaseAdmin(FirmScopedAdmin):
    list_display = ["id", "client", "owner", "status", "priority", "due_at", "opened_at"]
    list_filter = ["status", "priority"]
    list_select_related = ["client", "owner__user"]
    raw_id_fields = ["feedback"]
    inlines = [CaseEventInline]


@admin.register(models.TagCorrection)
class TagCorrectionAdmin(FirmScopedAdmin):
    list_display = ["feedback", "kind", "key", "value", "predicted", "corrected_by", "updated_at"]
    list_filter = ["kind"]
    raw_id_fields = ["feedback"]


@admin.register(models.ApiKey)
class ApiKeyAdmin(FirmScopedAdmin):
    """Keys are created with feedback.api_keys.api_key_create (the secret is shown once);
    the admin lists and revokes them."""

    list_display = ["name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "hashed", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.WebhookEndpoint)
class WebhookEndpointAdmin(FirmScopedAdmin):
    list_display = ["url", "format", "events", "active"]


@admin.register(models.WebhookDelivery)
class WebhookDeliveryAdmin(FirmScopedAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "last_status_code", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in models.WebhookDelivery._meta.fields]
