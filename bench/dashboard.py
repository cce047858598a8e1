"""Dashboard and queue latency on a large generated firm.

    .venv/bin/python bench/dashboard.py [--items 1000000] [--runs 30]

The bench creates a database of its own (bench/database.py), generates the firm in it with
`manage.py generate_bench_firm` (set-wise, about a minute per million items), and drops it at
the end.

Requests go through the whole Django stack in-process (URL routing, auth, views, templates,
serialisers, the real PostgreSQL), so the figures are server time without the network.
Prints p50/p95 per endpoint; the last line is one JSON object with overview_p95_ms,
client_p95_ms and queue_p95_ms. Goals: dashboards p95 <= 300 ms, queue p95 <= 100 ms.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from bench.database import own_database  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed(browser, url: str) -> float:
    start = time.perf_counter()
    response = browser.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    own_database("dashboard")
    from django.core.management import call_command
    from django.test import Client as HttpClient
    from django.test.utils import setup_test_environment

    from feedback.models import Client, Firm, Member, Role

    started = time.perf_counter()
    call_command("generate_bench_firm", items=args.items, slug="bench")
    print(f"generated {args.items} items in {time.perf_counter() - started:.0f} s", flush=True)
    setup_test_environment()
    firm = Firm.objects.get(slug="bench")
    admin = Member.objects.filter(firm=firm, role=Role.ADMIN).select_related("user").first()
    manager = (
        Member.objects.filter(firm=firm, role=Role.ACCOUNT_MANAGER, clients__isnull=False)
        .select_related("user")
        .first()
    )
    as_admin, as_manager = HttpClient(), HttpClient()
    as_admin.force_login(admin.user)
    as_manager.force_login(manager.user)
    clients = list(Client.objects.filter(firm=firm).values_list("pk", flat=True))
    rng = random.Random(7)
    endpoints = {
        "overview": [(as_admin, "/dashboard/"), (as_manager, "/dashboard/")],
        "client": [(as_admin, f"/dashboard/clients/{pk}/") for pk in rng.sample(clients, 10)],
        "queue": [
            (as_admin, "/review/?view=team"),
            (as_admin, "/review/?view=overdue"),
            (as_manager, "/review/?view=mine"),
            (as_admin, "/api/v1/cases/?status=open"),
            (as_manager, "/api/v1/cases/"),
        ],
    }
    result: dict[str, float] = {}
    for name, targets in endpoints.items():
        for browser, url in targets:  # warm-up: connections, template and plan caches
            timed(browser, url)
        samples = [timed(*targets[i % len(targets)]) for i in range(args.runs)]
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        print(f"{name:9s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({len(samples)} requests)")
        result[f"{name}_p50_ms"] = round(p50, 1)
        result[f"{name}_p95_ms"] = round(p95, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
