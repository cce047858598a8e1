from django.urls import path

from feedback.lens import import_views

app_name = "expectations"

urlpatterns = [
    path("import/", import_views.expectation_import, name="import"),
    path("import/confirm/", import_views.expectation_import_confirm, name="import_confirm"),
    path("import/template.csv", import_views.expectation_template, name="template"),
]
