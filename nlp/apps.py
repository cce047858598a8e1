from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "nlp"
    default_auto_field = "django.db.models.BigAutoField"
