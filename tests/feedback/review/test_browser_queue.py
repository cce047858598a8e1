"""Browser test of the review queue and the dashboard KPIs, as an admin and an account manager
do them in Chromium against a live server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.dashboards.rollups import rollups_refresh_recent
from feedback.models import AuditEvent, Case, CaseStatus, Channel, Priority
from tests.browser import ARTIFACTS
from tests.factories import BrandPromiseFactory, ClientFactory, FeedbackFactory, SourceFactory
from tests.feedback.review.test_queue import _case
from tests.feedback.test_browser import page, sign_in  # noqa: F401 - the page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_filters_bulk_assigns_and_resolves_then_the_account_manager_sees_them(
    page,  # noqa: F811 - the fixture
    live_server,
    firm,
    client_of,
    api_source,
    promise,
    admin_member,
    teammate,
):
    # given: three urgent cases about Responsiveness (two clients), and decoys
    initech = ClientFactory(firm=firm, name="Initech")
    client_of.account_managers.add(teammate)
    fees = BrandPromiseFactory(firm=firm, name="Value for money")
    wanted = [
        _case(client_of, api_source, promise, Priority.URGENT, "Nobody called back."),
        _case(initech, api_source, promise, Priority.URGENT, "Slow replies again."),
    ]
    _case(client_of, api_source, promise, Priority.LOW, "A bit slow.")
    _case(client_of, api_source, fees, Priority.URGENT, "The invoice was a shock.")

    # when: the admin filters by promise and priority and bulk-assigns both to Tom
    sign_in(page, live_server, admin_member)
    page.goto(f"{live_server.url}/review/")
    page.select_option("#id_promise", str(promise.pk))
    page.select_option("#id_priority", "urgent")
    page.click("#queue-filters button:has-text('Apply')")
    page.wait_for_load_state("networkidle")
    rows = page.locator("tr.case-row")
    assert rows.count() == 2
    for case in wanted:
        page.check(f"#pick-{case.pk}")
    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-owner", str(teammate.pk))
    page.click("button:has-text('Apply to ticked cases')")
    page.wait_for_selector("text=Assign: 2 case(s).")
    page.screenshot(path=str(ARTIFACTS / "queue-bulk-assigned.png"), full_page=True)

    # and resolves one of them, still on the filtered queue
    page.check(f"#pick-{wanted[1].pk}")
    page.select_option("#bulk-action", "resolve")
    page.select_option("#bulk-outcome", "addressed")
    page.click("button:has-text('Apply to ticked cases')")
    page.wait_for_selector("text=Resolve: 1 case(s).")

    # then: stored as done, one audit event per case
    owners = dict(Case.objects.filter(pk__in=[c.pk for c in wanted]).values_list("pk", "owner"))
    assert owners == {wanted[0].pk: teammate.pk, wanted[1].pk: teammate.pk}
    assert Case.objects.get(pk=wanted[1].pk).status == CaseStatus.RESOLVED
    assert AuditEvent.objects.filter(action="case.reassigned").count() == 2
    assert AuditEvent.objects.filter(action="case.resolved").count() == 1

    # when: Tom signs in; his queue opens on "mine"
    page.context.clear_cookies()
    sign_in(page, live_server, teammate)
    page.goto(f"{live_server.url}/review/")
    page.wait_for_selector("h1:has-text('Review queue: mine')")
    mine = page.locator("tr.case-row").evaluate_all("rows => rows.map(r => r.dataset.case)")
    page.goto(f"{live_server.url}/review/?view=all&owner={teammate.pk}")
    owned = page.locator("tr.case-row").evaluate_all("rows => rows.map(r => r.dataset.case)")

    # then: the open one in "mine", both among his own, the resolved one shown resolved
    assert mine == [str(wanted[0].pk)]
    assert sorted(owned) == sorted(str(c.pk) for c in wanted)
    resolved = page.locator(f"tr[data-case='{wanted[1].pk}'] .case-status")
    assert resolved.inner_text() == "Resolved"


def test_admin_reads_the_kpis_and_the_period_filter_moves_every_tile(
    page,  # noqa: F811 - the fixture
    live_server,
    firm,
    client_of,
    admin_member,
):
    # given: NPS answers 10 days ago (all promoters) and 200 days ago (all detractors)
    survey = SourceFactory(firm=firm, channel=Channel.SURVEY, name="Surveys")
    now = timezone.now()
    for days, rating, count in ((10, 10, 12), (200, 3, 20)):
        for i in range(count):
            FeedbackFactory(
                source=survey,
                client=client_of,
                rating=rating,
                rating_scale=10,
                raw={"survey_kind": "nps"},
                received_at=now - timedelta(days=days, minutes=i),
            )
    rollups_refresh_recent(days_back=400)

    # when: the admin opens the dashboard (90 days by default), then picks one year
    sign_in(page, live_server, admin_member)
    page.goto(f"{live_server.url}/dashboard/")
    recent = (page.inner_text("#kpi-nps .kpi-value"), page.inner_text("#kpi-nps .kpi-n"))
    page.select_option("select[name=days]", "365")
    page.click("form.filters button:has-text('Apply')")
    page.wait_for_selector("#kpi-nps .kpi-n:has-text('32')")
    year = (page.inner_text("#kpi-nps .kpi-value"), page.inner_text("#kpi-nps .kpi-n"))
    page.screenshot(path=str(ARTIFACTS / "dashboard-kpis.png"), full_page=True)

    # then: 12 promoters (NPS 100, no margin shown as 0) against 32 answers, NPS -25
    assert recent == ("100", "12")
    assert year == ("-25", "32")
    assert "±" in page.inner_text("#kpi-nps")
