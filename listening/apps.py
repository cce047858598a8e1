from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "listening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anymail.signals import inbound

        from feedback.dashboards.kpis import response_rate_reader_register
        from listening.campaigns.selectors import response_rate_summary
        from listening.webhooks import inbound_received

        inbound.connect(inbound_received, dispatch_uid="listening.inbound_received")
        # The dashboard's response-rate tile reads invitations, which only listening knows.
        response_rate_reader_register(response_rate_summary)
