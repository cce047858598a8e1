"""Public survey links, mounted at survey/ (no login; the signed token is the credential)."""

from django.urls import path

from listening.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("r/<str:token>/", views.respond, name="respond"),
    path("unsubscribe/<str:token>/", views.optout, name="optout"),
]
