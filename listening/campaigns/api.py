"""POST /campaigns/api/<campaign>/trigger/: a touchpoint event (matter closed, invoice sent,
meeting held) asks one contact for a CSAT/CES answer. Same auth as the REST API (session or a
firm API key with the `write` scope)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from feedback.api.access import viewer_of
from feedback.api.views import BaseApi
from feedback.models import Contact, Engagement, Touchpoint
from listening.campaigns.models import Campaign
from listening.campaigns.services.launch import survey_trigger


class SurveyTriggerApi(BaseApi):
    class InputSerializer(serializers.Serializer):
        contact = serializers.IntegerField()
        event = serializers.CharField(max_length=90)
        engagement = serializers.IntegerField(required=False)
        touchpoint = serializers.IntegerField(required=False)
        send_at = serializers.DateTimeField(required=False)

    class OutputSerializer(serializers.Serializer):
        invitation = serializers.IntegerField(allow_null=True)
        created = serializers.BooleanField()
        skipped_reason = serializers.CharField(allow_blank=True)
        detail = serializers.CharField(allow_blank=True)

    @extend_schema(
        request=InputSerializer, responses={201: OutputSerializer, 200: OutputSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        firm_id = viewer_of(request).firm_id
        campaign = Campaign.objects.select_related("firm").filter(firm_id=firm_id, pk=pk).first()
        if campaign is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        related = {
            "contact": _own(Contact, firm_id, values.get("contact")),
            "engagement": _own(Engagement, firm_id, values.get("engagement")),
            "touchpoint": _own(Touchpoint, firm_id, values.get("touchpoint")),
        }
        if related["contact"] is None:
            raise exceptions.ValidationError({"contact": "No such contact in your firm."})
        try:
            result = survey_trigger(
                campaign=campaign,
                event=values["event"],
                scheduled_for=values.get("send_at"),
                **related,
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                getattr(exc, "message_dict", {"detail": exc.messages})
            ) from exc
        body = {
            "invitation": result.invitation.pk if result.invitation else None,
            "created": result.created,
            "skipped_reason": result.skip.reason if result.skip else "",
            "detail": result.skip.detail if result.skip else "",
        }
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(self.OutputSerializer(body).data, status=code)


def _own(model: Any, firm_id: int, pk: int | None) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(firm_id=firm_id, pk=pk).first()
    if obj is None:
        raise exceptions.ValidationError({model.__name__.lower(): "Not found in your firm."})
    return obj
