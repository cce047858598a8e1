"""Input validation for the web form and the portal (Django forms: they also render the HTML)."""

from typing import Any

from django import forms
from django.conf import settings

from feedback.models import Contact, Engagement, Firm, Touchpoint
from listening.portal.selectors import portal_engagement_list, portal_touchpoint_list


def _text_field(label: str, rows: int) -> forms.CharField:
    # Built per form instance so that the limit follows settings (and test overrides).
    return forms.CharField(
        label=label,
        max_length=settings.PORTAL_FORM_MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class FeedbackForm(forms.Form):
    """The public web form. `website` is the honeypot: hidden from people, filled by bots."""

    text = forms.CharField(label="Your feedback", widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label="Name", max_length=200, required=False)
    email = forms.EmailField(label="E-mail", max_length=254, required=False)
    rating = forms.TypedChoiceField(
        label="How likely are you to recommend us? (0-10)",
        choices=[("", "—")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    touchpoint = forms.SlugField(max_length=60, required=False, widget=forms.HiddenInput)
    engagement = forms.CharField(label="Matter reference", max_length=100, required=False)
    website = forms.CharField(required=False, max_length=500)
    submission_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, firm: Firm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.firm = firm
        self.fields["text"] = _text_field("Your feedback", rows=6)

    def clean_touchpoint(self) -> Touchpoint | None:
        slug = self.cleaned_data.get("touchpoint")
        if not slug:
            return None
        touchpoint = Touchpoint.objects.filter(firm=self.firm, slug=slug, active=True).first()
        if touchpoint is None:
            raise forms.ValidationError("Unknown touchpoint.")
        return touchpoint

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class MagicLinkRequestForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address", max_length=254)


class CommentForm(forms.Form):
    """A signed-in contact's comment; engagements are limited to the contact's own client."""

    text = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 5}))
    engagement: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Engagement.objects.none(), required=False, label="About an engagement (optional)"
    )
    touchpoint: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Touchpoint.objects.none(), required=False, label="About a stage (optional)"
    )
    submission_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = _text_field("Your comment", rows=5)
        # Scoped per contact: a choice outside these querysets is a 400, never a leak.
        engagement = self.fields["engagement"]
        touchpoint = self.fields["touchpoint"]
        assert isinstance(engagement, forms.ModelChoiceField)
        assert isinstance(touchpoint, forms.ModelChoiceField)
        engagement.queryset = portal_engagement_list(contact=contact)
        touchpoint.queryset = portal_touchpoint_list(firm=contact.firm)
