from django.urls import path

from feedback.stake import fee_views

app_name = "fees"

urlpatterns = [
    path("import/", fee_views.fee_import, name="import"),
    path("import/confirm/", fee_views.fee_import_confirm, name="import_confirm"),
    path("import/template.csv", fee_views.fee_template, name="template"),
]
