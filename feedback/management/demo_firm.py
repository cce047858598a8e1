"""The demo firm's settings and people: members, promises, touchpoints, sources, clients,
contacts, engagements, branding and reply templates. Every step is get-or-create."""

import random

from django.contrib.auth import get_user_model
from django.db import transaction

from feedback.management.demo_data import (
    BRAND_COLOUR,
    CLIENTS,
    FIRST,
    LAST,
    PROMISES,
    REPLY_FROM,
    REPLY_TEMPLATES,
    TOPICS,
    TOUCHPOINTS,
)
from feedback.models import (
    BrandPromise,
    Channel,
    Client,
    Contact,
    Engagement,
    Firm,
    Member,
    ReplyTemplate,
    Role,
    Source,
    Touchpoint,
)
from feedback.review.reply_templates import reply_template_save
from feedback.services import firm_branding_set

DEMO_PASSWORD = "earshot-demo"  # noqa: S105 - demo data only, printed to the user
FORM_KEY = "harbour-demo-form"
CONTACTS_PER_CLIENT = 6
USERS = [
    ("admin", "Alex", Role.ADMIN, True),
    ("amy", "Amy", Role.ACCOUNT_MANAGER, False),
    ("raj", "Raj", Role.ACCOUNT_MANAGER, False),
    ("lena", "Lena", Role.ANALYST, False),
]


def _members(firm: Firm) -> list[Member]:
    User = get_user_model()
    members = []
    for username, first, role, superuser in USERS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": "Harbour",
                "email": f"{username}@harbour.example",
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
        member, _ = Member.objects.get_or_create(user=user, defaults={"firm": firm, "role": role})
        members.append(member)
    return members


def _sources(firm: Firm) -> dict[Channel, Source]:
    sources = {}
    for channel in Channel:
        defaults: dict = {"channel": channel}
        if channel == Channel.FORM:
            defaults["public_key"] = FORM_KEY
        if channel == Channel.REVIEW:
            # Items come from a committed fixture (see demo_reviews.json); nothing to poll.
            defaults["status"] = Source.Status.DISABLED
            defaults["config"] = {"note": "Demo: loaded from a local fixture, not polled."}
        sources[channel] = Source.objects.get_or_create(
            firm=firm, name=f"Demo {channel.label}", defaults=defaults
        )[0]
    return sources


@transaction.atomic
def demo_firm_build(rng: random.Random) -> tuple[Firm, dict[Channel, Source], list[Client]]:
    firm, made = Firm.objects.get_or_create(
        slug="harbour",
        defaults={
            "name": "Harbour & Finch LLP",
            "timezone": "Europe/London",
            "reply_from_email": REPLY_FROM,
        },
    )
    if made:
        firm_branding_set(firm=firm, primary_colour=BRAND_COLOUR)
    members = _members(firm)
    admin = members[0]
    managers = [m for m in members if m.role == Role.ACCOUNT_MANAGER]
    for name, body in REPLY_TEMPLATES:
        if not ReplyTemplate.objects.filter(firm=firm, name=name).exists():
            reply_template_save(member=admin, name=name, body=body)
    for name, description, examples in PROMISES:
        BrandPromise.objects.get_or_create(
            firm=firm, name=name, defaults={"description": description, "examples": examples}
        )
    for order, name in enumerate(TOUCHPOINTS):
        Touchpoint.objects.get_or_create(
            firm=firm, slug=name.lower(), defaults={"name": name, "order": order}
        )
    clients = []
    for index, (name, segment) in enumerate(CLIENTS):
        client, made = Client.objects.get_or_create(
            firm=firm, name=name, defaults={"segment": segment}
        )
        if made:
            client.account_managers.add(managers[index % len(managers)])
        slug = name.split()[0].lower()
        for n in range(CONTACTS_PER_CLIENT):
            first, last = FIRST[(index * 3 + n) % len(FIRST)], LAST[(index + n) % len(LAST)]
            Contact.objects.get_or_create(
                firm=firm,
                email=f"{first.lower()}.{n}@{slug}.example",
                defaults={"client": client, "name": f"{first} {last}"},
            )
        Engagement.objects.get_or_create(
            firm=firm,
            client=client,
            name=f"{rng.choice(TOPICS).title()} for {name}",
            defaults={"reference": f"M-{1000 + index}"},
        )
        clients.append(client)
    return firm, _sources(firm), clients
