"""REST API views: one per operation; parse, call a service or selector, serialise."""

from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.api import serializers as s
from feedback.api.access import AUTHENTICATION, IsFirmMemberOrKey, Viewer, viewer_of
from feedback.api.bulk import bulk_ingest
from feedback.api.filters import CaseFilter, FeedbackFilter
from feedback.api.throttles import ReadThrottle, WriteThrottle
from feedback.models import (
    Case,
    Client,
    Contact,
    Feedback,
    Source,
    Touchpoint,
)
from feedback.review.events import feedback_created_emit
from feedback.review.selectors import case_events, case_get, case_list
from feedback.selectors import feedback_with_analysis_list
from feedback.services import feedback_ingest

M = TypeVar("M", bound=Model)


class BaseApi(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsFirmMemberOrKey]

    def get_throttles(self):  # type: ignore[no-untyped-def]
        safe = self.request.method in ("GET", "HEAD", "OPTIONS")
        return [ReadThrottle()] if safe else [WriteThrottle()]


def _feedback_queryset(request: Request) -> QuerySet[Feedback]:
    viewer = viewer_of(request)
    return feedback_with_analysis_list(firm_id=viewer.firm_id, member=viewer.member)


class FeedbackListApi(BaseApi, generics.ListAPIView):
    """List and filter feedback with its analysis; POST ingests one item."""

    serializer_class = s.FeedbackOutSerializer
    filterset_class = FeedbackFilter

    def get_queryset(self) -> QuerySet[Feedback]:
        if getattr(self, "swagger_fake_view", False):
            return Feedback.objects.none()
        return _feedback_queryset(self.request)

    @extend_schema(
        request=s.FeedbackInSerializer,
        responses={201: s.IngestOutSerializer, 200: s.IngestOutSerializer},
    )
    def post(self, request: Request) -> Response:
        data = s.FeedbackInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            result = _ingest_one(request, data.validated_data)
        code = status.HTTP_201_CREATED if result["created"] else status.HTTP_200_OK
        return Response(result, status=code)


def _firm_object(model: type[M], firm_id: int, pk: int | None, field: str) -> M | None:
    if pk is None:
        return None
    obj = model._default_manager.filter(firm_id=firm_id, pk=pk).first()
    if obj is None:
        raise exceptions.ValidationError({field: "Not found in your firm."})
    return obj


def _ingest_one(request: Request, data: dict) -> dict:
    viewer = viewer_of(request)
    firm_id = viewer.firm_id
    source = _firm_object(Source, firm_id, data["source"], "source")
    if source is None:
        raise exceptions.ValidationError({"source": "This field is required."})
    result = feedback_ingest(
        source=source,
        text=data["text"],
        external_id=data.get("external_id") or None,
        received_at=data.get("received_at"),
        sender=data.get("sender", ""),
        subject=data.get("subject", ""),
        client=_firm_object(Client, firm_id, data.get("client"), "client"),
        contact=_firm_object(Contact, firm_id, data.get("contact"), "contact"),
        touchpoint=_firm_object(Touchpoint, firm_id, data.get("touchpoint"), "touchpoint"),
        rating=data.get("rating"),
        rating_scale=data.get("rating_scale"),
        language=data.get("language", ""),
    )
    if result.created:
        feedback_created_emit(feedback=result.feedback)
    return {"id": result.feedback.pk, "created": result.created}


class FeedbackBulkIngestApi(BaseApi):
    """Ingest up to 500 items in one all-or-nothing request."""

    @extend_schema(request=s.FeedbackBulkInSerializer, responses={200: s.BulkIngestOutSerializer})
    def post(self, request: Request) -> Response:
        data = s.FeedbackBulkInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = bulk_ingest(request, data.validated_data["items"])
        return Response({"results": results})


class FeedbackDetailApi(BaseApi, generics.RetrieveAPIView):
    serializer_class = s.FeedbackOutSerializer

    def get_queryset(self) -> QuerySet[Feedback]:
        if getattr(self, "swagger_fake_view", False):
            return Feedback.objects.none()
        return _feedback_queryset(self.request)


class CaseListApi(BaseApi, generics.ListAPIView):
    """Cases visible to the caller (account managers: their clients' and their own)."""

    serializer_class = s.CaseOutSerializer
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        viewer = viewer_of(self.request)
        return case_list(firm_id=viewer.firm_id, member=viewer.member)


class CaseDetailApi(BaseApi):
    @extend_schema(responses={200: s.CaseOutSerializer})
    def get(self, request: Request, pk: int) -> Response:
        case = case_or_404(viewer_of(request), pk)
        data = s.CaseOutSerializer(case).data
        data["events"] = s.CaseEventOutSerializer(case_events(case=case), many=True).data
        return Response(data)


def case_or_404(viewer: Viewer, pk: int) -> Case:
    try:
        return case_get(firm_id=viewer.firm_id, member=viewer.member, pk=pk)
    except Case.DoesNotExist as exc:
        raise exceptions.NotFound() from exc
