"""The "what is at stake" page: revenue at risk, retention and churn per quarter, and how well
the health score foretold churn (?window= quiet quarters before a client counts as gone)."""

from django.http import HttpResponse
from django.shortcuts import render

from feedback.access import MemberRequest, member_required
from feedback.selectors import client_list
from feedback.stake.churn import DEFAULT_WINDOW, MAX_WINDOW
from feedback.stake.prediction import health_churn_auc
from feedback.stake.selectors import churn_get, revenue_at_risk_get


def _window(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or DEFAULT_WINDOW), MAX_WINDOW))
    except ValueError:
        return DEFAULT_WINDOW


@member_required
def overview(request: MemberRequest) -> HttpResponse:
    member = request.member
    window = _window(request.GET.get("window"))
    churn = churn_get(member=member, window=window)
    clients = {c.pk: c for c in client_list(member=member)}
    context = {
        "member": member,
        "mine_only": not member.sees_whole_firm,
        "risk": revenue_at_risk_get(clients=clients.values()),
        "churn": list(reversed(churn)),
        "auc": health_churn_auc(churn, clients=clients),
        "window": window,
        "windows": range(1, MAX_WINDOW + 1),
    }
    return render(request, "feedback/stake/overview.html", context)
