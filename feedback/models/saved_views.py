"""A member's saved explorer filters: a name and the query string they stand for."""

from django.db import models

from feedback.models.tenancy import Firm, Member


class SavedView(models.Model):
    """The explorer's filter set under a name; private to its owner unless shared with the firm.
    `query` holds only the explorer's own GET parameters (see feedback.items.filters)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=2000, blank=True)
    shared = models.BooleanField(default=False, help_text="Listed for every member of the firm.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name")
        ]
        indexes = [models.Index(fields=["firm", "shared"], name="saved_view_firm_shared")]

    def __str__(self) -> str:
        return self.name
