from django.urls import path

from feedback.privacy import api

urlpatterns = [
    path("<int:pk>/export/", api.ContactExportApi.as_view(), name="api-contact-export"),
    path("<int:pk>/erase/", api.ContactEraseApi.as_view(), name="api-contact-erase"),
]
