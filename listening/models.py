"""Channel-specific state for the listening channels.

A channel itself is a `feedback.models.Source`; the rows here hold what only one kind of channel
needs (an IMAP cursor and encrypted password, review edit history, CSV import progress) and what
must never be lost (items that were received but are not client voice, or could not be saved).
"""

from django.db import models

from feedback.models import Feedback, Firm, Source


class ImapMailbox(models.Model):
    """An IMAP mailbox polled for a Source. The password is Fernet-encrypted at rest.

    The cursor is (uidvalidity, last_uid): when the server's UIDVALIDITY changes, UIDs were
    renumbered, so the mailbox is re-read from the start and Message-ID de-duplication keeps it
    idempotent.
    """

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="imap_mailbox")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=255)
    password_encrypted = models.TextField(help_text="Fernet token; set through imap_mailbox_set.")
    folder = models.CharField(max_length=255, default="INBOX")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class TriageItem(models.Model):
    """Feedback whose sender is not a known Contact: kept, analysed, and listed for a human to
    map to a client. Never dropped."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="triage_items")
    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="triage")
    sender = models.CharField(max_length=254, blank=True)
    # What the sender told us about themselves (a web form's name and matter fields), so the
    # person triaging sees it and the new contact gets it.
    sender_name = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Matter they typed.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["firm", "-created_at"],
                name="triage_open",
                condition=models.Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Triage {self.sender or '(no sender)'} #{self.feedback_id}"


class SkippedItem(models.Model):
    """Something a channel received that did not become Feedback: an auto-reply, a bounce, an
    unroutable webhook, or input that failed validation. Its raw payload and the reason are kept
    so nothing is silently lost; unique per (source, external_id) so replays do not pile up."""

    class Reason(models.TextChoices):
        AUTO_REPLY = "auto_reply", "Auto-reply"
        BOUNCE = "bounce", "Bounce / delivery report"
        INVALID = "invalid", "Invalid input"
        UNROUTED = "unrouted", "No matching source"

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, null=True, blank=True, related_name="skipped_items"
    )
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, null=True, blank=True, related_name="skipped_items"
    )
    external_id = models.CharField(max_length=255)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="skipped_unique_per_source"
            )
        ]
        indexes = [models.Index(fields=["firm", "-created_at"], name="skipped_firm_created")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.external_id}"


class ReviewRevision(models.Model):
    """A previous version of a review that was later edited on the review site."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    text_hash = models.CharField(max_length=64)
    rating = models.SmallIntegerField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-pk"]


class CsvImport(models.Model):
    """One CSV upload: its column mapping, a dry run or a real run, and live progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="csv_imports")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="csv_imports")
    file = models.FileField(upload_to="csv-imports/%Y/%m/")
    mapping = models.JSONField(default=dict, help_text="Feedback field -> CSV column name.")
    dry_run = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="First errors: row, message.")
    preview = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["firm", "-created_at"], name="csvimport_firm_created")]

    def __str__(self) -> str:
        return f"CSV import #{self.pk} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class PollState(models.Model):
    """When a polled Source (mailbox, review listing) is next due, and who holds it now.

    `claimed_until` is a lease taken with one guarded UPDATE, so two workers never poll the same
    source at once; an expired lease (a worker that died) is simply taken over.
    """

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="poll_state")
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_run = models.JSONField(default=dict, blank=True, help_text="Counts of the last run.")

    def __str__(self) -> str:
        return f"Poll state of {self.source}"
