from django.urls import path

from feedback.items import views

app_name = "items"

urlpatterns = [
    path("quick-look/", views.quick_look, name="quick_look"),
    path("<int:pk>/", views.feedback_detail, name="detail"),
    path("<int:pk>/correct/", views.feedback_correct, name="correct"),
]
