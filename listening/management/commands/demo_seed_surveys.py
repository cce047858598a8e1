"""Survey waves for the demo firm that `demo_seed` builds (it calls this command by name, so the
feedback app does not import listening): two NPS waves six months apart and CSAT per touchpoint,
scheduled through governance, sent, and answered by about half of the contacts.

Idempotent: invitations are keyed by (campaign, contact, occasion) and answers by invitation.
"""

import random
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from feedback.management.demo_text import comment_compose
from feedback.models import Contact, Firm
from listening.campaigns.models import Campaign, Invitation, SurveyKind
from listening.campaigns.services.invitations import invitation_schedule
from listening.campaigns.services.responses import response_submit

NPS_WAVES = [("NPS spring wave", 320), ("NPS autumn wave", 140)]  # days ago; 180 days apart
RESPONSE_RATE = 0.55
CSAT_RATE = 0.3  # share of contacts asked per touchpoint over the year


class Command(BaseCommand):
    help = "Add survey waves, invitations and answers to the demo firm (run by demo_seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--unhappy", nargs="*", default=[])

    @transaction.atomic
    def handle(self, *args: Any, seed: int, unhappy: list[str], **options: Any) -> None:
        firm = Firm.objects.get(slug="harbour")
        rng = random.Random(seed + 2)
        now = timezone.now()
        contacts = list(
            Contact.objects.filter(firm=firm)
            .select_related("client")
            .prefetch_related("client__account_managers__user")
            .order_by("pk")
        )
        answers = 0
        for name, days_ago in NPS_WAVES:
            campaign, _ = Campaign.objects.get_or_create(
                firm=firm, name=name, defaults={"kind": SurveyKind.NPS}
            )
            sent = now - timedelta(days=days_ago)
            for contact in contacts:
                answers += self._ask(rng, campaign, contact, sent, unhappy, occasion=name)
        for touchpoint in firm.touchpoints.order_by("order"):
            campaign, _ = Campaign.objects.get_or_create(
                firm=firm,
                name=f"CSAT after {touchpoint.name.lower()}",
                defaults={"kind": SurveyKind.CSAT, "touchpoint": touchpoint},
            )
            for contact in contacts:
                if rng.random() >= CSAT_RATE:
                    continue
                sent = now - timedelta(days=rng.randint(3, 360), hours=rng.randint(0, 8))
                occasion = f"{touchpoint.slug}-{sent:%Y%m}"
                answers += self._ask(rng, campaign, contact, sent, unhappy, occasion=occasion)
        self.stdout.write(f"Surveys: {answers} new answers.")

    def _ask(
        self,
        rng: random.Random,
        campaign: Campaign,
        contact: Contact,
        sent: Any,
        unhappy: list[str],
        *,
        occasion: str,
    ) -> int:
        """Schedule, send and maybe answer one invitation; 1 when a new answer was recorded.
        Its own random stream, so a second run draws the same answers for the same people."""
        rng = random.Random(f"{rng.random()}-{campaign.name}-{contact.email}-{occasion}")
        answer = rng.random() < RESPONSE_RATE
        bad = contact.client.name in unhappy
        roll = rng.random()
        result = invitation_schedule(
            campaign=campaign, contact=contact, occasion=occasion, scheduled_for=sent
        )
        invitation = result.invitation
        if invitation is None or not result.created:
            return 0
        Invitation.objects.filter(pk=invitation.pk).update(
            status=Invitation.Status.SENT, sent_at=sent, attempts=1
        )
        if not answer:
            return 0
        if campaign.kind == SurveyKind.NPS:
            score = rng.choice([9, 10, 10, 8]) if roll < (0.25 if bad else 0.62) else None
            if score is None:
                score = rng.choice([7, 8]) if roll < (0.45 if bad else 0.85) else rng.randint(0, 6)
        else:
            score = rng.choice([4, 5, 5]) if roll < (0.4 if bad else 0.8) else rng.randint(1, 3)
        good = score >= (9 if campaign.kind == SurveyKind.NPS else 4)
        mood = "terse" if good and roll < 0.2 else "positive" if good else "mixed"
        if score <= (6 if campaign.kind == SurveyKind.NPS else 2):
            mood = rng.choice(["negative", "implied"])
        managers = list(contact.client.account_managers.all())
        am = managers[0].user.first_name if managers else "team"
        comment = comment_compose(rng, mood, am=am) if rng.random() < 0.8 else ""
        response_submit(
            invitation=invitation,
            score=score,
            comment=comment,
            now=sent + timedelta(hours=rng.randint(1, 96)),
        )
        return 1
