from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class ConfirmCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class IdentityForm(forms.Form):
    secret = forms.CharField(
        label="Your password, or a current code from your app",
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RequireForm(forms.Form):
    require_two_factor = forms.BooleanField(
        required=False, label="Require two-factor sign-in of every member"
    )
