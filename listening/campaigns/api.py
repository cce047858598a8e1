"""The campaigns REST API, mounted at /api/v1/campaigns/ by urls_api.py: list and read a firm's
survey campaigns, and trigger a CSAT/CES invitation from a touchpoint event (matter closed,
invoice sent, meeting held). Same authentication, permissions, throttles and pagination as
feedback/api: a member's session or a firm API key (`read` scope to read, `write` to trigger)."""

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from feedback import metrics
from feedback.api.access import IsFirmMemberOrKey, viewer_of
from feedback.api.fields import SaneDateTimeField
from feedback.api.metrics import SummaryOutSerializer
from feedback.api.views import BaseApi
from feedback.models import Contact, Engagement, Touchpoint
from feedback.selectors import client_visible_to
from listening.campaigns.models import Campaign, SurveyKind
from listening.campaigns.selectors import (
    campaign_get,
    campaign_invitation_counts,
    campaign_list,
    response_rate_summary,
)
from listening.campaigns.services.launch import survey_trigger

# The score each kind of campaign asks for, summarised over its own answers.
KIND_SUMMARY: dict[str, Callable[..., metrics.Summary]] = {
    SurveyKind.NPS: metrics.nps_summary,
    SurveyKind.CSAT: metrics.csat_summary,
    SurveyKind.CES: metrics.ces_summary,
    SurveyKind.REVIEW: metrics.review_rating_summary,
}


class SeesWholeFirm(permissions.BasePermission):
    """API keys, admins and analysts. A campaign's figures span every client of the firm, so
    account managers (who see only their own clients) are refused."""

    message = "Only admins, analysts and API keys read campaigns."

    def has_permission(self, request: Request, view: object) -> bool:
        member = viewer_of(request).member
        return member is None or member.sees_whole_firm


class CampaignFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SurveyKind.choices)
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices)

    class Meta:
        model = Campaign
        fields: list[str] = []


class CampaignOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "segment",
            "touchpoint_id",
            "question",
            "reminder_after_days",
            "link_valid_days",
            "created_at",
        ]


class InvitationCountsOutSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField()
    reminding = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    responded = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Not sent, with a recorded reason.")


class CampaignDetailOutSerializer(CampaignOutSerializer):
    # The shape CampaignDetailApi returns, for the schema; schemathesis checks they agree.
    invitations = InvitationCountsOutSerializer()
    response_rate = SummaryOutSerializer(help_text="Answered share of the sent invitations.")
    metric = SummaryOutSerializer(help_text="The campaign's score over its own answers.")

    class Meta(CampaignOutSerializer.Meta):
        fields = [*CampaignOutSerializer.Meta.fields, "invitations", "response_rate", "metric"]


class CampaignTriggerInSerializer(serializers.Serializer):
    contact = serializers.IntegerField()
    event = serializers.CharField(max_length=90, help_text="Your id of the event (idempotency).")
    engagement = serializers.IntegerField(required=False)
    touchpoint = serializers.IntegerField(required=False)
    send_at = SaneDateTimeField(required=False)


class CampaignTriggerOutSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(allow_null=True)
    created = serializers.BooleanField()
    skipped_reason = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True)


def _campaign_or_404(request: Request, pk: int) -> Campaign:
    """Another firm's campaign is not found, like a missing one."""
    try:
        return campaign_get(firm_id=viewer_of(request).firm_id, pk=pk)
    except Campaign.DoesNotExist as exc:
        raise exceptions.NotFound() from exc


class CampaignListApi(BaseApi, generics.ListAPIView):
    """The firm's campaigns, filtered by kind and status."""

    permission_classes = [IsFirmMemberOrKey, SeesWholeFirm]
    serializer_class = CampaignOutSerializer
    filterset_class = CampaignFilter

    def get_queryset(self) -> QuerySet[Campaign]:
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return campaign_list(firm_id=viewer_of(self.request).firm_id)


class CampaignDetailApi(BaseApi):
    """One campaign with its invitation counts, response rate and score (each with its
    sample size and margin of error)."""

    permission_classes = [IsFirmMemberOrKey, SeesWholeFirm]

    @extend_schema(responses={200: CampaignDetailOutSerializer})
    def get(self, request: Request, pk: int) -> Response:
        campaign = _campaign_or_404(request, pk)
        firm, campaign_id = campaign.firm, campaign.pk
        rate = response_rate_summary(firm=firm, campaign_id=campaign_id)
        score = KIND_SUMMARY[campaign.kind](firm=firm, campaign_id=campaign_id)
        data = CampaignOutSerializer(campaign).data
        data["invitations"] = InvitationCountsOutSerializer(
            campaign_invitation_counts(campaign=campaign)
        ).data
        data["response_rate"] = SummaryOutSerializer(rate).data
        data["metric"] = SummaryOutSerializer(score).data
        return Response(data)


class CampaignTriggerApi(BaseApi):
    """A touchpoint event asks one contact for a CSAT/CES answer, through the same governance
    as every invitation: 201 when invited, 200 with the reason when skipped or already invited
    for this event. Account managers may ask contacts of their own clients only."""

    @extend_schema(
        request=CampaignTriggerInSerializer,
        responses={201: CampaignTriggerOutSerializer, 200: CampaignTriggerOutSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = _campaign_or_404(request, pk)
        data = CampaignTriggerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, firm_id = data.validated_data, campaign.firm_id
        related = {
            "contact": _own(Contact, firm_id, values["contact"]),
            "engagement": _own(Engagement, firm_id, values.get("engagement")),
            "touchpoint": _own(Touchpoint, firm_id, values.get("touchpoint")),
        }
        member = viewer_of(request).member
        if (
            member is not None
            and not member.sees_whole_firm
            and not client_visible_to(member=member, client_id=related["contact"].client_id)
        ):
            raise exceptions.ValidationError({"contact": "Not a contact of your clients."})
        result = survey_trigger(
            campaign=campaign,
            event=values["event"],
            scheduled_for=values.get("send_at"),
            **related,
        )
        body = {
            "invitation": result.invitation.pk if result.invitation else None,
            "created": result.created,
            "skipped_reason": result.skip.reason if result.skip else "",
            "detail": result.skip.detail if result.skip else "",
        }
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(CampaignTriggerOutSerializer(body).data, status=code)


@extend_schema_view(post=extend_schema(deprecated=True, operation_id="campaign_trigger_legacy"))
class SurveyTriggerApi(CampaignTriggerApi):
    """The trigger's first address, /campaigns/api/<pk>/trigger/, kept for integrations that
    already call it; use /api/v1/campaigns/<pk>/trigger/."""


def _own(model: Any, firm_id: int, pk: int | None) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(firm_id=firm_id, pk=pk).first()
    if obj is None:
        raise exceptions.ValidationError({model.__name__.lower(): "Not found in your firm."})
    return obj
