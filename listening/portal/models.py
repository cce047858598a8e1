"""The portal's own state: magic sign-in links and the record that each was used.

Web-form submissions and portal comments are plain `feedback.Feedback` rows (through
`feedback_ingest`); nothing about them is stored here.
"""

import uuid

from django.db import models

from feedback.models import Contact, Firm


class MagicLink(models.Model):
    """One sign-in link e-mailed to a contact.

    The e-mailed token is a signed, timestamped reference to `jti`; this row is the used-token
    record. A link is consumed by one guarded UPDATE (`used_at IS NULL` -> now), so a replay is
    refused even when two requests race. `sent_at` is claimed the same way, so the sending task
    can run twice without sending two e-mails.
    """

    jti = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="magic_links")
    # The address the link was sent to: a link stops working if the contact's e-mail changes.
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="portal_magiclink_created")]

    def __str__(self) -> str:
        state = "used" if self.used_at else ("sent" if self.sent_at else "pending")
        return f"Magic link for {self.email} ({state})"
