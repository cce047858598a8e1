from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "listening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anymail.signals import inbound

        from feedback.dashboards.kpis import response_rate_reader_register
        from feedback.privacy.hooks import contact_eraser_register, contact_exporter_register
        from listening.campaigns.selectors import response_rate_summary
        from listening.privacy import contact_listening_erase, contact_listening_export
        from listening.webhooks import inbound_received

        inbound.connect(inbound_received, dispatch_uid="listening.inbound_received")
        # The dashboard's response-rate tile reads invitations, which only listening knows.
        response_rate_reader_register(response_rate_summary)
        contact_exporter_register("listening", contact_listening_export)
        contact_eraser_register("listening", contact_listening_erase)
