"""A firm admin's listening settings, mounted at settings/listening/ (admins only)."""

from django.urls import path

from listening.setup.views import campaigns, sources

app_name = "listening_setup"

urlpatterns = [
    path("sources/", sources.source_list, name="sources"),
    path("sources/web-form/new", sources.web_form_edit, name="web_form_new"),
    path("sources/web-form/<int:pk>", sources.web_form_edit, name="web_form"),
    path("sources/mailbox/new", sources.mailbox_edit, name="mailbox_new"),
    path("sources/mailbox/<int:pk>", sources.mailbox_edit, name="mailbox"),
    path("sources/mailbox/<int:pk>/test", sources.mailbox_test, name="mailbox_test"),
    path("sources/review/new", sources.review_edit, name="review_new"),
    path("sources/review/<int:pk>", sources.review_edit, name="review"),
    path("sources/<int:pk>/pause", sources.source_pause, name="source_pause"),
    path("surveys/", campaigns.campaign_list, name="campaigns"),
    path("surveys/policy", campaigns.policy_edit, name="policy"),
    path("surveys/new", campaigns.campaign_edit, name="campaign_new"),
    path("surveys/<int:pk>", campaigns.campaign_edit, name="campaign"),
    path("surveys/<int:pk>/preview", campaigns.campaign_preview, name="campaign_preview"),
    path("surveys/<int:pk>/preview/email", campaigns.campaign_email_preview, name="email_preview"),
    path(
        "surveys/<int:pk>/preview/answer", campaigns.campaign_answer_preview, name="answer_preview"
    ),
    path("surveys/<int:pk>/results", campaigns.campaign_results, name="campaign_results"),
    path("surveys/<int:pk>/status", campaigns.campaign_status, name="campaign_status"),
]
