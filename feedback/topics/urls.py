from django.urls import path

from feedback.topics import views

app_name = "topics"

urlpatterns = [
    path("", views.topics_page, name="list"),
    path("refit/", views.topics_refit, name="refit"),
    path("<int:pk>/", views.topic_detail, name="detail"),
    path("<int:pk>/rename/", views.topic_rename, name="rename"),
    path("<int:pk>/merge/", views.topic_merge, name="merge"),
    path("<int:pk>/split/", views.topic_split, name="split"),
    path("<int:pk>/promote/", views.topic_promote, name="promote"),
    path("<int:pk>/dismiss/", views.topic_dismiss, name="dismiss"),
]
