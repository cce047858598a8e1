"""REST endpoints for a contact's export and erasure: a firm admin's session only (an API key
acts for no one in particular, and an erasure needs a person who answers for it)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.api.access import AUTHENTICATION
from feedback.api.errors import validation_detail
from feedback.api.keys import ApiKeyUser
from feedback.api.throttles import ReadThrottle, WriteThrottle
from feedback.models import Contact, Member, Role
from feedback.privacy import selectors, services


class IsFirmAdmin(permissions.BasePermission):
    message = "Only the firm's admins, signed in, export or erase a contact's data."

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        if isinstance(user, ApiKeyUser) or not (user and user.is_authenticated):
            return False
        member: Member | None = getattr(user, "member", None)
        return member is not None and member.role == Role.ADMIN


class _PrivacyApi(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [permissions.IsAuthenticated, IsFirmAdmin]

    def get_throttles(self):  # type: ignore[no-untyped-def]
        return [ReadThrottle()] if self.request.method == "GET" else [WriteThrottle()]

    def _contact(self, request: Request, pk: int) -> Contact:
        contact = selectors.contact_get(firm_id=request.user.member.firm_id, pk=pk)
        if contact is None:
            raise Http404
        return contact


class ContactExportApi(_PrivacyApi):
    """Everything Earshot holds about the contact (audited as an export)."""

    @extend_schema(responses={200: OpenApiResponse(description="The contact's data (JSON).")})
    def get(self, request: Request, pk: int) -> Response:
        contact = self._contact(request, pk)
        return Response(services.contact_export(contact=contact, member=request.user.member))


class ContactEraseApi(_PrivacyApi):
    """Erase the contact (irreversible): `confirm` must repeat the contact's e-mail address."""

    class InputSerializer(serializers.Serializer):
        confirm = serializers.CharField(max_length=254)

    class OutputSerializer(serializers.Serializer):
        erased = serializers.DictField(child=serializers.IntegerField())

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        contact = self._contact(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            counts = services.contact_erase(
                contact=contact,
                member=request.user.member,
                confirm=data.validated_data["confirm"],
            )
        except ValidationError as exc:
            raise serializers.ValidationError(validation_detail(exc)) from exc
        return Response({"erased": counts})
