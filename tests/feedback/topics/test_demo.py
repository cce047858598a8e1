"""The demo firm has a topic that only starts in the last month, for topic discovery to find."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.models import Feedback


@pytest.mark.django_db(transaction=True)
def test_demo_seed_adds_the_new_billing_portal_comments_in_the_last_month():
    # when
    call_command("demo_seed", comments=5)
    call_command("demo_seed", comments=5)  # topping up adds nothing twice
    # then
    portal = Feedback.objects.filter(text__icontains="billing portal")
    assert portal.count() == 24
    assert not portal.filter(received_at__lt=timezone.now() - timedelta(days=30)).exists()
