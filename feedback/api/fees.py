"""POST /api/v1/fees/import/: fees per client and period, all rows or none (the same checks as
the CSV import); GET /api/v1/revenue-at-risk/: the caller's clients at risk with their fees."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from feedback.api.access import viewer_of
from feedback.api.views import BaseApi
from feedback.models import Client, Firm, Role
from feedback.selectors import client_list
from feedback.stake import imports
from feedback.stake.selectors import revenue_at_risk_get

TEXT = {"required": False, "allow_blank": True, "default": ""}


class FeeRowInSerializer(serializers.Serializer):
    client_external_id = serializers.CharField(max_length=100, **TEXT)
    client = serializers.CharField(max_length=200, **TEXT)
    month = serializers.CharField(max_length=7, help_text="YYYY-MM", **TEXT)
    period_start = serializers.CharField(max_length=10, help_text="YYYY-MM-DD", **TEXT)
    period_end = serializers.CharField(max_length=10, help_text="YYYY-MM-DD", **TEXT)
    amount = serializers.CharField(max_length=20, help_text="e.g. 12500.00")
    currency = serializers.CharField(max_length=3, help_text="ISO 4217, e.g. GBP")


class FeeImportInSerializer(serializers.Serializer):
    rows = FeeRowInSerializer(many=True, allow_empty=False, max_length=imports.MAX_ROWS)


class FeeImportOutSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class FeeImportApi(BaseApi):
    """All or nothing: a 400 names each bad row by its index (from 0) with its errors."""

    @extend_schema(request=FeeImportInSerializer, responses={200: FeeImportOutSerializer})
    def post(self, request: Request) -> Response:
        viewer = viewer_of(request)
        if viewer.member is not None and viewer.member.role != Role.ADMIN:
            raise PermissionDenied("Only the firm's admins import fees.")
        data = FeeImportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        firm = Firm.objects.get(pk=viewer.firm_id)
        records = [
            (index, {k: v.strip() for k, v in row.items()})
            for index, row in enumerate(data.validated_data["rows"])
        ]
        rows = imports.fee_rows_check(firm=firm, records=records)
        errors = imports.fee_errors(rows)
        if errors:
            raise exceptions.ValidationError({"rows": {str(k): v for k, v in errors.items()}})
        outcome = imports.fees_import(firm=firm, rows=rows)
        return Response(
            {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged}
        )


class ClientAtRiskOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="client.pk")
    name = serializers.CharField(source="client.name")
    fees = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    reasons = serializers.ListField(child=serializers.CharField())


class RevenueAtRiskOutSerializer(serializers.Serializer):
    at_risk = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    total = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    clients = ClientAtRiskOutSerializer(many=True)


class RevenueAtRiskApi(BaseApi):
    """Fees of the last twelve months (per currency) of the caller's clients at risk, and why.
    Account managers: their own clients; admins, analysts and API keys: the firm's."""

    @extend_schema(responses={200: RevenueAtRiskOutSerializer})
    def get(self, request: Request) -> Response:
        viewer = viewer_of(request)
        clients = (
            client_list(member=viewer.member)
            if viewer.member is not None
            else Client.objects.filter(firm_id=viewer.firm_id)
        )
        return Response(RevenueAtRiskOutSerializer(revenue_at_risk_get(clients=clients)).data)
