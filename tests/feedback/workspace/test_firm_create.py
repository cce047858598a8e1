"""`manage.py firm_create`: an operator creates a firm and its first admin, who sets a password
from the printed link."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from feedback.models import AuditEvent, Firm, Member, Role

pytestmark = pytest.mark.django_db


def test_firm_create_makes_the_firm_and_an_admin_without_a_password(settings):
    settings.EARSHOT_BASE_URL = "https://earshot.example"
    out = StringIO()
    call_command(
        "firm_create",
        "--name=Brook & Partners",
        "--slug=brook",
        "--admin-email=Bea@Brook.example",
        "--admin-name=Bea Brook",
        stdout=out,
    )
    firm = Firm.objects.get(slug="brook")
    admin = Member.objects.select_related("user").get(firm=firm)
    assert firm.name == "Brook & Partners"
    assert (admin.role, admin.user.email, admin.user.first_name) == (
        Role.ADMIN,
        "bea@brook.example",
        "Bea",
    )
    assert not admin.user.has_usable_password()
    assert re.search(r"https://earshot\.example/accounts/reset/\S+/\S+/", out.getvalue())
    assert AuditEvent.objects.filter(firm=firm, action="firm.created").exists()
    assert mail.outbox == []


def test_firm_create_sends_the_link_when_asked():
    call_command(
        "firm_create", "--name=Brook", "--slug=brook", "--admin-email=bea@brook.example", "--send"
    )
    (message,) = mail.outbox
    assert message.to == ["bea@brook.example"] and "/accounts/reset/" in message.body


def test_firm_create_refuses_a_taken_slug_and_stores_nothing(firm):
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "firm_create", "--name=Acme 2", f"--slug={firm.slug}", "--admin-email=x@acme.example"
        )
    assert Firm.objects.count() == 1 and not Member.objects.exists()
