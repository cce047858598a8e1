"""Load a realistic demo firm: promises, touchpoints, 20 clients, 60 contacts, 400 comments.

Idempotent: run it twice and nothing is duplicated (feedback enters through `feedback_ingest` with
stable external ids). Deterministic: the same seed gives the same firm.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from feedback.management.demo_data import (
    CLIENTS,
    EMERGING,
    FIRST,
    LAST,
    MIXED,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    PROMISES,
    TOPICS,
    TOUCHPOINTS,
    UNHAPPY,
)
from feedback.models import (
    BrandPromise,
    Channel,
    Client,
    Contact,
    Engagement,
    Firm,
    Member,
    Role,
    Source,
    Touchpoint,
)
from feedback.services import feedback_ingest

DEMO_PASSWORD = "earshot-demo"  # noqa: S105 - demo data only, printed to the user

STARS = {id(POSITIVE): 5, id(NEUTRAL): 4, id(MIXED): 3, id(NEGATIVE): 1}
NPS = {id(POSITIVE): 9, id(NEUTRAL): 7, id(MIXED): 6, id(NEGATIVE): 3}
CHANNEL_MIX = (
    [Channel.EMAIL] * 4
    + [Channel.PORTAL] * 2
    + [Channel.FORM, Channel.REVIEW, Channel.SURVEY, Channel.IMPORT]
)


class Command(BaseCommand):
    help = "Create (or top up) the demo firm with realistic clients and comments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", type=int, default=400)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, comments: int, seed: int, **options: Any) -> None:
        rng = random.Random(seed)
        with transaction.atomic():
            firm, sources, clients = self._firm(rng)
        now = timezone.now()
        touchpoints = list(firm.touchpoints.all())
        created = 0
        for i in range(comments):
            client = rng.choice(clients)
            contact = rng.choice(list(client.contacts.all()))
            unhappy = client.name in UNHAPPY
            pool = rng.choices(
                [POSITIVE, NEUTRAL, MIXED, NEGATIVE],
                weights=[1, 1, 1, 4] if unhappy else [6, 2, 1, 1],
            )[0]
            am = client.account_managers.first()
            text = rng.choice(pool).format(
                topic=rng.choice(TOPICS), am=am.user.first_name if am else "our partner"
            )
            channel = rng.choice(CHANNEL_MIX)
            # Unhappy clients sour over the last six months; everyone else is spread evenly.
            days_ago = rng.randint(0, 180) if unhappy and pool is NEGATIVE else rng.randint(0, 540)
            rating, scale = None, None
            if channel == Channel.REVIEW:
                rating, scale = STARS[id(pool)], 5
            elif channel == Channel.SURVEY:
                rating, scale = NPS[id(pool)] + rng.choice([-1, 0, 1]), 10
            result = feedback_ingest(
                source=sources[channel],
                external_id=f"demo-{seed}-{i}",
                text=text,
                sender=contact.email,
                touchpoint=rng.choice(touchpoints),
                engagement=client.engagements.first(),
                received_at=now - timedelta(days=days_ago, minutes=rng.randint(0, 1440)),
                rating=rating,
                rating_scale=scale,
            )
            created += result.created
        created += self._emerging(seed, sources, clients, touchpoints, now)
        self.stdout.write(
            f"Demo firm '{firm.name}': {len(clients)} clients, "
            f"{Contact.objects.filter(firm=firm).count()} contacts, {created} new comments."
        )
        self.stdout.write(f"Sign in as 'admin' or 'amy' with password '{DEMO_PASSWORD}'.")

    def _emerging(
        self,
        seed: int,
        sources: dict[Channel, Source],
        clients: list[Client],
        touchpoints: list[Touchpoint],
        now: datetime,
    ) -> int:
        """Two dozen comments on the new billing portal, all in the last 30 days (own random
        stream, so the main comments stay what they were for a given seed)."""
        rng = random.Random(seed + 1)
        created = 0
        for j in range(24):
            client = rng.choice(clients)
            result = feedback_ingest(
                source=sources[Channel.PORTAL],
                external_id=f"demo-{seed}-portal-{j}",
                text=rng.choice(EMERGING),
                sender=rng.choice(list(client.contacts.all())).email,
                touchpoint=rng.choice(touchpoints),
                engagement=client.engagements.first(),
                received_at=now - timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 1440)),
            )
            created += result.created
        return created

    def _firm(self, rng: random.Random) -> tuple[Firm, dict[Channel, Source], list[Client]]:
        firm, _ = Firm.objects.get_or_create(
            slug="harbour", defaults={"name": "Harbour & Finch LLP", "timezone": "Europe/London"}
        )
        User = get_user_model()
        members = []
        for username, first, role, superuser in [
            ("admin", "Alex", Role.ADMIN, True),
            ("amy", "Amy", Role.ACCOUNT_MANAGER, False),
            ("raj", "Raj", Role.ACCOUNT_MANAGER, False),
            ("lena", "Lena", Role.ANALYST, False),
        ]:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "email": f"{username}@harbour.example",
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save()
            member, _ = Member.objects.get_or_create(
                user=user, defaults={"firm": firm, "role": role}
            )
            members.append(member)
        managers = [m for m in members if m.role == Role.ACCOUNT_MANAGER]
        for name, description, examples in PROMISES:
            BrandPromise.objects.get_or_create(
                firm=firm, name=name, defaults={"description": description, "examples": examples}
            )
        for order, name in enumerate(TOUCHPOINTS):
            Touchpoint.objects.get_or_create(
                firm=firm, slug=name.lower(), defaults={"name": name, "order": order}
            )
        sources = {
            channel: Source.objects.get_or_create(
                firm=firm, name=f"Demo {channel.label}", defaults={"channel": channel}
            )[0]
            for channel in Channel
        }
        clients = []
        for index, (name, segment) in enumerate(CLIENTS):
            client, made = Client.objects.get_or_create(
                firm=firm, name=name, defaults={"segment": segment}
            )
            if made:
                client.account_managers.add(managers[index % len(managers)])
            slug = name.split()[0].lower()
            for n in range(3):
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
        return firm, sources, clients
