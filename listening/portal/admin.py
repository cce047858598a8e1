from django.contrib import admin
from django.http import HttpRequest

from listening.portal.models import MagicLink


@admin.register(MagicLink)
class MagicLinkAdmin(admin.ModelAdmin):
    """Read-only: links are created by contacts and consumed by signing in."""

    list_display = ["email", "firm", "created_at", "sent_at", "used_at"]
    list_filter = ["firm"]
    search_fields = ["email"]
    readonly_fields = ["jti", "firm", "contact", "email", "created_at", "sent_at", "used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MagicLink | None = None) -> bool:
        return False
