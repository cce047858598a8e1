"""GET /api/v1/topics/: the firm's topics (list, detail, a topic's feedback), with the same
authentication, scopes and tenant scoping as the rest of the API. Account managers see the
topics their clients speak to, counted over their clients' feedback."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from feedback.api.access import Viewer, viewer_of
from feedback.api.pagination import BoundedLimitOffsetPagination
from feedback.api.views import BaseApi
from feedback.models import Firm, Topic
from feedback.topics.selectors import (
    TopicRow,
    topic_assignments,
    topic_get,
    topic_list,
    topic_rows_detailed,
)


class TopicOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="topic.pk")
    label = serializers.CharField(source="topic.label")
    keywords = serializers.ListField(child=serializers.CharField(), source="topic.keywords")
    status = serializers.CharField(source="topic.status")
    size = serializers.IntegerField(source="visible")
    count_period = serializers.IntegerField(source="current")
    count_baseline = serializers.IntegerField(source="baseline")
    period_days = serializers.IntegerField()
    emerging = serializers.BooleanField(source="emergence.emerging")
    expected = serializers.FloatField(source="emergence.expected")
    p_value = serializers.FloatField(source="emergence.p_value")
    emerging_since = serializers.DateTimeField(source="topic.emerging_since", allow_null=True)
    promise_id = serializers.IntegerField(source="topic.promise_id", allow_null=True)
    sentiment = serializers.DictField(child=serializers.IntegerField())


class TopicDetailOutSerializer(TopicOutSerializer):
    months = serializers.SerializerMethodField()

    def get_months(self, row: TopicRow) -> list[dict]:
        return [{"month": m.date().isoformat(), "count": n} for m, n in row.months]


class TopicItemOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="feedback_id")
    text = serializers.CharField(source="feedback.text")
    received_at = serializers.DateTimeField(source="feedback.received_at")
    client_id = serializers.IntegerField(source="feedback.client_id", allow_null=True)
    sentiment = serializers.CharField(source="feedback.sentiment")
    similarity = serializers.FloatField()


class _PageOutSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class TopicPageOutSerializer(_PageOutSerializer):
    results = TopicOutSerializer(many=True)


class TopicItemPageOutSerializer(_PageOutSerializer):
    results = TopicItemOutSerializer(many=True)


PAGING = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]


def _rows(viewer: Viewer) -> list[TopicRow]:
    firm = Firm.objects.get(pk=viewer.firm_id)
    return topic_list(firm=firm, member=viewer.member)


def _row_or_404(viewer: Viewer, pk: int) -> TopicRow:
    try:
        topic_get(firm_id=viewer.firm_id, pk=pk)
    except Topic.DoesNotExist as exc:
        raise exceptions.NotFound() from exc
    rows = [r for r in _rows(viewer) if r.topic.pk == pk]
    if not rows:  # not active, or none of the caller's clients speak to it
        raise exceptions.NotFound()
    return topic_rows_detailed(rows=rows, member=viewer.member)[0]


class TopicListApi(BaseApi):
    """Active topics, emerging first, then by volume in the last period."""

    @extend_schema(
        operation_id="api_v1_topics_list",
        parameters=PAGING,
        responses={200: TopicPageOutSerializer},
    )
    def get(self, request: Request) -> Response:
        viewer = viewer_of(request)
        paginator = BoundedLimitOffsetPagination()
        page = paginator.paginate_queryset(_rows(viewer), request, view=self) or []
        rows = topic_rows_detailed(rows=page, member=viewer.member)
        return paginator.get_paginated_response(TopicOutSerializer(rows, many=True).data)


class TopicDetailApi(BaseApi):
    @extend_schema(responses={200: TopicDetailOutSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(TopicDetailOutSerializer(_row_or_404(viewer_of(request), pk)).data)


class TopicItemsApi(BaseApi):
    """The topic's feedback the caller sees, most representative first."""

    @extend_schema(parameters=PAGING, responses={200: TopicItemPageOutSerializer})
    def get(self, request: Request, pk: int) -> Response:
        viewer = viewer_of(request)
        row = _row_or_404(viewer, pk)
        paginator = BoundedLimitOffsetPagination()
        qs = topic_assignments(topic=row.topic, member=viewer.member)
        page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response(TopicItemOutSerializer(page, many=True).data)
