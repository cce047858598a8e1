"""Case actions over the API: one address and one view per action
(`/api/v1/cases/<id>/acknowledge/`, `…/note/`, `…/reply/`, `…/resolve/`, `…/reassign/`).

The older single address `/api/v1/cases/<id>/actions/` (with `"action": "<name>"` in the body)
stays for integrations written against it and hands the request to the same views."""

from collections.abc import Callable

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from feedback.api import serializers as s
from feedback.api.access import Viewer, viewer_of
from feedback.api.views import BaseApi, case_or_404
from feedback.models import Case, Member
from feedback.review import services as review
from feedback.review.selectors import member_get


def _documented(serializer: type[serializers.Serializer]) -> Callable[[type], type]:
    """An action's view reads its own input; its schema says so and answers the case."""

    def decorate(view: type) -> type:
        view.InputSerializer = serializer  # type: ignore[attr-defined]
        schema = extend_schema(request=serializer, responses={200: s.CaseOutSerializer})
        return extend_schema_view(post=schema)(view)

    return decorate


class _CaseActionApi(BaseApi):
    """One action on a case: the case must be visible to the caller, who must act as a member
    (an API key acts as the member who created it). Services raise Django's errors; the API's
    exception handler turns them into 400/403. Answers the case as it is afterwards."""

    InputSerializer: type[serializers.Serializer] = s.CaseActionInSerializer

    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        raise exceptions.ValidationError({"action": "Choose one of: " + ", ".join(CASE_ACTIONS)})

    def post(self, request: Request, pk: int) -> Response:
        viewer = viewer_of(request)
        case = case_or_404(viewer, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if viewer.actor is None:
            raise exceptions.PermissionDenied("This API key has no member to act as.")
        self.act(case=case, actor=viewer.actor, viewer=viewer, data=data.validated_data)
        return Response(s.CaseOutSerializer(case_or_404(viewer, pk)).data)


@_documented(s.CaseAcknowledgeInSerializer)
class CaseAcknowledgeApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_acknowledge(case=case, member=actor)


@_documented(s.CaseBodyInSerializer)
class CaseNoteApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_note(case=case, member=actor, body=data.get("body", ""))


@_documented(s.CaseBodyInSerializer)
class CaseReplyApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_reply(case=case, member=actor, body=data.get("body", ""))


@_documented(s.CaseResolveInSerializer)
class CaseResolveApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        review.case_resolve(
            case=case, member=actor, outcome=data.get("outcome", ""), note=data.get("body", "")
        )


@_documented(s.CaseReassignInSerializer)
class CaseReassignApi(_CaseActionApi):
    def act(self, *, case: Case, actor: Member, viewer: Viewer, data: dict) -> None:
        owner = member_get(firm_id=viewer.firm_id, pk=data["owner"])
        if owner is None:
            raise exceptions.NotFound()
        review.case_reassign(case=case, member=actor, owner=owner)


CASE_ACTIONS: dict[str, type[_CaseActionApi]] = {
    "acknowledge": CaseAcknowledgeApi,
    "reassign": CaseReassignApi,
    "note": CaseNoteApi,
    "reply": CaseReplyApi,
    "resolve": CaseResolveApi,
}


class CaseActionApi(BaseApi):
    """The older single address: `{"action": "<name>", ...}` chooses one of the views above."""

    @extend_schema(
        request=s.CaseActionInSerializer, responses={200: s.CaseOutSerializer}, deprecated=True
    )
    def post(self, request: Request, pk: int) -> Response:
        choose = getattr(request.data, "get", None)
        action = choose("action") if choose else None
        # An unknown action reaches the base view, whose serializer refuses it (400).
        view = CASE_ACTIONS.get(action if isinstance(action, str) else "", _CaseActionApi)()
        view.request, view.args, view.kwargs = request, (), {"pk": pk}
        return view.post(request, pk)
