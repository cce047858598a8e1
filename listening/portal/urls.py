"""Mounted under `listen/` by config/urls.py."""

from django.urls import path

from listening.portal.views import form, portal

app_name = "portal"

urlpatterns = [
    path("form/<str:public_key>", form.feedback_form, name="form"),
    path("form/<str:public_key>/thanks", form.feedback_form_thanks, name="form_thanks"),
    path("portal/<slug:firm_slug>/", portal.sign_in, name="sign_in"),
    path("portal/<slug:firm_slug>/link/<str:token>", portal.magic_link, name="magic_link"),
    path("portal/<slug:firm_slug>/home", portal.home, name="home"),
    path("portal/<slug:firm_slug>/comments", portal.comment_create, name="comment_create"),
    path("portal/<slug:firm_slug>/sign-out", portal.sign_out, name="sign_out"),
]
