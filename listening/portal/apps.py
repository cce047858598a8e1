from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Public web forms and the client portal (magic-link sign-in for contacts)."""

    name = "listening.portal"
    label = "portal"
    verbose_name = "Web forms and client portal"
    default_auto_field = "django.db.models.BigAutoField"
