"""Member pages for campaigns, mounted at campaigns/ (login required, firm-scoped)."""

from django.urls import path

from listening.campaigns import api, views

app_name = "campaigns_members"

urlpatterns = [
    path("<int:pk>/audit.csv", views.review_audit_csv, name="audit_csv"),
    path("clients/<int:pk>/skipped/", views.client_skips, name="client_skips"),
    path("api/<int:pk>/trigger/", api.SurveyTriggerApi.as_view(), name="trigger"),
]
