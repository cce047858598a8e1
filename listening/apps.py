from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "listening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anymail.signals import inbound

        from listening.webhooks import inbound_received

        inbound.connect(inbound_received, dispatch_uid="listening.inbound_received")
