"""Dashboards: the firm overview and the client page. Every chart has a CSV export with the
same filters (?days= or ?from=&to=, &client=&touchpoint=&channel=&topic=)."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from feedback.access import MemberRequest, member_required
from feedback.analysis import analysis_effective_map
from feedback.dashboards import selectors as sel
from feedback.dashboards.chart_links import chart_links
from feedback.dashboards.health import client_health, early_warnings
from feedback.dashboards.kpis import kpis_get
from feedback.lens.matrix import matrix_layout
from feedback.lens.selectors import client_gap_get
from feedback.lens.views import may_set_expectations
from feedback.links import explorer_url
from feedback.models import CaseEvent, Channel, Client, Member, Topic, TopicStatus, Touchpoint
from feedback.selectors import client_list
from feedback.topics.selectors import topics_emerging

EARLY_WARNING_CLIENTS = 500
CHARTS = ("sentiment", "emotions", "promises", "nps", "csat")


@member_required
def overview(request: MemberRequest) -> HttpResponse:
    f = sel.filters_from(request.member, request.GET)
    charts = sel.charts_for(f)
    kpis = kpis_get(f)
    links = chart_links(charts, f)
    summary = sel.promise_summary(charts["promises"])
    for row in summary:  # each scorecard row leads to the comments behind it
        row["explore"] = links["scorecard"].get(row["promise"], {})
    context = {
        "member": request.member,
        "filters": f,
        "query": request.GET.urlencode(),
        "charts": charts,
        "chart_links": links,
        "promise_summary": summary,
        "kpis": kpis,
        "cases": {"open": kpis.open_cases, "overdue": kpis.overdue_cases},
        "nps_granularity": charts["nps"][0]["granularity"] if charts["nps"] else "week",
        "clients": client_list(member=request.member),
        "warnings": _early_warnings(request.member),
        "emerging": topics_emerging(firm=request.member.firm, member=request.member),
        "touchpoints": Touchpoint.objects.filter(firm_id=request.member.firm_id),
        "topics": Topic.objects.filter(
            firm_id=request.member.firm_id, status=TopicStatus.ACTIVE
        ).order_by("label"),
        "channels": Channel.choices,
        "days": None if f.custom else (f.end - f.start).days,
        "range_from": timezone.localdate(f.start),
        "range_to": f.last_day,
        "periods": [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")],
    }
    return render(request, "feedback/dashboards/overview.html", context)


def _early_warnings(member: Member) -> list[tuple[Client, list[str]]]:
    """The member's clients (an admin's: the firm's) whose sentiment falls or who went quiet
    (one query)."""
    clients = list(client_list(member=member)[:EARLY_WARNING_CLIENTS])
    found = early_warnings(client_ids=[c.pk for c in clients])
    return [(c, found[c.pk]) for c in clients if c.pk in found]


@member_required
def export_csv(request: MemberRequest, chart: str) -> HttpResponse:
    if chart not in CHARTS:
        raise Http404("No such chart.")
    rows = sel.charts_for(sel.filters_from(request.member, request.GET))[chart]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="earshot-{chart}.csv"'
    writer = csv.writer(response)
    if rows:
        writer.writerow(rows[0].keys())
        for row in rows:
            # A leading =,+,-,@ would be run as a formula by spreadsheets.
            writer.writerow(
                "'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row.values()
            )
    return response


@member_required
def client_page(request: MemberRequest, pk: int) -> HttpResponse:
    try:
        client = sel.client_get(member=request.member, pk=pk)
    except Client.DoesNotExist as exc:
        raise Http404("No such client.") from exc
    feedback = list(
        client.feedback.select_related("source", "contact", "touchpoint", "case").order_by(
            "-received_at"
        )[:100]
    )
    replies = CaseEvent.objects.filter(
        case__client=client, kind__in=["reply", "resolved"]
    ).select_related("actor", "case")[:100]
    effective = analysis_effective_map(feedback)
    timeline = sorted(
        [("feedback", item.received_at, item, effective[item.pk]) for item in feedback]
        + [("event", e.created_at, e, None) for e in replies],
        key=lambda t: t[1],
        reverse=True,
    )
    period = sel.filters_from(request.member, request.GET)
    f = sel.Filters(
        firm_id=period.firm_id,
        member=period.member,
        start=period.start,
        end=period.end,
        client_id=client.pk,
    )
    charts = {"sentiment": sel.sentiment_over_time(f), "promises": sel.promise_scorecard(f)}
    gap = client_gap_get(client=client)
    context = {
        "gap": gap,
        "matrix": matrix_layout(gap.points, gap.threshold) if gap else None,
        "may_set_expectations": may_set_expectations(request.member),
        "member": request.member,
        "client": client,
        "timeline": timeline,
        "health": client_health(client=client),
        "charts": charts,
        "chart_links": chart_links(charts, f),
        "query": f"client={client.pk}",
        "explore": {
            "all": explorer_url(client=client.pk),
            "intent": explorer_url(client=client.pk, intent=1),
            "negative": explorer_url(client=client.pk, sentiment="negative"),
            "open_cases": explorer_url(client=client.pk, case_status="open"),
        },
    }
    return render(request, "feedback/dashboards/client.html", context)
