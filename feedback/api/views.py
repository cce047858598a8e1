"""REST API views: one per operation; parse, call a service or selector, serialise."""

from typing import TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.api import serializers as s
from feedback.api.access import AUTHENTICATION, IsFirmMemberOrKey, Viewer, viewer_of
from feedback.api.errors import validation_detail
from feedback.api.filters import CaseFilter, FeedbackFilter
from feedback.api.throttles import ReadThrottle, WriteThrottle
from feedback.models import (
    Case,
    Client,
    Contact,
    Feedback,
    Member,
    Source,
    Touchpoint,
)
from feedback.review import services as review
from feedback.review.events import feedback_created_emit
from feedback.review.selectors import case_events, case_get, case_list, member_get
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


def _ingest_order(item: dict) -> tuple:
    """(source, external id), then what an id derived from the content is made of."""
    received_at = item.get("received_at")
    return (
        item["source"],
        item.get("external_id") or "",
        received_at.isoformat() if received_at else "",
        item.get("sender", ""),
        item["text"],
    )


class FeedbackBulkIngestApi(BaseApi):
    """Ingest up to 500 items in one all-or-nothing request."""

    @extend_schema(request=s.FeedbackBulkInSerializer, responses={200: s.BulkIngestOutSerializer})
    def post(self, request: Request) -> Response:
        data = s.FeedbackBulkInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data["items"]
        results: list[dict] = [{}] * len(items)
        with transaction.atomic():
            # Rows are written in one canonical order (by their de-duplication key), whatever
            # the request's order: two bulk requests sharing ids then wait for each other
            # instead of deadlocking. Results keep the request's order.
            for index in sorted(range(len(items)), key=lambda i: _ingest_order(items[i])):
                try:
                    results[index] = _ingest_one(request, items[index])
                except exceptions.ValidationError as exc:
                    raise exceptions.ValidationError({"items": {index: exc.detail}}) from exc
                except DjangoValidationError as exc:
                    detail = validation_detail(exc)
                    raise exceptions.ValidationError({"items": {index: detail}}) from exc
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
        case = _case_or_404(viewer_of(request), pk)
        data = s.CaseOutSerializer(case).data
        data["events"] = s.CaseEventOutSerializer(case_events(case=case), many=True).data
        return Response(data)


def _case_or_404(viewer: Viewer, pk: int) -> Case:
    try:
        return case_get(firm_id=viewer.firm_id, member=viewer.member, pk=pk)
    except Case.DoesNotExist as exc:
        raise exceptions.NotFound() from exc


class _CaseActionApi(BaseApi):
    """One action on a case: the case must be visible to the caller, who must act as a member
    (an API key acts as the member who created it). Services raise Django's errors; the API's
    exception handler turns them into 400/403. Answers the case as it is afterwards."""

    InputSerializer: type[serializers.Serializer] = s.CaseActionInSerializer

    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        viewer = viewer_of(request)
        case = _case_or_404(viewer, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if viewer.actor is None:
            raise exceptions.PermissionDenied("This API key has no member to act as.")
        self.act(case=case, actor=viewer.actor, viewer=viewer, data=data.validated_data)
        return Response(s.CaseOutSerializer(_case_or_404(viewer, pk)).data)


class CaseAcknowledgeApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_acknowledge(case=case, member=actor)


class CaseNoteApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_note(case=case, member=actor, body=data.get("body", ""))


class CaseReplyApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_reply(case=case, member=actor, body=data.get("body", ""))


class CaseResolveApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_resolve(
            case=case, member=actor, outcome=data.get("outcome", ""), note=data.get("body", "")
        )


class CaseReassignApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        owner = member_get(firm_id=viewer.firm_id, pk=data.get("owner") or 0)
        if owner is None:
            raise exceptions.NotFound()
        review.case_reassign(case=case, member=actor, owner=owner)


CASE_ACTION_APIS: dict[str, type[_CaseActionApi]] = {
    "acknowledge": CaseAcknowledgeApi,
    "reassign": CaseReassignApi,
    "note": CaseNoteApi,
    "reply": CaseReplyApi,
    "resolve": CaseResolveApi,
}


class CaseActionApi(BaseApi):
    """Act on a case: acknowledge, reassign, note, reply or resolve. The one address
    (/cases/<pk>/actions/) hands the request to the view of the chosen `action`."""

    @extend_schema(request=s.CaseActionInSerializer, responses={200: s.CaseOutSerializer})
    def post(self, request: Request, pk: int) -> Response:
        choose = getattr(request.data, "get", None)
        action = choose("action") if choose else None
        # An unknown action reaches the base view, whose serializer refuses it (400).
        view = CASE_ACTION_APIS.get(action if isinstance(action, str) else "", _CaseActionApi)()
        view.request, view.args, view.kwargs = request, (), {"pk": pk}
        return view.post(request, pk)
