"""The sections of the settings index, in one place. Another part of Earshot (e.g. survey
campaigns and sources) adds its section here as one (label, url name, who may open it) entry."""

from typing import NamedTuple

from feedback.models import Role


class Section(NamedTuple):
    label: str
    url_name: str
    description: str
    roles: tuple[str, ...] = (Role.ADMIN, Role.ANALYST)


SECTIONS: list[Section] = [
    Section("Brand promises", "workspace:promises", "What your brand rests on, with examples."),
    Section("Touchpoints", "workspace:touchpoints", "The stages of the client journey."),
    Section("Clients", "workspace:clients", "Clients and their account managers."),
    Section("Contacts", "workspace:contacts", "The people at your clients."),
    Section("Engagements", "workspace:engagements", "Matters and projects."),
    Section("Import clients and contacts", "workspace:import", "From a CSV file.", (Role.ADMIN,)),
    Section(
        "Import fees", "fees:import", "Fees per client and period, from a CSV file.", (Role.ADMIN,)
    ),
    Section(
        "Import expectations",
        "expectations:import",
        "What each client expects of the firm's promises, from a CSV file.",
        (Role.ADMIN,),
    ),
    Section(
        "Branding",
        "workspace:branding",
        "Your firm's name, colour and logo on the pages clients see.",
        (Role.ADMIN,),
    ),
    Section("Members and roles", "workspace:members", "Who works in Earshot, and as what."),
    Section("Flag rules", "review:rules", "What opens a case for follow-up."),
    Section(
        "Notification channels",
        "workspace:channels",
        "Webhooks to Slack, Teams or your systems.",
        (Role.ADMIN,),
    ),
    Section("API keys", "review:api_keys", "Keys for your CRM and scripts.", (Role.ADMIN,)),
    Section(
        "Privacy",
        "privacy:settings",
        "Redaction, retention, and a contact's data export or erasure.",
        (Role.ADMIN,),
    ),
    Section(
        "Sources",
        "listening_setup:sources",
        "Mailboxes, review sites and the web form, with its embed snippet.",
        (Role.ADMIN,),
    ),
    Section(
        "Surveys",
        "listening_setup:campaigns",
        "NPS, CSAT and review-request campaigns: build, preview, launch, results.",
        (Role.ADMIN,),
    ),
    Section(
        "Survey policy",
        "listening_setup:policy",
        "How often clients are asked, quiet periods, sender and colour.",
        (Role.ADMIN,),
    ),
]
