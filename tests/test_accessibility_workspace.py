"""The pages added since the first accessibility pass, checked the same way (axe-core in
Debian's Chromium at 1280 and 390 px, no serious or critical WCAG 2.2 AA violation, nothing to
scroll sideways on a phone, a screenshot of each): the feedback explorer, topics, and the
firm's settings pages (workspace, branding, listening sources, surveys, privacy)."""

import pytest
from django.core.cache import cache

from feedback.models import Topic
from listening.campaigns.models import Campaign, SurveyKind
from tests.browser import chromium_page
from tests.test_accessibility import WIDTHS, _check, _sign_in, seeded  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _pages(firm) -> dict[str, str]:
    topic = Topic.objects.create(firm=firm, label="Unanswered calls", keywords=["calls"])
    campaign = Campaign.objects.create(firm=firm, name="Annual NPS", kind=SurveyKind.NPS)
    return {
        "explorer": "/feedback/?q=calls",
        "explorer-filtered": "/feedback/?sentiment=negative&sort=negative",
        "topics": "/topics/",
        "topic": f"/topics/{topic.pk}/",
        "settings": "/settings/",
        "promises": "/settings/promises/",
        "promise-new": "/settings/promises/new/",
        "touchpoints": "/settings/touchpoints/",
        "clients": "/settings/clients/",
        "contacts": "/settings/contacts/",
        "engagements": "/settings/engagements/",
        "import": "/settings/import/",
        "members": "/settings/members/",
        "member-invite": "/settings/members/invite/",
        "channels": "/settings/channels/",
        "branding": "/settings/branding/",
        "privacy": "/privacy/",
        "sources": "/settings/listening/sources/",
        "web-form-new": "/settings/listening/sources/web-form/new",
        "mailbox-new": "/settings/listening/sources/mailbox/new",
        "surveys": "/settings/listening/surveys/",
        "survey-policy": "/settings/listening/surveys/policy",
        "survey-builder": f"/settings/listening/surveys/{campaign.pk}",
        "survey-results": f"/settings/listening/surveys/{campaign.pk}/results",
    }


@pytest.mark.usefixtures("seeded")
def test_explorer_topics_and_settings_pages_pass_axe_and_fit_a_phone(
    live_server, firm, admin_member
):
    # given a signed-in admin of a seeded firm
    pages = _pages(firm)
    problems: list[str] = []
    with chromium_page(width=1280, height=900) as page:
        _sign_in(page, live_server, admin_member)

        # when they open each page at both widths
        for width in WIDTHS:
            for name, path in pages.items():
                problems += _check(page, live_server.url + path, f"admin-{name}", width)

    # then none has a serious violation or scrolls sideways
    assert problems == [], "\n".join(problems)
