from django.urls import path

from feedback.topics import api

urlpatterns = [
    path("", api.TopicListApi.as_view(), name="api-topic-list"),
    path("<int:pk>/", api.TopicDetailApi.as_view(), name="api-topic-detail"),
    path("<int:pk>/items/", api.TopicItemsApi.as_view(), name="api-topic-items"),
]
