"""Redaction where the firm turns it on: at ingest (the stored text, hence the NLP's input, is
masked), in webhooks (every payload leaving the tenant) and on staff pages (non-admins)."""

import pytest
from django.urls import reverse

from feedback.models import PiiRedaction, WebhookDelivery, WebhookEndpoint
from feedback.review.events import feedback_created_emit
from feedback.services import feedback_ingest
from tests.factories import ContactFactory, FeedbackFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db

RAW = (
    "Dana Doe here. Call 07911 123456 or dana.doe@globex.example; "
    "invoice INV-2024-00123 of £12,500.00 dated 12/03/2024."
)
MASKED = (
    "[name] here. Call [phone] or [email]; invoice INV-2024-00123 of £12,500.00 dated 12/03/2024."
)


def _set(firm, mode):
    firm.pii_redaction = mode
    firm.save(update_fields=["pii_redaction"])


def test_at_ingest_the_original_is_never_stored_and_the_nlp_reads_the_masked_text(
    firm, client_of, api_source
):
    # given a firm that redacts at ingest, and a contact Earshot knows by name
    _set(firm, PiiRedaction.INGEST)
    ContactFactory(client=client_of, name="Dana Doe", email="dana.doe@globex.example")
    api_source.firm.refresh_from_db()

    # when a comment with personal data arrives
    result = feedback_ingest(
        source=api_source, text=RAW, subject="From 07911 123456", raw={"body": RAW}
    )

    # then what is stored (what the NLP worker reads) is masked, dates and amounts kept
    item = result.feedback
    item.refresh_from_db()
    assert item.text == MASKED
    assert item.subject == "From [phone]"
    assert item.raw == {}
    assert "07911" not in str(item.__dict__)
    # and a retry of the same submission is still recognised as the same item
    again = feedback_ingest(source=api_source, text=RAW, subject="From 07911 123456")
    assert again.feedback.pk == item.pk and not again.created


def test_with_redaction_off_the_text_is_stored_as_received(firm, api_source):
    item = feedback_ingest(source=api_source, text=RAW).feedback
    assert item.text == RAW


@pytest.mark.parametrize("mode", [PiiRedaction.DISPLAY, PiiRedaction.INGEST])
def test_webhook_payloads_carry_no_personal_data(firm, client_of, api_source, mode):
    # given an endpoint, and an item stored as received (display mode)
    ContactFactory(client=client_of, name="Dana Doe", email="dana.doe@globex.example")
    item = FeedbackFactory(source=api_source, client=client_of, text=RAW, sender="x@y.example")
    WebhookEndpoint.objects.create(firm=firm, url="https://hooks.example/earshot", secret="s")
    _set(firm, mode)
    item.firm.refresh_from_db()

    # when its event is emitted
    feedback_created_emit(feedback=item)

    # then the stored (to be posted) payload is masked throughout
    payload = str(WebhookDelivery.objects.get().payload)
    assert "07911" not in payload and "dana.doe@" not in payload and "Dana Doe" not in payload
    assert "x@y.example" not in payload and "[phone]" in payload


def test_in_display_mode_analysts_see_masked_text_and_admins_the_original(
    firm, api_source, client_of, analyst, admin_member
):
    # given
    ContactFactory(client=client_of, name="Dana Doe", email="dana.doe@globex.example")
    item = FeedbackFactory(source=api_source, client=client_of, text=RAW)
    _set(firm, PiiRedaction.DISPLAY)
    url = reverse("items:detail", args=[item.pk])

    # when
    as_analyst = browser_for(analyst).get(url).content.decode()
    as_admin = browser_for(admin_member).get(url).content.decode()

    # then
    assert "[phone]" in as_analyst and "07911" not in as_analyst
    assert "dana.doe@globex.example" not in as_analyst
    assert "07911 123456" in as_admin
    # the stored text is untouched
    item.refresh_from_db()
    assert item.text == RAW
