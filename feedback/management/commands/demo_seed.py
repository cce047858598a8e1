"""Load a realistic demo firm: a year of varied client comments, review-site items, survey waves,
a case history and a topic that emerges in the last month.

Idempotent: run it twice and nothing is duplicated (feedback enters through `feedback_ingest` with
stable external ids, invitations through governance). Deterministic: the same seed gives the same
firm. `--reset` deletes the demo firm and its users first. Analysis is left to the worker, as for
any feedback; the rules that need no model (NPS/CSAT scores, talk of leaving) open cases here.
"""

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from feedback.management.demo_cases import demo_cases_build
from feedback.management.demo_data import EMERGING, LEAVING_CLIENT, MOOD_WEIGHTS, UNHAPPY
from feedback.management.demo_expectations import demo_expectations_build
from feedback.management.demo_fees import demo_fees_build
from feedback.management.demo_firm import DEMO_PASSWORD, FORM_KEY, USERS, demo_firm_build
from feedback.management.demo_text import MOODS, comment_compose
from feedback.models import Channel, Client, Contact, Feedback, Firm, Source, Touchpoint
from feedback.services import feedback_ingest

REVIEWS = Path(__file__).resolve().parent.parent / "fixtures" / "demo_reviews.json"
CHANNEL_MIX = [Channel.EMAIL] * 5 + [Channel.PORTAL] * 2 + [Channel.FORM, Channel.IMPORT]


class Command(BaseCommand):
    help = "Create (or top up) the demo firm with realistic clients, comments, surveys and cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--comments", type=int, default=700)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--reset", action="store_true", help="Delete the demo firm first.")

    def handle(self, *args: Any, comments: int, seed: int, reset: bool, **options: Any) -> None:
        if reset:
            # Feedback first: it protects its Source, which the firm would delete with it.
            with transaction.atomic():
                Feedback.objects.filter(firm__slug="harbour").delete()
                Firm.objects.filter(slug="harbour").delete()
            get_user_model().objects.filter(username__in=[u[0] for u in USERS]).delete()
        rng = random.Random(seed)
        firm, sources, clients = demo_firm_build(rng)
        now = timezone.now()
        touchpoints = list(firm.touchpoints.order_by("order"))
        with transaction.atomic():  # one commit: fast on SQLite; analysis is queued after it
            created = self._comments(
                rng,
                seed=seed,
                count=comments,
                sources=sources,
                clients=clients,
                touchpoints=touchpoints,
                now=now,
            )
            created += self._emerging(
                seed=seed, sources=sources, clients=clients, touchpoints=touchpoints, now=now
            )
            created += self._reviews(sources[Channel.REVIEW], now)
        call_command("demo_seed_surveys", seed=seed, unhappy=sorted(UNHAPPY), stdout=self.stdout)
        cases = demo_cases_build(firm=firm, seed=seed, now=now)
        fees = demo_fees_build(firm=firm, seed=seed, today=timezone.localdate(now))
        expectations = demo_expectations_build(firm=firm, seed=seed)
        self.stdout.write(
            f"Demo firm '{firm.name}': {len(clients)} clients, "
            f"{Contact.objects.filter(firm=firm).count()} contacts, {created} new comments, "
            f"cases {cases}, {fees} new fee periods, expectations of {expectations} clients."
        )
        self.stdout.write(
            f"Sign in as 'admin', 'amy', 'raj' or 'lena' with password '{DEMO_PASSWORD}'. "
            f"Web form: /listen/form/{FORM_KEY} · client portal: /listen/portal/{firm.slug}/"
        )

    def _comments(
        self,
        rng: random.Random,
        *,
        seed: int,
        count: int,
        sources: dict[Channel, Source],
        clients: list[Client],
        touchpoints: list[Touchpoint],
        now: datetime,
    ) -> int:
        """A year of comments; the leaving client sours over the last four months."""
        created = 0
        contacts = {c.pk: list(c.contacts.order_by("pk")) for c in clients}
        managers = {c.pk: c.account_managers.select_related("user").first() for c in clients}
        for i in range(count):
            client = rng.choice(clients)
            kind = (
                "leaving"
                if client.name == LEAVING_CLIENT
                else "unhappy"
                if client.name in UNHAPPY
                else "happy"
            )
            mood = rng.choices(MOODS, weights=MOOD_WEIGHTS[kind])[0]
            days_ago = rng.randint(0, 364)
            if kind == "leaving" and mood in ("leaving", "negative", "implied"):
                days_ago = rng.randint(0, 120)
            am = managers[client.pk]
            result = feedback_ingest(
                source=sources[rng.choice(CHANNEL_MIX)],
                external_id=f"demo-{seed}-{i}",
                text=comment_compose(rng, mood, am=am.user.first_name if am else "team"),
                sender=rng.choice(contacts[client.pk]).email,
                touchpoint=rng.choice(touchpoints),
                engagement=client.engagements.first(),
                received_at=now - timedelta(days=days_ago, minutes=rng.randint(0, 1440)),
            )
            created += result.created
        return created

    def _emerging(
        self,
        *,
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

    def _reviews(self, source: Source, now: datetime) -> int:
        """Review-site items from the committed fixture (the demo's review source is not
        polled: there is no site to reach)."""
        created = 0
        for review in json.loads(REVIEWS.read_text(encoding="utf-8"))["reviews"]:
            result = feedback_ingest(
                source=source,
                external_id=f"fixture:{review['id']}",
                text=review["text"],
                sender=review["author"],
                subject=f"{review['site']} review",
                received_at=now - timedelta(days=review["days_ago"]),
                rating=review["rating"],
                rating_scale=5,
                raw={"site": review["site"], "author": review["author"]},
            )
            created += result.created
        return created
