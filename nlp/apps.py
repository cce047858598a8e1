from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "nlp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from feedback.readiness import readiness_detail_register
        from nlp.precision import precision_details

        # /readyz shows the encoder precision a worker on this host picks (no model loaded).
        readiness_detail_register("nlp", precision_details)
