"""GET /api/v1/metrics/: NPS, CSAT, CES and the genuine review rating, each with its sample
size and margin of error (computed by feedback.metrics)."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from feedback import metrics
from feedback.api.access import viewer_of
from feedback.api.fields import SaneDateTimeField
from feedback.api.views import BaseApi
from feedback.models import Channel, Client, Firm, Touchpoint


class SummaryOutSerializer(serializers.Serializer):
    metric = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    sample_size = serializers.IntegerField()
    margin_of_error = serializers.FloatField(allow_null=True)
    breakdown = serializers.DictField(child=serializers.IntegerField())


class MetricsOutSerializer(serializers.Serializer):
    nps = SummaryOutSerializer()
    csat = SummaryOutSerializer()
    ces = SummaryOutSerializer()
    review_rating = SummaryOutSerializer()


class MetricsInSerializer(serializers.Serializer):
    client = serializers.IntegerField(required=False)
    touchpoint = serializers.IntegerField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    start = SaneDateTimeField(required=False)
    end = SaneDateTimeField(required=False)


def _summary(summary: metrics.Summary) -> dict:
    data = asdict(summary)
    return {k: data[k] for k in ("metric", "value", "sample_size", "margin_of_error", "breakdown")}


class MetricsApi(BaseApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("client", int),
            OpenApiParameter("touchpoint", int),
            OpenApiParameter("channel", str, enum=Channel.values),
            OpenApiParameter("start", str, description="ISO 8601 date-time"),
            OpenApiParameter("end", str, description="ISO 8601 date-time"),
        ],
        responses={200: MetricsOutSerializer},
    )
    def get(self, request: Request) -> Response:
        params = MetricsInSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data, viewer = params.validated_data, viewer_of(request)
        firm = Firm.objects.get(pk=viewer.firm_id)
        client = touchpoint = None
        if "client" in data:
            clients = Client.objects.filter(firm=firm)
            if viewer.member is not None and not viewer.member.sees_whole_firm:
                clients = clients.filter(account_managers=viewer.member)
            client = clients.filter(pk=data["client"]).first()
            if client is None:
                raise exceptions.ValidationError({"client": "Not one of your clients."})
        if "touchpoint" in data:
            touchpoint = Touchpoint.objects.filter(firm=firm, pk=data["touchpoint"]).first()
            if touchpoint is None:
                raise exceptions.ValidationError({"touchpoint": "Not found in your firm."})
        # The same slice the dashboard passes for its tiles (Filters.as_slice): one number.
        member = viewer.member
        slice_ = metrics.Slice(
            start=data.get("start"),
            end=data.get("end"),
            client=client,
            touchpoint=touchpoint,
            channel=data.get("channel"),
            managed_by=member if member is not None and not member.sees_whole_firm else None,
        )
        return Response(
            {
                "nps": _summary(metrics.nps_summary(firm=firm, **slice_)),
                "csat": _summary(metrics.csat_summary(firm=firm, **slice_)),
                "ces": _summary(metrics.ces_summary(firm=firm, **slice_)),
                "review_rating": _summary(metrics.review_rating_summary(firm=firm, **slice_)),
            }
        )
