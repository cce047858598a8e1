"""The campaigns REST API, mounted at api/v1/campaigns/ by config/urls.py."""

from django.urls import path

from listening.campaigns import api

urlpatterns = [
    path("", api.CampaignListApi.as_view(), name="api-campaign-list"),
    path("<int:pk>/", api.CampaignDetailApi.as_view(), name="api-campaign-detail"),
    path("<int:pk>/trigger/", api.CampaignTriggerApi.as_view(), name="api-campaign-trigger"),
]
