from django.urls import path

from feedback.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_settings, name="settings"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/export/", views.contact_export_download, name="contact_export"),
    path("contacts/<int:pk>/erase/", views.contact_erase_confirm, name="contact_erase"),
]
