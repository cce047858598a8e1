"""Forms of the settings pages, rendered with Bootstrap 5 classes. They only parse input; the
services validate and write."""

from typing import Any

from django import forms

from feedback.models import (
    BrandPromise,
    Client,
    Contact,
    Engagement,
    Member,
    Role,
    Touchpoint,
    WebhookFormat,
)
from feedback.webhooks import EVENTS
from feedback.workspace.services.catalogue import examples_parse
from feedback.workspace.services.imports import MAX_BYTES


class BootstrapMixin:
    """Bootstrap 5 classes on every widget."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class PromiseForm(BootstrapMixin, forms.ModelForm):
    examples_text = forms.CharField(
        label="Example phrases",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One phrase per line, as clients would say it.",
    )

    class Meta:
        model = BrandPromise
        fields = ["name", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["examples_text"].initial = "\n".join(self.instance.examples or [])

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "active": data["active"],
            "examples": examples_parse(data["examples_text"]),
        }


class TouchpointForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Touchpoint
        fields = ["name", "order", "active"]


class ClientForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "segment", "external_id", "account_managers"]
        widgets = {"account_managers": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, firm_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managers = self.fields["account_managers"]
        managers.queryset = Member.objects.filter(  # type: ignore[attr-defined]
            firm_id=firm_id, user__is_active=True
        ).select_related("user")
        managers.label_from_instance = lambda m: m.user.get_full_name() or m.user.username  # type: ignore[attr-defined]


class ContactForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["client", "name", "email", "opted_out"]

    def __init__(self, *args: Any, firm_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(  # type: ignore[attr-defined]
            firm_id=firm_id
        ).order_by("name")


class EngagementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Engagement
        fields = ["client", "name", "reference", "opened_on", "closed_on"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "closed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, firm_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(  # type: ignore[attr-defined]
            firm_id=firm_id
        ).order_by("name")


class InviteForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label="E-mail address")
    name = forms.CharField(label="Full name", required=False, max_length=300)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ACCOUNT_MANAGER)


class RoleForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class WebhookForm(BootstrapMixin, forms.Form):
    url = forms.URLField(label="Address (URL)", max_length=500, assume_scheme="https")
    format = forms.ChoiceField(choices=WebhookFormat.choices)
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in EVENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event.",
    )


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"UTF-8, at most {MAX_BYTES // 2**20} MB.")


class BrandingForm(BootstrapMixin, forms.Form):
    """Name, colour and logo of the firm's client pages (the file is checked by the service)."""

    name = forms.CharField(label="Firm name", max_length=200)
    primary_colour = forms.CharField(
        label="Brand colour",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color", "class": "form-control form-control-color"}),
        help_text="On every client page and survey e-mail; text on it is black or white, "
        "whichever reads better.",
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
        help_text="PNG, JPEG, WebP or GIF, at most 512 KB. Shown at the top of client pages.",
    )
    remove_logo = forms.BooleanField(label="Remove the uploaded logo", required=False)
