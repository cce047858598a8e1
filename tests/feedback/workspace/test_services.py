"""Services of the settings pages: validation, tenant checks, audit events, the last-admin rule,
the SSRF guard on saving a webhook URL, and a changed promise reaching the NLP worker's reads."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings

from feedback.models import AnalysisStatus, AuditEvent, Feedback, Role, WebhookDelivery
from feedback.workspace.services import catalogue, channels, members, people
from nlp.selectors import themes_by_firm
from tests.factories import ClientFactory, FeedbackFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _actions(firm) -> list[str]:
    return list(
        AuditEvent.objects.filter(firm=firm).order_by("pk").values_list("action", flat=True)
    )


def test_a_new_promise_and_its_edited_examples_are_what_the_nlp_worker_reads_next(
    firm, admin_member
):
    # given
    promise = catalogue.promise_create(
        firm=firm,
        name="Responsiveness",
        description="We answer quickly.",
        examples=catalogue.examples_parse(
            "they replied within the hour\n\n  called back  same day \n"
        ),
        actor=admin_member.user,
    )

    # when the admin changes its description and examples
    catalogue.promise_update(
        promise=promise,
        description="We answer the same day.",
        examples=["picked up on the first ring"],
        actor=admin_member.user,
    )

    # then the worker's next batch reads the promise as it is now, and both writes are audited
    (theme,) = themes_by_firm({firm.pk})[firm.pk]
    assert theme.description == "We answer the same day."
    assert "picked up on the first ring" in theme.examples
    assert "they replied within the hour" not in theme.examples
    assert _actions(firm) == ["brand_promise.created", "brand_promise.updated"]


def test_examples_are_one_per_line_without_blanks_or_repeats():
    assert catalogue.examples_parse(" a  b \n\nc\na b\n") == ["a b", "c"]


def test_a_deactivated_promise_is_no_longer_read_by_the_worker(firm, promise):
    catalogue.promise_update(promise=promise, active=False)
    assert themes_by_firm({firm.pk}).get(firm.pk, []) == []


def test_two_promises_of_one_firm_cannot_share_a_name(firm, promise):
    with pytest.raises(ValidationError):
        catalogue.promise_create(firm=firm, name=promise.name)


def test_reanalysing_recent_items_puts_the_firms_done_items_back_to_pending(
    firm, promise, api_source, other_firm
):
    # given an analysed comment of this firm and one of another firm
    mine = FeedbackFactory(source=api_source, analysis_status=AnalysisStatus.DONE)
    theirs = FeedbackFactory(source__firm=other_firm, analysis_status="done")

    # when
    queued = catalogue.promise_reanalyse_recent(promise=promise)

    # then only this firm's item is queued again
    assert queued == 1
    assert Feedback.objects.get(pk=mine.pk).analysis_status == AnalysisStatus.PENDING
    assert Feedback.objects.get(pk=theirs.pk).analysis_status == AnalysisStatus.DONE
    assert AuditEvent.objects.get(action="brand_promise.reanalysed").data["queued"] == 1


def test_touchpoints_get_unique_slugs_and_can_be_deactivated(firm):
    first = catalogue.touchpoint_create(firm=firm, name="Billing")
    second = catalogue.touchpoint_create(firm=firm, name="Billing!")
    catalogue.touchpoint_update(touchpoint=first, active=False, name="Invoices")
    first.refresh_from_db()
    assert (first.slug, second.slug) == ("billing", "billing-2")
    assert first.active is False and first.name == "Invoices"


def test_a_client_cannot_get_another_firms_member_as_account_manager(firm, outsider):
    with pytest.raises(ValidationError):
        people.client_create(firm=firm, name="Initech", account_managers=[outsider])


def test_a_contact_cannot_be_put_under_another_firms_client(firm, other_firm):
    with pytest.raises(ValidationError):
        people.contact_create(firm=firm, client=ClientFactory(firm=other_firm), email="a@b.example")


def test_contact_emails_are_stored_lower_case_and_unique_per_firm(firm, client_of):
    people.contact_create(firm=firm, client=client_of, email=" Pat@Globex.Example ")
    with pytest.raises(ValidationError):
        people.contact_create(firm=firm, client=client_of, email="pat@globex.example")


def test_an_engagement_cannot_close_before_it_opens(firm, client_of):
    import datetime

    with pytest.raises(ValidationError):
        people.engagement_create(
            firm=firm,
            client=client_of,
            name="Audit",
            opened_on=datetime.date(2026, 5, 1),
            closed_on=datetime.date(2026, 4, 1),
        )


def test_an_invited_member_has_no_usable_password_and_a_working_link(firm, admin_member):
    # given / when
    member = members.member_invite(
        firm=firm, email="New.Person@Acme.example", name="New Person", role=Role.ANALYST
    )

    # then
    user = member.user
    assert user.username == "new.person@acme.example" and not user.has_usable_password()
    link = members.invite_link(member, lambda path: f"http://testserver{path}")
    assert link.startswith("http://testserver/accounts/reset/")
    with pytest.raises(ValidationError):
        members.member_invite(firm=firm, email="new.person@acme.example", role=Role.ANALYST)


def test_the_last_admin_can_neither_be_demoted_nor_deactivated(firm, admin_member, analyst):
    with pytest.raises(ValidationError):
        members.member_role_change(member=admin_member, role=Role.ANALYST, by=admin_member)
    with pytest.raises(ValidationError):
        members.member_deactivate(member=admin_member, by=admin_member)
    second = MemberFactory(firm=firm, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        members.member_deactivate(member=admin_member, by=admin_member)  # not yourself
    members.member_deactivate(member=second, by=admin_member)
    assert get_user_model().objects.get(pk=second.user_id).is_active is False
    with pytest.raises(ValidationError):
        members.member_role_change(member=admin_member, role=Role.ANALYST, by=admin_member)
    members.member_role_change(member=analyst, role=Role.ADMIN, by=admin_member)
    members.member_role_change(member=admin_member, role=Role.ANALYST, by=analyst)
    assert "member.role_changed" in _actions(firm)


@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=False)
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hook", "http://10.0.0.5/", "http://[::1]/", "http://localhost/"]
)
def test_a_webhook_to_a_private_address_is_refused_when_saved(firm, url):
    with pytest.raises(ValidationError) as error:
        channels.webhook_endpoint_create(firm=firm, url=url, format="earshot")
    assert "non-public" in str(error.value)


def test_a_webhook_gets_a_fresh_secret_and_disabling_it_twice_is_one_event(firm):
    endpoint = channels.webhook_endpoint_create(
        firm=firm, url="http://127.0.0.1:9/", format="slack", events=["case.opened"]
    )
    assert len(endpoint.secret) == 64
    channels.webhook_endpoint_disable(endpoint=endpoint)
    channels.webhook_endpoint_disable(endpoint=endpoint)
    assert _actions(firm) == ["webhook_endpoint.created", "webhook_endpoint.disabled"]


def test_a_failed_test_send_is_recorded_once_and_not_retried(firm):
    # given an endpoint on a loopback port nobody listens on
    endpoint = channels.webhook_endpoint_create(
        firm=firm, url="http://127.0.0.1:9/", format="earshot"
    )

    # when
    delivery = channels.webhook_endpoint_test(endpoint=endpoint)

    # then
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == 1
    assert delivery.last_error


def test_a_test_send_is_posted_signed_to_the_endpoint_now(firm, httpserver):
    # given a receiver on loopback
    from feedback.webhooks import signature_verify

    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = channels.webhook_endpoint_create(
        firm=firm, url=httpserver.url_for("/hook"), format="earshot"
    )

    # when
    delivery = channels.webhook_endpoint_test(endpoint=endpoint)

    # then it arrived, signed with the endpoint's secret
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    ((request, _),) = httpserver.log
    assert request.headers["Earshot-Event"] == "ping"
    assert signature_verify(
        secret=endpoint.secret, body=request.data, header=request.headers["Earshot-Signature"]
    )
