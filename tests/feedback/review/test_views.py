import pytest
from django.core import mail
from django.urls import reverse

from feedback.models import AuditEvent, Case, CaseEvent, CaseStatus, Rule, TagCorrection
from feedback.review.notify import case_reply_send
from feedback.tasks import on_analysed
from tests.feedback.conftest import analyse, browser_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(complaint, promise):
    analyse(
        complaint,
        negative=0.95,
        emotions={"annoyance": 0.8},
        themes=[(promise, "negative", 0.7, ["Nobody answered my calls for a week."])],
    )
    (case_id,) = on_analysed([complaint.pk])
    return Case.objects.get(pk=case_id)


def test_queue_and_case_page_require_sign_in(case):
    for url in [reverse("review:queue"), reverse("review:case", args=[case.pk])]:
        response = browser_for().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_user_without_a_firm_gets_403(case, contact_user):
    response = browser_for(contact_user).get(reverse("review:queue"))
    assert response.status_code == 403


def test_my_queue_lists_my_case_and_team_views_work(case, account_manager, admin_member):
    # when
    mine = browser_for(account_manager).get(reverse("review:queue") + "?view=mine")
    team = browser_for(admin_member).get(reverse("review:queue") + "?view=team")
    overdue = browser_for(account_manager).get(reverse("review:queue") + "?view=overdue")

    # then
    assert mine.status_code == team.status_code == overdue.status_code == 200
    assert list(mine.context["cases"]) == [case]
    assert list(team.context["cases"]) == [case]
    assert list(overdue.context["cases"]) == []


def test_case_page_shows_evidence_highlighted_and_escaped(case, account_manager):
    # when
    response = browser_for(account_manager).get(reverse("review:case", args=[case.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark title="Responsiveness, promise_negative">Nobody answered my calls' in html
    assert '<mark title="churn_talk">We are looking elsewhere for next year.</mark>' in html
    assert "annoyance" in html
    assert "Talk of leaving" in html


def test_another_firms_admin_gets_404_on_every_case_url(case, outsider):
    browser = browser_for(outsider)
    assert browser.get(reverse("review:case", args=[case.pk])).status_code == 404
    for name in ["acknowledge", "note", "reply", "resolve", "reassign", "correct"]:
        response = browser.post(reverse(f"review:{name}", args=[case.pk]), {"body": "x"})
        assert response.status_code == 404, name
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_account_manager_of_another_client_cannot_see_the_case(case, teammate):
    response = browser_for(teammate).get(reverse("review:case", args=[case.pk]))
    assert response.status_code == 404


def test_analyst_can_read_but_not_act(case, analyst):
    browser = browser_for(analyst)
    assert browser.get(reverse("review:case", args=[case.pk])).status_code == 200
    response = browser.post(reverse("review:acknowledge", args=[case.pk]))
    assert response.status_code == 403


def test_flagged_comment_to_reply_to_resolved(case, account_manager):
    # given
    browser = browser_for(account_manager)
    htmx = {"HTTP_HX_REQUEST": "true"}

    # when
    ack = browser.post(reverse("review:acknowledge", args=[case.pk]), **htmx)
    note = browser.post(reverse("review:note", args=[case.pk]), {"body": "Call Pat"}, **htmx)
    reply = browser.post(
        reverse("review:reply", args=[case.pk]), {"body": "Sorry, Pat <b>really</b>."}, **htmx
    )
    resolve = browser.post(
        reverse("review:resolve", args=[case.pk]), {"outcome": "addressed", "note": "Called"}
    )

    # then
    assert [ack.status_code, note.status_code, reply.status_code] == [200, 200, 200]
    assert "&lt;b&gt;really&lt;/b&gt;" in reply.content.decode()
    assert resolve.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.outcome == "addressed"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["opened", "acknowledged", "note", "reply", "resolved"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"case.acknowledged", "case.note", "case.reply", "case.resolved"} <= actions


def test_reply_is_emailed_to_the_contact_exactly_once(case, account_manager):
    # given
    browser_for(account_manager).post(reverse("review:reply", args=[case.pk]), {"body": "Sorry."})
    event = CaseEvent.objects.get(kind="reply")

    # when
    results = [case_reply_send(event_id=event.pk), case_reply_send(event_id=event.pk)]

    # then
    assert results == [True, False]
    assert [m.to for m in mail.outbox] == [["pat@globex.example"]]
    assert mail.outbox[0].subject == "Re: Our matter"


def test_reply_comes_from_the_firm_and_quotes_the_clients_comment(case, account_manager, firm):
    # given a firm with its own reply address
    firm.reply_from_email = "clients@acme.example"
    firm.save()
    browser_for(account_manager).post(reverse("review:reply", args=[case.pk]), {"body": "Sorry."})

    # when
    case_reply_send(event_id=CaseEvent.objects.get(kind="reply").pk)

    # then the sender is the firm, and the client's words are quoted under the reply
    message = mail.outbox[0]
    assert message.from_email == "Acme Legal LLP <clients@acme.example>"
    assert message.body.startswith("Sorry.\n\nOn ")
    quoted = "\n".join(f"> {line}" for line in case.feedback.text.splitlines())
    assert quoted in message.body


def test_reply_without_a_firm_address_uses_the_default_sender_with_the_firm_name(
    case, account_manager, settings
):
    settings.DEFAULT_FROM_EMAIL = "Earshot <earshot@mail.example>"
    browser_for(account_manager).post(reverse("review:reply", args=[case.pk]), {"body": "Hi."})
    case_reply_send(event_id=CaseEvent.objects.get(kind="reply").pk)
    assert mail.outbox[0].from_email == "Acme Legal LLP <earshot@mail.example>"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("note", {"body": "  "}),
        ("reply", {"body": ""}),
        ("resolve", {"outcome": "whatever"}),
        ("reassign", {"owner": "abc"}),
        ("correct", {"kind": "sentiment", "key": "sentiment", "value": "furious"}),
    ],
)
def test_bad_input_is_a_400(case, account_manager, name, data):
    response = browser_for(account_manager).post(reverse(f"review:{name}", args=[case.pk]), data)
    assert response.status_code == 400


def test_reassign_to_a_teammate(case, account_manager, teammate):
    response = browser_for(account_manager).post(
        reverse("review:reassign", args=[case.pk]), {"owner": teammate.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == teammate


def test_reassign_to_another_firms_member_is_refused(case, account_manager, outsider):
    response = browser_for(account_manager).post(
        reverse("review:reassign", args=[case.pk]), {"owner": outsider.pk}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.owner == account_manager


def test_tag_corrections_are_stored_as_labelled_examples(case, account_manager, promise):
    # given
    browser = browser_for(account_manager)
    url = reverse("review:correct", args=[case.pk])

    # when
    browser.post(url, {"kind": "sentiment", "key": "sentiment", "value": "neutral"})
    browser.post(url, {"kind": "sentiment", "key": "sentiment", "value": "negative"})
    browser.post(url, {"kind": "emotion", "key": "Anger", "value": "present"})
    browser.post(url, {"kind": "theme", "key": str(promise.pk), "value": "absent"})

    # then
    rows = {(c.kind, c.key): (c.value, c.predicted) for c in TagCorrection.objects.all()}
    assert rows == {
        ("sentiment", "sentiment"): ("negative", "negative"),
        ("emotion", "anger"): ("present", "absent"),
        ("theme", str(promise.pk)): ("absent", "present"),
    }
    assert TagCorrection.objects.filter(text=case.feedback.text).count() == 3
    assert AuditEvent.objects.filter(action="tag.corrected").count() == 4


def test_admin_edits_rules_and_others_cannot(firm, admin_member, account_manager):
    # given
    url = reverse("review:rules")
    assert browser_for(account_manager).get(url).status_code == 200

    # when
    denied = browser_for(account_manager).post(url, {})
    bad = browser_for(admin_member).post(url, {"nps_detractor-threshold": "six"})
    ok = browser_for(admin_member).post(
        url,
        {
            "nps_detractor-enabled": "on",
            "nps_detractor-priority": "urgent",
            "nps_detractor-threshold": "5",
            "churn_talk-enabled": "on",
            "churn_talk-priority": "high",
            "churn_talk-labels": "switch firms\nfire you",
        },
    )

    # then
    assert (denied.status_code, bad.status_code, ok.status_code) == (403, 400, 302)
    nps = Rule.objects.get(firm=firm, kind="nps_detractor")
    assert (nps.enabled, nps.priority, nps.threshold) == (True, "urgent", 5.0)
    assert Rule.objects.get(firm=firm, kind="churn_talk").labels == ["switch firms", "fire you"]
    assert not Rule.objects.get(firm=firm, kind="negative_sentiment").enabled
