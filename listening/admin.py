"""Admin for the listening channels: mailboxes (password set encrypted), poll health, triage,
skipped items, review history and CSV imports. Firm-scoped like the core admin."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from feedback.admin import FirmScopedAdmin
from listening import models
from listening.crypto import secret_encrypt


class ImapMailboxForm(forms.ModelForm):
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Stored encrypted. Leave empty to keep the current password.",
    )

    class Meta:
        model = models.ImapMailbox
        fields = ["source", "host", "port", "use_ssl", "username", "folder"]

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.instance.pk and not data.get("password"):
            self.add_error("password", "A password is required for a new mailbox.")
        return data

    def save(self, commit: bool = True) -> models.ImapMailbox:
        box = super().save(commit=False)
        if self.cleaned_data.get("password"):
            box.password_encrypted = secret_encrypt(self.cleaned_data["password"])
        if commit:
            box.save()
        return box


@admin.register(models.ImapMailbox)
class ImapMailboxAdmin(FirmScopedAdmin):
    form = ImapMailboxForm
    firm_field = "source__firm"
    list_display = ["__str__", "source", "source_status", "source_error", "last_uid"]
    readonly_fields = ["uidvalidity", "last_uid"]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["password_encrypted"]

    @admin.display(description="Status")
    def source_status(self, obj: models.ImapMailbox) -> str:
        return f"{obj.source.get_status_display()} ({obj.source.failure_count} failures)"

    @admin.display(description="Last error")
    def source_error(self, obj: models.ImapMailbox) -> str:
        return obj.source.last_error[:120]


@admin.register(models.PollState)
class PollStateAdmin(FirmScopedAdmin):
    firm_field = "source__firm"
    list_display = ["source", "status", "failures", "last_error", "next_poll_at", "last_success_at"]
    readonly_fields = ["source", "claimed_until", "last_success_at", "last_run"]

    @admin.display(description="Status")
    def status(self, obj: models.PollState) -> str:
        return obj.source.get_status_display()

    @admin.display(description="Failures")
    def failures(self, obj: models.PollState) -> int:
        return obj.source.failure_count

    @admin.display(description="Last error")
    def last_error(self, obj: models.PollState) -> str:
        return obj.source.last_error[:160]


@admin.register(models.TriageItem)
class TriageItemAdmin(FirmScopedAdmin):
    list_display = ["sender", "feedback", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    search_fields = ["sender"]
    raw_id_fields = ["feedback"]


@admin.register(models.SkippedItem)
class SkippedItemAdmin(FirmScopedAdmin):
    list_display = ["reason", "sender", "subject", "source", "created_at"]
    list_filter = ["reason"]
    search_fields = ["sender", "subject", "external_id"]
    readonly_fields = ["source", "external_id", "reason", "detail", "sender", "subject", "raw"]


@admin.register(models.ReviewRevision)
class ReviewRevisionAdmin(FirmScopedAdmin):
    firm_field = "feedback__firm"
    list_display = ["feedback", "rating", "replaced_at"]
    readonly_fields = ["feedback", "text", "text_hash", "rating", "raw"]


@admin.register(models.CsvImport)
class CsvImportAdmin(FirmScopedAdmin):
    list_display = ["__str__", "source", "dry_run", "rows_done", "rows_total", "rows_failed"]
    list_filter = ["status", "dry_run"]
    readonly_fields = [
        "status",
        "rows_total",
        "rows_done",
        "rows_created",
        "rows_duplicate",
        "rows_failed",
        "errors",
        "preview",
        "error",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Imports start from the upload page, which validates the mapping and queues the run.
        return False
