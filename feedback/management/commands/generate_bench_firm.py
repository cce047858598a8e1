"""Generate a realistic large firm in PostgreSQL for the dashboard benchmark.

    manage.py generate_bench_firm --items 1000000 [--slug bench] [--reset]

Rows are produced set-wise with generate_series (seconds, not hours): clients with account
managers, sources per channel, touchpoints, brand promises, three years of feedback with
sentiment and survey scores, analyses with emotion tags and promise mentions for 40% of items,
and cases (2% of negative items; recent ones still open, some overdue). Deterministic (setseed).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from feedback.models import BrandPromise, Channel, Client, Firm, Member, Role, Source, Touchpoint

BENCH_PASSWORD = "bench-password"  # noqa: S105 - synthetic benchmark data only
TEXTS = [
    "The team was responsive and knew the subject well.",
    "Nobody answered my calls for a week; we are looking elsewhere.",
    "The invoice was far higher than the estimate.",
    "Great advice on the acquisition, thank you.",
    "Onboarding took too long and the paperwork was confusing.",
    "Our partner is always available and explains things clearly.",
    "We felt like a small fish; nobody senior attended the meeting.",
    "Fast turnaround on the contract review, much appreciated.",
]
PROMISES = ["Responsiveness", "Expertise", "Value for money", "Approachability", "Global reach"]
TOUCHPOINTS = ["proposal", "onboarding", "delivery", "billing", "support", "offboarding"]
EMOTIONS = ["anger", "annoyance", "disappointment", "gratitude", "joy", "confusion"]


class Command(BaseCommand):
    help = "Generate a large synthetic firm (PostgreSQL only) for bench/dashboard.py."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, default=1_000_000)
        parser.add_argument("--slug", default="bench")
        parser.add_argument("--clients", type=int, default=500)
        parser.add_argument("--managers", type=int, default=50)
        parser.add_argument("--reset", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("PostgreSQL only (it relies on generate_series).")
        slug = opts["slug"]
        if Firm.objects.filter(slug=slug).exists():
            if not opts["reset"]:
                raise CommandError(f"Firm {slug!r} exists; use --reset to recreate it.")
            self._delete(slug)
        with transaction.atomic():
            firm = self._reference_data(slug, opts["clients"], opts["managers"])
        self._bulk(firm, opts["items"])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        call_command("refresh_rollups", firm=slug, stdout=self.stdout)
        self.stdout.write(f"firm {slug} (id {firm.pk}) with {opts['items']} items is ready")

    def _delete(self, slug: str) -> None:
        firm = Firm.objects.get(slug=slug)
        with connection.cursor() as c:
            for table in [
                "feedback_caseevent",
                "feedback_case",
                "feedback_thememention",
                "feedback_emotiontag",
                "feedback_analysis",
                "feedback_feedback",
            ]:
                c.execute(f"DELETE FROM {table} WHERE firm_id = %s", [firm.pk])  # noqa: S608
        users = list(Member.objects.filter(firm=firm).values_list("user_id", flat=True))
        firm.delete()
        get_user_model().objects.filter(pk__in=users).delete()

    def _reference_data(self, slug: str, n_clients: int, n_managers: int) -> Firm:
        firm = Firm.objects.create(name=f"Bench {slug}", slug=slug)
        users = get_user_model()
        admin_user = users(username=f"{slug}-admin", email=f"{slug}-admin@example.com")
        # One known password for the benchmark's sign-in; hashing 50 more would be slow.
        admin_user.set_password(BENCH_PASSWORD)
        admin_user.save()
        Member.objects.create(user=admin_user, firm=firm, role=Role.ADMIN)
        managers = []
        for i in range(n_managers):
            user = users(username=f"{slug}-am{i}", email=f"{slug}-am{i}@example.com")
            user.set_password(BENCH_PASSWORD) if i == 0 else user.set_unusable_password()
            user.save()
            managers.append(Member.objects.create(user=user, firm=firm))
        clients = Client.objects.bulk_create(
            [
                Client(firm=firm, name=f"Client {i:04d}", segment=f"S{i % 4}")
                for i in range(n_clients)
            ]
        )
        through = Client.account_managers.through
        through.objects.bulk_create(
            [
                through(client_id=c.pk, member_id=managers[i % n_managers].pk)
                for i, c in enumerate(clients)
            ]
        )
        for i, name in enumerate(TOUCHPOINTS):
            Touchpoint.objects.create(firm=firm, name=name.title(), slug=name, order=i)
        for name in PROMISES:
            BrandPromise.objects.create(firm=firm, name=name, examples=[name.lower()])
        for channel in [Channel.EMAIL, Channel.FORM, Channel.SURVEY, Channel.REVIEW]:
            Source.objects.create(firm=firm, channel=channel, name=f"{channel} source")
        return firm

    def _bulk(self, firm: Firm, items: int) -> None:
        ids: dict[str, Any] = {
            "firm": firm.pk,
            "clients": list(
                Client.objects.filter(firm=firm).order_by("pk").values_list("pk", flat=True)
            ),
            "sources": list(
                Source.objects.filter(firm=firm).order_by("pk").values_list("pk", "channel")
            ),
            "touchpoints": list(
                Touchpoint.objects.filter(firm=firm).order_by("pk").values_list("pk", flat=True)
            ),
            "promises": list(
                BrandPromise.objects.filter(firm=firm).order_by("pk").values_list("pk", flat=True)
            ),
        }
        steps = _sql_steps()
        with connection.cursor() as c:
            c.execute("SELECT setseed(0.42)")
            params: dict[str, Any] = {
                "firm": ids["firm"],
                "items": items,
                "clients": ids["clients"],
                "source_ids": [s[0] for s in ids["sources"]],
                "channels": [s[1] for s in ids["sources"]],
                "touchpoints": ids["touchpoints"],
                "promises": ids["promises"],
                "texts": TEXTS,
                "emotions": EMOTIONS,
            }
            for name, sql in steps:
                c.execute(sql, params)
                self.stdout.write(f"{name}: {c.rowcount} rows")


def _sql_steps() -> list[tuple[str, str]]:
    feedback = """
    INSERT INTO feedback_feedback (firm_id, source_id, channel, external_id, client_id,
        touchpoint_id, sender, subject, text, text_hash, language, rating, rating_scale, raw,
        received_at, created_at, analysis_status, analysis_attempts, analysis_updated_at,
        analysis_error, sentiment, sentiment_value)
    SELECT %(firm)s, (%(source_ids)s::bigint[])[1 + g %% 4], (%(channels)s::text[])[1 + g %% 4],
        'bench-' || g,
        (%(clients)s::bigint[])[
            1 + (g::bigint * 7919 %% cardinality(%(clients)s::bigint[]))::int],
        (%(touchpoints)s::bigint[])[1 + g %% 6], '', '', t.text, md5(t.text) || md5(t.text), 'en',
        CASE WHEN g %% 10 = 0 THEN (g / 10) %% 11 WHEN g %% 20 = 5 THEN 1 + (g / 20) %% 5 END,
        CASE WHEN g %% 10 = 0 THEN 10 WHEN g %% 20 = 5 THEN 5 END, '{}'::jsonb,
        now() - (random() * interval '1095 days'), now(), 'done', 1, now(), '',
        CASE WHEN r < 0.3 THEN 'negative' WHEN r < 0.5 THEN 'neutral' ELSE 'positive' END,
        CASE WHEN r < 0.3 THEN -0.5 - r ELSE r - 0.3 END
    FROM generate_series(1, %(items)s) g
    -- g * 0 makes the subquery correlated, so random() is drawn per row, not once.
    CROSS JOIN LATERAL (SELECT random() + g * 0 AS r) rr
    CROSS JOIN LATERAL (SELECT (%(texts)s::text[])[1 + g %% 8] AS text) t
    """
    analysis = """
    INSERT INTO feedback_analysis (feedback_id, firm_id, model_version, text_hash, sentiment,
        sentiment_value, sentiment_scores, emotion_scores, emotions, sentences, model_info,
        created_at, sentiment_confidence, intent_to_leave, intent_flag)
    SELECT id, firm_id, 'bench-1', text_hash, sentiment, sentiment_value, '{}', '{}', '[]', '[]',
        '{}', received_at, 0.8, CASE WHEN sentiment = 'negative' AND id %% 23 = 0 THEN 0.9
        ELSE 0.02 END, sentiment = 'negative' AND id %% 23 = 0
    FROM feedback_feedback WHERE firm_id = %(firm)s AND id %% 5 < 2
    """
    # one analysis per analysed item here, so it is the current one (`feedback.analysis`)
    current = """
    UPDATE feedback_feedback f SET current_analysis_id = a.id FROM feedback_analysis a
    WHERE a.feedback_id = f.id AND a.text_hash = f.text_hash AND f.firm_id = %(firm)s
    """
    emotions = """
    INSERT INTO feedback_emotiontag (analysis_id, feedback_id, firm_id, label, score, received_at)
    SELECT a.id, a.feedback_id, a.firm_id,
        (%(emotions)s::text[])[
            1 + (a.id %% 3) + CASE WHEN a.sentiment = 'negative' THEN 0 ELSE 3 END],
        0.5 + random() / 2, f.received_at
    FROM feedback_analysis a JOIN feedback_feedback f ON f.id = a.feedback_id
    WHERE a.firm_id = %(firm)s AND a.id %% 10 < 7
    """
    themes = """
    INSERT INTO feedback_thememention (analysis_id, feedback_id, firm_id, brand_promise_id, score,
        sentiment, sentiment_value, evidence, received_at, sentiment_scores)
    SELECT a.id, a.feedback_id, a.firm_id,
        (%(promises)s::bigint[])[1 + a.id %% cardinality(%(promises)s::bigint[])],
        0.4 + random() / 2, a.sentiment, a.sentiment_value, jsonb_build_array(f.text),
        f.received_at, '{}'
    FROM feedback_analysis a JOIN feedback_feedback f ON f.id = a.feedback_id
    WHERE a.firm_id = %(firm)s
    """
    cases = """
    INSERT INTO feedback_case (firm_id, feedback_id, client_id, owner_id, status, priority, reasons,
        opened_at, due_at, outcome)
    SELECT f.firm_id, f.id, f.client_id, am.member_id,
        CASE WHEN f.received_at > now() - interval '30 days' THEN 'open' ELSE 'resolved' END,
        CASE WHEN f.id %% 3 = 0 THEN 'urgent' ELSE 'normal' END,
        '[{"rule": "negative_sentiment", "detail": "Negative sentiment", "priority": "normal"}]',
        f.received_at, f.received_at + interval '3 days',
        CASE WHEN f.received_at > now() - interval '30 days' THEN '' ELSE 'addressed' END
    FROM feedback_feedback f
    LEFT JOIN LATERAL (SELECT member_id FROM feedback_client_account_managers m
                       WHERE m.client_id = f.client_id ORDER BY member_id LIMIT 1) am ON true
    WHERE f.firm_id = %(firm)s AND f.sentiment = 'negative' AND f.id %% 50 = 0
    """
    return [
        ("feedback", feedback),
        ("analyses", analysis),
        ("current analyses", current),
        ("emotion tags", emotions),
        ("promise mentions", themes),
        ("cases", cases),
    ]
