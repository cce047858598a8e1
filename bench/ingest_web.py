"""The web paths of bench/ingest.py at a steady rate (open loop): the form and the single-item
API, p50/p99/max latency and the analysis messages queued per 1,000 submissions."""

import json
import uuid

from bench.broker import broker_reset, queued
from bench.httpload import closed_loop, gunicorn, open_loop, percentile
from bench.procs import children, cpu_seconds, postgres_backends

TEXTS = [
    "The partner explained the options clearly and we felt well advised.",
    "It took almost three weeks to get a reply to a simple question about the contract.",
    "Your invoice was far higher than the estimate we agreed in January.",
    "The associates were friendly, approachable and always happy to jump on a call.",
    "Nobody told us the hearing had been moved, which was embarrassing.",
]


def bench_form(source, workers: int, rate: float, seconds: float) -> dict:
    """p50/p99 latency of web-form submissions arriving at a steady `rate` per second, and the
    analysis messages they queued per 1,000 (no worker consumes them here)."""
    from urllib.parse import urlencode

    from config.celery import app

    run = uuid.uuid4().hex[:8]
    path = f"/listen/form/{source.public_key}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def request(i: int) -> tuple[str, bytes, dict[str, str]]:
        body = urlencode(
            {
                "text": f"{TEXTS[i % len(TEXTS)]} ({run}-{workers}-{i})",
                "email": f"c{i}@client.example",
                "rating": str(i % 5 + 1),
                "website": "",
                "submission_id": str(uuid.uuid4()),
            }
        ).encode()
        return path, body, headers

    with gunicorn(workers) as (port, proc):
        # Warm every worker (and open its persistent database connection) before measuring.
        closed_loop(port, lambda i: request(1_000_000 + i), 100, 8)
        broker_reset(app)
        web, db = children(proc.pid), postgres_backends()
        before = cpu_seconds(web) + cpu_seconds(db)
        latencies, statuses = open_loop(port, request, rate, seconds)
        cpu = cpu_seconds(web) + cpu_seconds(db) - before
        messages = queued("nlp")
    return {
        "path": "form",
        "msgs_per_1000": round(messages * 1000 / len(latencies), 1),
        "rate": rate,
        "workers": workers,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "cpu_ms": round(cpu / len(latencies) * 1000, 2),
        "statuses": statuses,
    }


def bench_api(source, workers: int, rate: float, seconds: float) -> dict:
    """The same for `POST /api/v1/feedback/` (one item a request, API key)."""
    from config.celery import app
    from feedback.api_keys import api_key_create

    _, secret = api_key_create(firm=source.firm, name="Bench single", scopes=["write"])
    run = uuid.uuid4().hex[:8]
    headers = {"Authorization": f"Api-Key {secret}", "Content-Type": "application/json"}

    def request(i: int) -> tuple[str, bytes, dict[str, str]]:
        body = {
            "source": source.pk,
            "text": TEXTS[i % len(TEXTS)],
            "external_id": f"one-{run}-{workers}-{i}",
            "sender": f"c{i % 50}@client.example",
        }
        return "/api/v1/feedback/", json.dumps(body).encode(), headers

    with gunicorn(workers) as (port, proc):
        closed_loop(port, lambda i: request(1_000_000 + i), 100, 8)
        broker_reset(app)
        web, db = children(proc.pid), postgres_backends()
        before = cpu_seconds(web) + cpu_seconds(db)
        latencies, statuses = open_loop(port, request, rate, seconds)
        cpu = cpu_seconds(web) + cpu_seconds(db) - before
        messages = queued("nlp")
    return {
        "path": "api",
        "msgs_per_1000": round(messages * 1000 / len(latencies), 1),
        "rate": rate,
        "workers": workers,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "cpu_ms": round(cpu / len(latencies) * 1000, 2),
        "statuses": statuses,
    }
