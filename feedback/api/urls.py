from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from feedback.api import case_actions, fees, metrics, privacy, topics, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP). Swagger UI
    # sets inline styles of its own, allowed on this developers' page only.
    path(
        "docs/",
        csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("v1/feedback/", views.FeedbackListApi.as_view(), name="api-feedback-list"),
    path("v1/feedback/bulk/", views.FeedbackBulkIngestApi.as_view(), name="api-feedback-bulk"),
    path("v1/feedback/<int:pk>/", views.FeedbackDetailApi.as_view(), name="api-feedback-detail"),
    path("v1/cases/", views.CaseListApi.as_view(), name="api-case-list"),
    path("v1/cases/<int:pk>/", views.CaseDetailApi.as_view(), name="api-case-detail"),
    path(
        "v1/cases/<int:pk>/actions/", case_actions.CaseActionApi.as_view(), name="api-case-action"
    ),
    *[
        path(f"v1/cases/<int:pk>/{name}/", view.as_view(), name=f"api-case-{name}")
        for name, view in case_actions.CASE_ACTIONS.items()
    ],
    path("v1/metrics/", metrics.MetricsApi.as_view(), name="api-metrics"),
    path("v1/fees/import/", fees.FeeImportApi.as_view(), name="api-fee-import"),
    path("v1/revenue-at-risk/", fees.RevenueAtRiskApi.as_view(), name="api-revenue-at-risk"),
    path("v1/topics/", topics.TopicListApi.as_view(), name="api-topic-list"),
    path("v1/topics/<int:pk>/", topics.TopicDetailApi.as_view(), name="api-topic-detail"),
    path("v1/topics/<int:pk>/items/", topics.TopicItemsApi.as_view(), name="api-topic-items"),
    path(
        "v1/contacts/<int:pk>/export/",
        privacy.ContactExportApi.as_view(),
        name="api-contact-export",
    ),
    path(
        "v1/contacts/<int:pk>/erase/", privacy.ContactEraseApi.as_view(), name="api-contact-erase"
    ),
]
