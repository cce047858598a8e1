"""Forms of the listening settings pages, with Bootstrap classes on their widgets; every choice
is limited to the admin's firm."""

from typing import Any, cast

from django import forms
from django.utils import timezone

from feedback.models import Client, Firm, Touchpoint
from listening.campaigns.models import Audience, Campaign, SurveyKind
from listening.sources import CONNECTORS


class _Bootstrap:
    """Gives every widget the Bootstrap 5 class it needs."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class StyledForm(_Bootstrap, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class WebFormSourceForm(StyledForm):
    name = forms.CharField(max_length=200, initial="Website form")
    title = forms.CharField(
        max_length=200, required=False, help_text="Heading of the form. Blank: “Feedback for …”."
    )
    allowed_origins = forms.CharField(
        label="Websites allowed to embed the form",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One address a line, like https://www.acme.example (no path).",
    )

    def origins(self) -> list[str]:
        return self.cleaned_data["allowed_origins"].splitlines()


class MailboxForm(StyledForm):
    name = forms.CharField(max_length=200, initial="Client mailbox")
    host = forms.CharField(max_length=255, label="IMAP server")
    port = forms.IntegerField(min_value=1, max_value=65535, initial=993)
    use_ssl = forms.BooleanField(required=False, initial=True, label="Use SSL/TLS")
    username = forms.CharField(max_length=255)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Stored encrypted. Leave blank to keep the stored password.",
    )
    folder = forms.CharField(max_length=255, initial="INBOX")


class ReviewListingForm(StyledForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(
        label="Review site",
        choices=[(k, k.capitalize()) for k in CONNECTORS],
    )
    location_name = forms.CharField(
        required=False, label="Google location", help_text="accounts/…/locations/… (Google)"
    )
    business_unit_id = forms.CharField(required=False, label="Business unit id (Trustpilot)")
    url = forms.URLField(
        required=False, label="Feed address (RSS/Atom/JSON feed)", assume_scheme="https"
    )
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        label="Access token or API key",
        help_text="Stored encrypted. Leave blank to keep the stored one.",
    )

    def settings(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[key] or ""
            for key in ("location_name", "business_unit_id", "url")
        }


class PolicyForm(StyledForm):
    nps_max_per_year = forms.TypedChoiceField(
        label="NPS surveys per client per year",
        choices=[(1, "Once"), (2, "Twice")],
        coerce=int,
        initial=2,
    )
    nps_min_gap_days = forms.IntegerField(
        label="Days between two NPS waves", min_value=0, max_value=365, initial=150
    )
    csat_min_gap_days = forms.IntegerField(
        label="Days between two CSAT surveys to one contact", min_value=0, initial=14
    )
    csat_nps_buffer_days = forms.IntegerField(
        label="No CSAT this many days around an NPS survey", min_value=0, initial=7
    )
    from_email = forms.EmailField(required=False, label="Send survey e-mails from")
    logo_url = forms.URLField(required=False, label="Logo address", assume_scheme="https")


class CampaignForm(_Bootstrap, forms.ModelForm):
    """The survey builder."""

    kind = forms.ChoiceField(
        label="Survey",
        choices=[
            (SurveyKind.NPS, "NPS (0-10, likely to recommend)"),
            (SurveyKind.CSAT, "CSAT (1-5, satisfied), triggered at a touchpoint"),
            (SurveyKind.REVIEW, "Review request (1-5)"),
        ],
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "touchpoint",
            "question",
            "follow_up",
            "audience",
            "audience_client",
            "closed_from",
            "closed_to",
            "reminder_after_days",
            "status",
        ]
        labels = {
            "question": "Question",
            "follow_up": "Follow-up question",
            "audience_client": "Client",
            "closed_from": "Engagements closed from",
            "closed_to": "Engagements closed to",
            "reminder_after_days": "Remind after (days)",
        }
        widgets = {
            "closed_from": forms.DateInput(attrs={"type": "date"}),
            "closed_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, firm: Firm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.firm = firm
        touchpoint = cast(forms.ModelChoiceField, self.fields["touchpoint"])
        touchpoint.queryset = Touchpoint.objects.filter(firm=firm, active=True).order_by(
            "order", "name"
        )
        client = cast(forms.ModelChoiceField, self.fields["audience_client"])
        client.queryset = Client.objects.filter(firm=firm).order_by("name")
        self._style()

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("audience") == Audience.CLIENT and not data.get("audience_client"):
            self.add_error("audience_client", "Choose the client whose contacts are asked.")
        start, end = data.get("closed_from"), data.get("closed_to")
        if data.get("audience") == Audience.CLOSED and not (start or end):
            self.add_error("closed_from", "Give the period the engagements closed in.")
        if start and end and end < start:
            self.add_error("closed_to", "The end is before the start.")
        return data


class LaunchForm(StyledForm):
    when = forms.ChoiceField(
        choices=[("now", "Send now"), ("at", "Send at a date")],
        widget=forms.RadioSelect,
        initial="now",
        label="When",
    )
    send_at = forms.DateTimeField(
        required=False,
        label="Send at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["when"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("when") == "at":
            send_at = data.get("send_at")
            if send_at is None:
                self.add_error("send_at", "Give the date and time to send at.")
            elif send_at < timezone.now():
                self.add_error("send_at", "That moment has passed; choose “Send now”.")
        return data
