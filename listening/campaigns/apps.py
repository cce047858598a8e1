from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "listening.campaigns"
    label = "campaigns"
    verbose_name = "Survey campaigns"
    default_auto_field = "django.db.models.BigAutoField"
