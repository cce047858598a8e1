from django.urls import path

from feedback.items import explorer_views, views

app_name = "items"

urlpatterns = [
    path("", explorer_views.explorer, name="explorer"),
    path("export.csv", explorer_views.explorer_export, name="export"),
    path("views/", explorer_views.saved_view_save, name="view_save"),
    path("views/<int:pk>/delete/", explorer_views.saved_view_remove, name="view_delete"),
    path("quick-look/", views.quick_look, name="quick_look"),
    path("<int:pk>/", views.feedback_detail, name="detail"),
    path("<int:pk>/correct/", views.feedback_correct, name="correct"),
]
