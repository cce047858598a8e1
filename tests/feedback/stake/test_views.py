"""The fee import pages and the "what is at stake" page, through Django's test client."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback.models import ClientFee, Firm
from feedback.stake.churn import quarter_add, quarter_label, quarter_of
from tests.factories import ClientFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def _upload(browser, text: str):
    upload = SimpleUploadedFile("fees.csv", text.encode(), content_type="text/csv")
    return browser.post(reverse("fees:import"), {"file": upload})


def test_a_file_with_an_error_is_shown_row_by_row_and_cannot_be_confirmed(admin_member, client_of):
    browser = browser_for(admin_member)

    response = _upload(browser, "client,month,amount,currency\nGlobex Corp,2026-01,x,GBP\n")
    confirm = browser.post(reverse("fees:import_confirm"), {"token": response.context["token"]})

    assert response.status_code == 400
    assert "amount &#x27;x&#x27; is not a number" in response.content.decode()
    assert confirm.status_code == 302 and confirm["Location"] == reverse("fees:import")
    assert ClientFee.objects.count() == 0


def test_a_file_without_the_needed_columns_is_refused(admin_member):
    response = _upload(browser_for(admin_member), "name,total\nGlobex,1\n")

    assert response.status_code == 400
    assert "Missing column(s)" in response.content.decode()


def test_a_client_renamed_between_preview_and_confirm_imports_nothing(admin_member, client_of):
    # given a good preview
    browser = browser_for(admin_member)
    response = _upload(browser, "client,month,amount,currency\nGlobex Corp,2026-01,10,GBP\n")
    client_of.name = "Globex International"
    client_of.save()

    # when it is confirmed
    done = browser.post(
        reverse("fees:import_confirm"), {"token": response.context["token"]}, follow=True
    )

    # then the rows are checked again and nothing is imported
    assert "Nothing imported: line 2: no client named" in done.content.decode()
    assert ClientFee.objects.count() == 0


def test_the_churn_window_comes_from_the_query_and_is_kept_in_bounds(admin_member):
    browser = browser_for(admin_member)
    for raw, window in (("2", 2), ("9", 4), ("zero", 1), ("0", 1)):
        response = browser.get(reverse("stake:overview"), {"window": raw})
        assert response.context["window"] == window


def test_the_demo_firm_has_fees_churn_and_an_auc(admin_member):
    # given the demo firm (a few comments: its fees do not depend on them)
    call_command("demo_seed", comments=40)
    firm = Firm.objects.get(slug="harbour")
    before = ClientFee.objects.filter(firm=firm).count()
    call_command("demo_seed", comments=40)  # topping up adds no fee twice
    assert ClientFee.objects.filter(firm=firm).count() == before > 400
    demo_admin = firm.members.get(user__username="admin")

    # when
    response = browser_for(demo_admin).get(reverse("stake:overview"))

    # then the last complete quarter shows the two unhappy clients that left
    rows = {row.label: row for row in response.context["churn"]}
    last = quarter_label(quarter_add(quarter_of(timezone.localdate()), -1))
    assert len(rows[last].churned) == 2
    assert response.context["auc"].sample_size > 40
    assert response.context["risk"].total
    # and fees stop where the story says: Initech's after the quarter before last
    initech = ClientFee.objects.filter(client__firm=firm, client__name="Initech")
    latest = max(initech.values_list("period_end", flat=True))
    assert latest < timezone.localdate() - timedelta(days=90)


def test_fees_are_never_read_across_firms(admin_member, outsider):
    rival = ClientFactory(firm=outsider.firm, name="Rival Client")
    ClientFee.objects.create(
        firm=outsider.firm,
        client=rival,
        period_start=timezone.localdate() - timedelta(days=40),
        period_end=timezone.localdate() - timedelta(days=10),
        amount=5,
        currency="GBP",
    )

    response = browser_for(admin_member).get(reverse("stake:overview"))

    assert response.context["risk"].total == {}
    assert response.context["churn"] == []


def test_an_admin_gives_a_client_its_crm_id_once_per_firm_and_fees_find_it(admin_member):
    # given
    browser = browser_for(admin_member)
    made = browser.post(reverse("workspace:client_new"), {"name": "Initech", "external_id": "C-1"})
    twin = browser.post(reverse("workspace:client_new"), {"name": "Initrode", "external_id": "C-1"})

    # when
    response = _upload(browser, "client_external_id,month,amount,currency\nc-1,2026-01,5,GBP\n")

    # then
    assert made.status_code == 302 and twin.status_code == 400
    assert [r.client.name for r in response.context["rows"]] == ["Initech"]
