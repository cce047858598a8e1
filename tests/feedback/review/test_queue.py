"""The review queue: filters, sorting, default views, bulk actions (scoped and audited), CSV
export, and reply templates down to the e-mail on a real SMTP server."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import AuditEvent, Case, CaseStatus, Priority, ReplyTemplate
from feedback.review.bulk import cases_bulk_act
from feedback.review.notify import case_reply_send
from feedback.tasks import on_analysed
from tests.factories import BrandPromiseFactory, ClientFactory, ContactFactory, FeedbackFactory
from tests.feedback.conftest import analyse, browser_for
from tests.listening.campaigns.conftest import smtp_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _case(client, source, promise=None, priority=Priority.NORMAL, text="It went badly.") -> Case:
    contact = ContactFactory(client=client)
    item = FeedbackFactory(
        source=source,
        client=client,
        contact=contact,
        text=text,
        received_at=timezone.now() - timedelta(hours=2),
    )
    themes = [(promise, "negative", 0.7, [text])] if promise else []
    analyse(item, negative=0.95, themes=themes)
    (case_id,) = on_analysed([item.pk])
    Case.objects.filter(pk=case_id).update(priority=priority)
    return Case.objects.get(pk=case_id)


@pytest.fixture
def queue(firm, client_of, api_source, promise, admin_member):
    """Four cases: three of the account manager's client (two about Responsiveness, one
    urgent), one of another client owned by nobody."""
    initech = ClientFactory(firm=firm, name="Initech")
    fees = BrandPromiseFactory(firm=firm, name="Value for money")
    return {
        "urgent_promise": _case(client_of, api_source, promise, Priority.URGENT),
        "normal_promise": _case(client_of, api_source, promise, Priority.NORMAL),
        "urgent_fees": _case(client_of, api_source, fees, Priority.URGENT),
        "initech": _case(initech, api_source, promise, Priority.URGENT),
        "initech_client": initech,
    }


def _listed(member, params: str = "") -> list[Case]:
    response = browser_for(member).get(reverse("review:queue") + "?" + params)
    assert response.status_code == 200
    return list(response.context["cases"])


def test_queue_filters_by_promise_and_priority(queue, admin_member, promise):
    # when
    cases = _listed(admin_member, f"view=all&promise={promise.pk}&priority=urgent")

    # then: urgent cases about Responsiveness only, of every client the admin sees
    assert {c.pk for c in cases} == {queue["urgent_promise"].pk, queue["initech"].pk}


def test_queue_filters_by_client_status_and_owner(queue, admin_member, account_manager):
    initech = queue["initech_client"]
    assert _listed(admin_member, f"view=all&client={initech.pk}") == [queue["initech"]]
    assert _listed(admin_member, "view=all&owner=none") == [queue["initech"]]
    owned = _listed(admin_member, f"view=all&owner={account_manager.pk}")
    assert len(owned) == 3
    assert _listed(admin_member, "view=all&status=resolved") == []


def test_the_promise_filter_reads_only_the_current_analysis(queue, admin_member, promise):
    # given: the normal case re-analysed by a newer model that no longer sees the promise
    item = queue["normal_promise"].feedback
    analyse(item, negative=0.95, themes=[], model_version="test-2")

    # when
    cases = _listed(admin_member, f"view=all&promise={promise.pk}")

    # then
    assert queue["normal_promise"] not in cases and queue["urgent_promise"] in cases


def test_account_managers_client_choices_are_their_own(queue, account_manager, client_of):
    response = browser_for(account_manager).get(reverse("review:queue"))
    choices = list(response.context["filter"].form.fields["client"].queryset)
    assert choices == [client_of]
    foreign = _listed(account_manager, f"view=all&client={queue['initech_client'].pk}")
    assert queue["initech"] not in foreign


def test_sorting_by_urgency_puts_urgent_cases_first(queue, admin_member):
    cases = _listed(admin_member, "view=all&sort=-priority")
    assert [c.priority for c in cases] == ["urgent", "urgent", "urgent", "normal"]
    assert _listed(admin_member, "view=all&sort=priority")[0] == queue["normal_promise"]


def test_admin_lands_on_the_team_and_account_manager_on_their_own(
    queue, admin_member, account_manager
):
    admin = browser_for(admin_member).get(reverse("review:queue"))
    am = browser_for(account_manager).get(reverse("review:queue"))
    assert admin.context["view"] == "team" and len(admin.context["cases"]) == 4
    assert am.context["view"] == "mine" and len(am.context["cases"]) == 3


def test_bulk_assign_audits_one_event_per_case(queue, admin_member, teammate):
    # given
    picked = [queue["urgent_promise"].pk, queue["initech"].pk]

    # when
    response = browser_for(admin_member).post(
        reverse("review:bulk"),
        {"action": "assign", "owner": teammate.pk, "cases": picked, "next": "view=all"},
    )

    # then
    assert response.status_code == 302 and response["Location"].endswith("?view=all")
    assert set(Case.objects.filter(owner=teammate).values_list("pk", flat=True)) == set(picked)
    audits = AuditEvent.objects.filter(action="case.reassigned")
    assert sorted(int(a.object_id) for a in audits) == sorted(picked)
    assert all(a.actor == admin_member.user for a in audits)


def test_bulk_acknowledge_and_resolve_go_through_the_case_services(queue, account_manager):
    mine = [queue["urgent_promise"].pk, queue["normal_promise"].pk]
    cases_bulk_act(member=account_manager, case_ids=mine, action="acknowledge")
    cases_bulk_act(member=account_manager, case_ids=mine, action="acknowledge")  # idempotent
    result = cases_bulk_act(
        member=account_manager, case_ids=mine[:1], action="resolve", outcome="addressed"
    )
    assert result.done == 1
    statuses = dict(Case.objects.filter(pk__in=mine).values_list("pk", "status"))
    assert statuses == {mine[0]: CaseStatus.RESOLVED, mine[1]: CaseStatus.ACKNOWLEDGED}
    assert AuditEvent.objects.filter(action="case.acknowledged").count() == 2
    assert AuditEvent.objects.filter(action="case.resolved").count() == 1
    assert Case.objects.get(pk=mine[0]).outcome == "addressed"


def test_account_manager_cannot_bulk_act_on_another_clients_case(queue, account_manager):
    # given one of their cases and one of a client they do not manage
    picked = [queue["urgent_promise"].pk, queue["initech"].pk]

    # when
    response = browser_for(account_manager).post(
        reverse("review:bulk"), {"action": "resolve", "outcome": "no_action", "cases": picked}
    )

    # then: refused as a whole; nothing changed, nothing audited
    assert response.status_code == 403
    assert not Case.objects.filter(status=CaseStatus.RESOLVED).exists()
    assert not AuditEvent.objects.filter(action="case.resolved").exists()


def test_analyst_and_outsider_cannot_bulk_act(queue, analyst, outsider):
    picked = [queue["urgent_promise"].pk]
    for member in (analyst, outsider):
        response = browser_for(member).post(
            reverse("review:bulk"), {"action": "acknowledge", "cases": picked}
        )
        assert response.status_code == 403
    assert Case.objects.get(pk=picked[0]).status == CaseStatus.OPEN


def test_bulk_without_an_outcome_or_cases_is_refused_with_a_message(queue, admin_member):
    browser = browser_for(admin_member)
    response = browser.post(
        reverse("review:bulk"),
        {"action": "resolve", "cases": [queue["initech"].pk], "next": "view=all"},
        follow=True,
    )
    assert "Choose one of" in response.content.decode()
    assert Case.objects.get(pk=queue["initech"].pk).status == CaseStatus.OPEN
    response = browser.post(reverse("review:bulk"), {"action": "acknowledge"}, follow=True)
    assert "Choose at least one case." in response.content.decode()


def test_export_is_the_filtered_queue_as_csv(queue, admin_member, promise):
    response = browser_for(admin_member).get(
        reverse("review:export") + f"?view=all&promise={promise.pk}&priority=urgent"
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {int(r["case_id"]) for r in rows} == {queue["urgent_promise"].pk, queue["initech"].pk}
    assert {r["client"] for r in rows} == {"Globex Corp", "Initech"}


# --- reply templates ---


def test_admin_manages_reply_templates_and_others_may_not(admin_member, account_manager, firm):
    browser = browser_for(admin_member)
    url = reverse("review:reply_templates")
    body = "Dear {contact_first_name},\nThank you. {firm_name}"
    assert browser.post(url, {"name": "Thanks", "body": body}).status_code == 302
    template = ReplyTemplate.objects.get(firm=firm, name="Thanks")
    assert template.body == body
    edit = reverse("review:reply_template_edit", args=[template.pk])
    assert browser.post(edit, {"name": "Thank you", "body": body}).status_code == 302
    assert ReplyTemplate.objects.get(pk=template.pk).name == "Thank you"
    assert AuditEvent.objects.filter(action="reply_template.saved").count() == 2
    assert browser_for(account_manager).get(url).status_code == 403
    assert browser_for(account_manager).post(edit, {"name": "x", "body": "y"}).status_code == 403
    delete = reverse("review:reply_template_delete", args=[template.pk])
    assert browser.post(delete).status_code == 302
    assert not ReplyTemplate.objects.exists()


@pytest.mark.parametrize(
    "body", ["Hello {client}", "Hello {firm_name.__class__}", "Hello {firm_name:>999}", "a { b"]
)
def test_a_template_with_an_unknown_placeholder_is_refused(admin_member, body):
    response = browser_for(admin_member).post(
        reverse("review:reply_templates"), {"name": "Bad", "body": body}
    )
    assert response.status_code == 400
    assert not ReplyTemplate.objects.exists()


def test_another_firms_template_is_404(admin_member, outsider, firm):
    template = ReplyTemplate.objects.create(firm=firm, name="Ours", body="Hi")
    edit = reverse("review:reply_template_edit", args=[template.pk])
    assert browser_for(outsider).post(edit, {"name": "x", "body": "y"}).status_code == 404


def test_reply_from_a_template_arrives_by_smtp_from_the_firm_quoting_the_client(
    smtp_server,  # noqa: F811 - the fixture
    case,
    account_manager,
    firm,
):
    # given: a firm reply address and a template; the account manager has a name
    firm.reply_from_email = "clients@acme.example"
    firm.save()
    account_manager.user.first_name, account_manager.user.last_name = "Amy", "Adams"
    account_manager.user.save()
    template = ReplyTemplate.objects.create(
        firm=firm,
        name="Apology",
        body="Dear {contact_first_name},\nWe are sorry. {member_name}, {firm_name}",
    )
    page = browser_for(account_manager).get(reverse("review:case", args=[case.pk]))
    assert "Dear Pat,\nWe are sorry. Amy Adams, Acme Legal LLP" in dict(
        (t.pk, text) for t, text in page.context["reply_templates"]
    ).get(template.pk, "")

    # when: the reply is sent with the template and no typed text
    browser_for(account_manager).post(
        reverse("review:reply", args=[case.pk]), {"body": "", "template": template.pk}
    )
    event = case.events.get(kind="reply")
    assert case_reply_send(event_id=event.pk)

    # then: one message over SMTP, from the firm, with the filled template and the quote
    [message] = smtp_server.messages
    assert message["X-Rcpt-To"] == "pat@globex.example"
    assert message["From"] == "Acme Legal LLP <clients@acme.example>"
    text = message.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert text.startswith("Dear Pat,\nWe are sorry. Amy Adams, Acme Legal LLP")
    assert "> Nobody answered my calls for a week." in text
    assert "earshot@localhost" not in message["From"]
