"""The staff navigation bar, built from one list (`NAVIGATION`) by a context processor.

A link is shown only to the people its page lets in: every entry names a predicate on the signed-in
user and their membership, kept in step with the page's own check (the permission matrix tests
compare the two), so nobody is shown a link that answers 403.

To add a page, add one line to `NAVIGATION`:

    NavEntry("Topics", "topics:list", allowed=whole_firm, group="Feedback"),

Entries sharing a `group` are shown together in one drop-down menu, in list order."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from feedback.models import Member, Role

Predicate = Callable[[Any, Member | None], bool]


def member(user: Any, member: Member | None) -> bool:
    """Any member of a firm (`member_required` pages)."""
    return member is not None


def whole_firm(user: Any, member: Member | None) -> bool:
    """Admins and analysts (`member_required(whole_firm=True)` pages)."""
    return member is not None and member.sees_whole_firm


def admin_only(user: Any, member: Member | None) -> bool:
    """The firm's admins."""
    return member is not None and member.role == Role.ADMIN


def operator(user: Any, member: Member | None) -> bool:
    """The people who run the Earshot installation (Django admin); never a firm's own users."""
    return bool(user.is_staff)


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    query: str = ""  # e.g. "view=team", appended as ?view=team
    allowed: Predicate = member
    group: str = ""  # entries with the same group share one drop-down menu


NAVIGATION: list[NavEntry] = [
    NavEntry("Dashboard", "dashboards:overview"),
    NavEntry("Promise gap", "lens:overview"),
    NavEntry("At stake", "stake:overview"),
    NavEntry("Feedback", "items:explorer"),
    NavEntry("My queue", "review:queue", "view=mine", group="Review"),
    NavEntry("Team", "review:queue", "view=team", group="Review"),
    NavEntry("Overdue", "review:queue", "view=overdue", group="Review"),
    NavEntry("Needs a quick look", "items:quick_look", group="Review"),
    NavEntry("Topics", "topics:list"),
    NavEntry("Triage", "listening:triage", allowed=whole_firm),
    NavEntry("Settings", "workspace:index", allowed=whole_firm, group="Setup"),
    NavEntry("Flag rules", "review:rules", group="Setup"),
    NavEntry("API keys", "review:api_keys", allowed=admin_only, group="Setup"),
    NavEntry("Reply templates", "review:reply_templates", allowed=admin_only, group="Setup"),
    NavEntry("Privacy", "privacy:settings", allowed=admin_only, group="Setup"),
    NavEntry("API docs", "api-docs", group="Setup"),
    NavEntry("Two-factor sign-in", "two_factor:index", group="Account"),
    NavEntry("Django admin", "admin:index", allowed=operator),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    active: bool


@dataclass(frozen=True)
class NavItem:
    """One item of the bar: a single link, or a drop-down menu of links (`group`)."""

    label: str
    links: list[NavLink]

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)

    @property
    def is_menu(self) -> bool:
        return len(self.links) > 1 or self.label != self.links[0].label


def _is_current(request: HttpRequest, entry: NavEntry) -> bool:
    match = request.resolver_match
    if match is None or match.view_name != entry.url_name:
        return False
    wanted = dict(pair.split("=", 1) for pair in entry.query.split("&") if pair)
    return all(request.GET.get(key) == value for key, value in wanted.items())


def navigation_for(request: HttpRequest) -> list[NavItem]:
    """The bar as `request.user` may see it: allowed entries, grouped, with the current page
    marked."""
    user = request.user
    if not user.is_authenticated:
        return []
    membership: Member | None = getattr(user, "member", None)
    items: list[NavItem] = []
    menus: dict[str, NavItem] = {}
    for entry in NAVIGATION:
        if not entry.allowed(user, membership):
            continue
        href = reverse(entry.url_name) + (f"?{entry.query}" if entry.query else "")
        link = NavLink(entry.label, href, _is_current(request, entry))
        if not entry.group:
            items.append(NavItem(entry.label, [link]))
        elif entry.group in menus:
            menus[entry.group].links.append(link)
        else:
            menus[entry.group] = NavItem(entry.group, [link])
            items.append(menus[entry.group])
    return items


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `staff_nav`, computed only when a template uses it (client pages and
    API responses never pay for it)."""
    return {"staff_nav": lambda: navigation_for(request)}
