"""Admin forms for campaigns, scoped to one firm."""

from typing import Any, cast

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple

from feedback.models import Contact, Engagement, Touchpoint


class SurveyTriggerForm(forms.Form):
    """An event at a touchpoint (matter closed, invoice sent, meeting held) for some contacts:
    the admin counterpart of the trigger API. Every choice is limited to `firm_id`."""

    event = forms.CharField(
        max_length=90,
        help_text="What happened, and which one: e.g. “matter 2025-104 closed”. The same event "
        "never invites a contact twice (the API uses the same identifiers).",
    )
    touchpoint = forms.ModelChoiceField(
        queryset=Touchpoint.objects.none(),
        required=False,
        help_text="Blank: the campaign's touchpoint.",
    )
    engagement = forms.ModelChoiceField(queryset=Engagement.objects.none(), required=False)
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), widget=FilteredSelectMultiple("contacts", is_stacked=False)
    )

    def __init__(self, *args: Any, firm_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        touchpoint, engagement, contacts = (
            cast(forms.ModelChoiceField, self.fields[name])
            for name in ("touchpoint", "engagement", "contacts")
        )
        touchpoint.queryset = Touchpoint.objects.filter(firm_id=firm_id, active=True)
        engagement.queryset = Engagement.objects.filter(firm_id=firm_id).select_related("client")
        contacts.queryset = (
            Contact.objects.filter(firm_id=firm_id)
            .select_related("client")
            .order_by("client__name", "email")
        )
        contacts.label_from_instance = lambda c: f"{c} · {c.client.name}"  # type: ignore[assignment]

    def clean(self) -> dict:
        data = super().clean() or {}
        engagement, contacts = data.get("engagement"), data.get("contacts")
        if engagement is not None and contacts is not None:
            strangers = [c for c in contacts if c.client_id != engagement.client_id]
            if strangers:
                self.add_error(
                    "contacts",
                    f"{', '.join(c.email for c in strangers)} "
                    f"{'is' if len(strangers) == 1 else 'are'} not a contact of "
                    f"{engagement.client}.",
                )
        return data
