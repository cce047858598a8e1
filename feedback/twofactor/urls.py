from django.urls import path

from feedback.twofactor import views

app_name = "two_factor"

urlpatterns = [
    path("", views.index, name="index"),
    path("setup/", views.setup, name="setup"),
    path("setup/start/", views.setup_start, name="setup_start"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("disable/", views.disable, name="disable"),
]
