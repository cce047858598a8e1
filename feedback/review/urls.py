from django.urls import path

from feedback import keys_views
from feedback.review import queue_views, template_views, views

app_name = "review"

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("bulk/", queue_views.queue_bulk, name="bulk"),
    path("export.csv", queue_views.queue_export, name="export"),
    path("templates/", template_views.reply_templates, name="reply_templates"),
    path("templates/<int:pk>/", template_views.reply_template_edit, name="reply_template_edit"),
    path(
        "templates/<int:pk>/delete/",
        template_views.reply_template_remove,
        name="reply_template_delete",
    ),
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
