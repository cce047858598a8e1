from django.urls import path

from feedback.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/<slug:chart>.csv", views.export_csv, name="export"),
    path("clients/<int:pk>/", views.client_page, name="client"),
]
