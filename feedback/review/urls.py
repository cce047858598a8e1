from django.urls import path

from feedback import keys_views
from feedback.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("rules/", views.rules, name="rules"),
    path("api-keys/", keys_views.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", keys_views.api_key_revoke_view, name="api_key_revoke"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/acknowledge/", views.case_acknowledge, name="acknowledge"),
    path("cases/<int:pk>/reassign/", views.case_reassign, name="reassign"),
    path("cases/<int:pk>/note/", views.case_note, name="note"),
    path("cases/<int:pk>/reply/", views.case_reply, name="reply"),
    path("cases/<int:pk>/resolve/", views.case_resolve, name="resolve"),
    path("cases/<int:pk>/correct/", views.case_correct, name="correct"),
]
