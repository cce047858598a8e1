from django.urls import path

from feedback.stake import views

app_name = "stake"

urlpatterns = [path("", views.overview, name="overview")]
