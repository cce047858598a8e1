"""The staff navigation bar (feedback/navigation.py): each role is shown exactly the links its
pages let it open, so no link in the bar ever answers 403."""

import re

import pytest
from django.urls import reverse

from feedback.navigation import NAVIGATION
from tests.factories import UserFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def _nav_links(html: str) -> dict[str, str]:
    """label -> href of every link in the navigation bar (#staff-nav)."""
    bar = html.split('id="staff-nav"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(
        r'<a class="(?:nav-link|dropdown-item)[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', bar
    )
    return {label: href.replace("&amp;", "&") for href, label in found}


@pytest.fixture
def operator(db):
    """Someone who runs the installation: Django admin, and no firm."""
    return UserFactory(username="olga-operator", is_staff=True, is_superuser=True)


EXPECTED = {
    "account_manager": {
        "Dashboard",
        "Promise gap",
        "At stake",
        "Feedback",
        "My queue",
        "Team",
        "Overdue",
        "Needs a quick look",
        "Topics",
        "Flag rules",
        "API docs",
        "Two-factor sign-in",
    },
    "analyst": {
        "Dashboard",
        "Promise gap",
        "At stake",
        "Feedback",
        "My queue",
        "Team",
        "Overdue",
        "Needs a quick look",
        "Topics",
        "Triage",
        "Settings",
        "Flag rules",
        "API docs",
        "Two-factor sign-in",
    },
    "admin_member": {
        "Dashboard",
        "Promise gap",
        "At stake",
        "Feedback",
        "My queue",
        "Team",
        "Overdue",
        "Needs a quick look",
        "Topics",
        "Triage",
        "Settings",
        "Flag rules",
        "API keys",
        "Reply templates",
        "Privacy",
        "API docs",
        "Two-factor sign-in",
    },
    "contact_user": set(),
    "operator": {"Django admin"},
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_role_sees_only_links_it_may_open(request, persona):
    # given a signed-in member of staff (or an operator, or a user of no firm)
    browser = browser_for(request.getfixturevalue(persona))

    # when they open a page with the staff layout
    response = browser.get(reverse("login"))
    links = _nav_links(response.content.decode())

    # then the bar holds exactly their links, and every one of them opens
    assert set(links) == EXPECTED[persona]
    for label, href in links.items():
        assert browser.get(href).status_code == 200, (persona, label, href)


def test_a_signed_out_visitor_gets_no_navigation():
    response = browser_for().get(reverse("login"))
    assert 'id="staff-nav"' not in response.content.decode()


def test_the_current_page_is_marked_in_the_bar(admin_member):
    # given / when
    html = browser_for(admin_member).get(reverse("review:queue") + "?view=team").content.decode()

    # then only "Team" is the current page
    current = re.findall(r'href="([^"]+)" aria-current="page">([^<]+)<', html)
    assert current == [("/review/?view=team", "Team")]


def test_every_entry_names_a_route():
    for entry in NAVIGATION:
        assert reverse(entry.url_name)
