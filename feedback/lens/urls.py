from django.urls import path

from feedback.lens import views

app_name = "lens"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("clients/<int:pk>/expectations/", views.expectations_edit, name="expectations"),
]
