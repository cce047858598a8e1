"""Admins manage their firm's API keys: create (the secret is shown once), list, revoke."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest, member_required
from feedback.api_keys import api_key_create, api_key_get, api_key_list, api_key_revoke
from feedback.models import Role


def _admin_only(request: MemberRequest) -> HttpResponse | None:
    if request.member.role != Role.ADMIN:
        return HttpResponse("Only admins manage API keys.", status=403)
    return None


@require_http_methods(["GET", "POST"])
@member_required
def api_keys(request: MemberRequest) -> HttpResponse:
    if denied := _admin_only(request):
        return denied
    secret, error = None, None
    if request.method == "POST":
        try:
            _, secret = api_key_create(
                firm=request.member.firm,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
                created_by=request.member,
            )
        except ValidationError as exc:
            error = "; ".join(" ".join(v) for v in exc.message_dict.values())
    keys = api_key_list(firm_id=request.member.firm_id)
    return render(
        request,
        "feedback/review/api_keys.html",
        {"keys": keys, "secret": secret, "error": error, "member": request.member},
        status=400 if error else 200,
    )


@require_POST
@member_required
def api_key_revoke_view(request: MemberRequest, pk: int) -> HttpResponse:
    if denied := _admin_only(request):
        return denied
    key = api_key_get(firm_id=request.member.firm_id, pk=pk)
    if key is None:
        raise Http404("No such key.")
    api_key_revoke(key=key, member=request.member)
    return redirect("review:api_keys")
