"""Feedback explorer latency on a generated firm, beside a baseline of unindexed substring search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/explorer.py [--items N]

Creates its own database `earshot_bench_explorer` (or $BENCH_DB) on that server, migrates it,
seeds one firm with N items (default 200,000; `manage.py generate_bench_firm`, then each text
varied with two of 60 sentences so that words are not all equally common), and drops the
database at the end.

Explorer figures are whole requests through the Django stack in-process (routing, auth, the
FilterSet, PostgreSQL full-text search on the GIN index, the page's effective analyses, the
template), so server time without the network. The baseline is the query a plain substring
search runs for the same words: `text ILIKE '%word%'` for each word, count + first page, on the
same rows (no index can serve it). `--reuse` keeps a database seeded earlier (`--keep`) and
only migrates it: the same rows measured before and after a migration. The last line is one
JSON object; goals: explorer search p95 <= 300 ms, filters without search words p95 <= 300 ms.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "earshot_bench_explorer")
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ["DATABASE_URL"] = urlunsplit(urlsplit(SERVER)._replace(path=f"/{DB}"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

OPENINGS = [
    "Our matter on the lease dispute",
    "The merger work for our board",
    "Advice on the employment claim",
    "The tax filing this quarter",
    "Support during the audit",
    "The patent application",
    "Help with the supplier contract",
    "Our pension scheme review",
    "The restructuring of the group",
    "Work on the data protection policy",
    "The litigation against our landlord",
    "Our trademark renewal",
    "The due diligence for the acquisition",
    "Advice on the share options plan",
    "The probate of the estate",
    "Our immigration applications",
    "The planning appeal",
    "The regulatory investigation",
    "Drafting of the shareholder agreement",
    "The insolvency advice",
    "Our annual accounts",
    "The VAT inspection",
    "The franchise agreement",
    "The construction claim",
    "The cross-border transfer pricing study",
    "The arbitration in Geneva",
    "Our cyber incident response",
    "The grant application",
    "The software licence negotiation",
    "The charity governance review",
]
CLOSINGS = [
    "went smoothly and on time.",
    "dragged on for months without updates.",
    "cost more than the engagement letter said.",
    "was handled by a very junior associate.",
    "was explained in plain language, which we valued.",
    "needed three chasers before anyone replied.",
    "left us unsure what happens next.",
    "was the best experience we have had with an adviser.",
    "showed real knowledge of our sector.",
    "was delayed by missing documents on your side.",
    "felt rushed at the end.",
    "came with a surprise invoice.",
    "was well organised from the first call.",
    "had too many people copied on every email.",
    "gave us confidence to proceed.",
    "was slow because the partner was travelling.",
    "was priced fairly for the result.",
    "made us consider other firms.",
    "was handed over between teams twice.",
    "finished a week early.",
    "needed clearer billing.",
    "was thorough and practical.",
    "missed an important deadline.",
    "was supported by a responsive paralegal.",
    "was hard to follow because of jargon.",
    "delivered exactly what we asked for.",
    "felt like nobody senior cared.",
    "was flexible about our budget.",
    "took longer than promised.",
    "will bring us back next year.",
]
SEARCHES = [
    "invoice",
    '"surprise invoice"',
    "deadline -missed",
    "paralegal responsive",
    "arbitration or litigation",
    "looking elsewhere",
]
BASELINE_WORDS = {  # the words a substring search would look for, for the same searches
    "invoice": ["invoice"],
    '"surprise invoice"': ["surprise invoice"],
    "deadline -missed": ["deadline"],
    "paralegal responsive": ["paralegal", "responsive"],
    "arbitration or litigation": ["arbitration"],
    "looking elsewhere": ["looking", "elsewhere"],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def admin_sql(sql: str) -> None:
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(sql)


def seed(items: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("generate_bench_firm", items=items, slug="bench", verbosity=0)
    with connection.cursor() as c:
        c.execute(
            """
            UPDATE feedback_feedback SET text = (%(o)s::text[])[1 + (id * 7) %% 30] || ' '
                || (%(c)s::text[])[1 + (id * 13 + id / 30) %% 30] || ' ' || text
            """,
            {"o": OPENINGS, "c": CLOSINGS},
        )
        c.execute("UPDATE feedback_feedback SET text_hash = encode(sha256(text::bytea), 'hex')")
        c.execute(
            "UPDATE feedback_analysis a SET text_hash = f.text_hash FROM feedback_feedback f "
            "WHERE f.id = a.feedback_id"
        )
        c.execute("VACUUM ANALYZE feedback_feedback")
        c.execute("ANALYZE")


def measure(runs: int) -> dict:
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from feedback.models import BrandPromise, Feedback, Firm, Member, Role

    setup_test_environment()
    firm = Firm.objects.get(slug="bench")
    admin = Member.objects.filter(firm=firm, role=Role.ADMIN).select_related("user").first()
    manager = Member.objects.filter(firm=firm, role=Role.ACCOUNT_MANAGER, clients__isnull=False)
    as_admin, as_manager = HttpClient(), HttpClient()
    as_admin.force_login(admin.user)
    as_manager.force_login(manager.select_related("user").first().user)
    promise = BrandPromise.objects.filter(firm=firm).order_by("pk").first()
    today = timezone.localdate()
    quarter = f"from={(today - timedelta(days=90)).isoformat()}&to={today.isoformat()}"
    searches = [(as_admin, f"/feedback/?q={q}") for q in SEARCHES]
    filtered = [
        (as_admin, f"/feedback/?q=invoice&sentiment=negative&{quarter}"),
        (as_admin, f"/feedback/?promise={promise.pk}&promise_sentiment=negative&{quarter}"),
        (as_admin, f"/feedback/?q=deadline&promise={promise.pk}&promise_sentiment=negative"),
        (as_admin, "/feedback/?emotion=anger&channel=email"),
        (as_admin, "/feedback/?case_status=open&sort=negative"),
        (as_admin, "/feedback/?score_min=0&score_max=6&sort=score"),
        (as_manager, "/feedback/?q=invoice"),
        (as_manager, f"/feedback/?sentiment=negative&{quarter}"),
    ]

    def request(target: tuple) -> float:
        browser, url = target
        start = time.perf_counter()
        response = browser.get(url.replace(" ", "+").replace('"', "%22"))
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200 or b'id="filter-errors"' in response.content:
            raise SystemExit(f"{url} answered {response.status_code} or refused its filters")
        return elapsed

    def baseline(words: list[str]) -> float:
        start = time.perf_counter()
        qs = Feedback.objects.filter(firm=firm)
        for word in words:
            qs = qs.filter(text__icontains=word)
        qs.count()
        list(qs.order_by("-received_at")[:25])
        return (time.perf_counter() - start) * 1000

    out: dict = {"items": Feedback.objects.filter(firm=firm).count()}
    for target in searches + filtered:  # warm-up: connections, plans, caches
        request(target)
    for name, targets in (("search", searches), ("filter", filtered)):
        samples = [request(targets[i % len(targets)]) for i in range(runs)]
        out[f"explorer_{name}_p50_ms"] = round(statistics.median(samples), 1)
        out[f"explorer_{name}_p95_ms"] = round(percentile(samples, 0.95), 1)
        # each query's median: which kind of query sets the p95
        each = {url: samples[i :: len(targets)] for i, (_, url) in enumerate(targets)}
        medians = {url: round(statistics.median(times)) for url, times in each.items()}
        worst = max(medians, key=lambda url: medians[url])
        out[f"slowest_{name}"] = f"{worst.removeprefix('/feedback/?')} {medians[worst]} ms"
        if name == "filter":  # the goal's own set: filters without search words
            plain = [t for i, t in enumerate(samples) if "q=" not in targets[i % len(targets)][1]]
            out["explorer_filter_no_words_p95_ms"] = round(percentile(plain, 0.95), 1)
        out[f"{name}_medians_ms"] = {
            url.removeprefix("/feedback/?"): ms for url, ms in medians.items()
        }
    word_lists = [BASELINE_WORDS[q] for q in SEARCHES]
    for words in word_lists:
        baseline(words)
    samples = [baseline(word_lists[i % len(word_lists)]) for i in range(runs)]
    out["baseline_icontains_p50_ms"] = round(statistics.median(samples), 1)
    out["baseline_icontains_p95_ms"] = round(percentile(samples, 0.95), 1)
    with connection.cursor() as c:
        c.execute(
            "EXPLAIN SELECT count(*) FROM feedback_feedback WHERE "
            "search_vector @@ websearch_to_tsquery('english', 'invoice')"
            if "search_vector" in {f.name for f in Feedback._meta.get_fields()}
            else "EXPLAIN SELECT count(*) FROM feedback_feedback WHERE "
            "to_tsvector('english'::regconfig, text) @@ websearch_to_tsquery('english', 'invoice')"
        )
        plan = " ".join(r[0] for r in c.fetchall())
        out["search_uses_gin_index"] = "feedback_search_vector" in plan or "text_search" in plan
    connection.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the database (to inspect)")
    parser.add_argument("--reuse", action="store_true", help="migrate a kept database, no seed")
    args = parser.parse_args()
    if not args.reuse:
        admin_sql(f"DROP DATABASE IF EXISTS {DB}")
        admin_sql(f"CREATE DATABASE {DB}")
    try:
        import django

        django.setup()
        started = time.perf_counter()
        if args.reuse:
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            with connection.cursor() as c:
                c.execute("VACUUM ANALYZE feedback_feedback")
            print(f"migrated the kept database in {time.perf_counter() - started:.0f} s")
        else:
            seed(args.items)
            print(f"seeded {args.items} items in {time.perf_counter() - started:.0f} s")
        result = measure(args.runs)
        for key, value in result.items():
            if isinstance(value, dict):  # one line per query
                for query, ms in value.items():
                    print(f"  {ms:>6} ms  {query}")
            else:
                print(f"{key:28s} {value}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
