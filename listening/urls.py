from django.urls import include, path

from listening import views
from listening.inbound_sns import SignedAmazonSESInboundWebhookView

app_name = "listening"
urlpatterns = [
    path("sources/<int:source_id>/email-upload", views.email_upload, name="email_upload"),
    path("sources/<int:source_id>/csv-import", views.csv_import_new, name="csv_import_new"),
    path("imports/<int:import_id>", views.csv_import_detail, name="csv_import_detail"),
    path("triage", views.triage, name="triage"),
    path("triage/<int:item_id>/assign", views.triage_assign, name="triage_assign"),
    # Provider inbound webhooks: /listening/inbound/{mailgun,sendgrid,postmark,amazon_ses}/inbound/
    # Amazon SES first: the same path as anymail's, with the SNS signature checked as well.
    path(
        "inbound/amazon_ses/inbound/",
        SignedAmazonSESInboundWebhookView.as_view(),
        name="amazon_ses_inbound_signed",
    ),
    path("inbound/", include("anymail.urls")),
]
