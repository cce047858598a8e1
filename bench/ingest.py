"""Ingestion into PostgreSQL, side by side in one run.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 CACHE_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/ingest.py [--bulk 20000] [--csv 20000] [--rates 25,50,100]
        [--seconds 20] [--workers 1,2,4] [--mails 500] [--baseline 2000]

1. baseline: a plain `Feedback.objects.create` loop (one autocommit insert each, no validation);
2. bulk API: `POST /api/v1/feedback/bulk/` with 500 items a request (API key, full validation,
   de-duplication by external id, one multi-row upsert, analysis queued in batches) against
   gunicorn serving config.wsgi with production settings, 2 workers, 2 connections;
3. CSV import: a generated file through `csv_import_run` (what `listening_import_csv` and the
   upload page's job run), batches of 1,000 rows;
4. web form: `POST /listen/form/<public_key>` (JSON accepted), and the single-item API
   (`POST /api/v1/feedback/`), arriving at a steady rate (open
   loop: each request is sent on schedule, so queueing shows as latency), p50/p99/max latency,
   with 1, 2 and 4 gunicorn sync workers; every submission goes through validation, rate-limit
   counters (set high), `feedback_ingest` and the on-commit enqueue to the broker. The CPU ms
   per submission (gunicorn workers + their PostgreSQL backends, read from /proc) bound what
   the cores can serve: 2 cores / 10 ms = 200 submissions/s at best;
5. IMAP: messages APPENDed to a real Dovecot on loopback, then read by `source_poll`.

Bulk API, form and single API run once per enqueue path (`--modes`): the old one (a task per
item, NLP_ENQUEUE_PER_ITEM, the baseline) then the coalesced wake-ups; each reports the analysis
messages it queued per 1,000 items (no worker consumes them here, so a wake-up's flag is never
cleared before it expires: NLP_WAKE_TTL_SECONDS bounds the count from below).

The bench creates, migrates and finally drops a database of its own (bench/database.py). The
broker's queues are purged at the end (the analysis requests are not part of this bench). The
last line is one JSON object with every figure.
"""

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from bench.broker import broker_reset, mode_set, queued  # noqa: E402
from bench.database import own_database  # noqa: E402
from bench.httpload import closed_loop, gunicorn  # noqa: E402
from bench.ingest_web import bench_api, bench_form  # noqa: E402
from bench.procs import children, cpu_seconds, postgres_backends  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TEXTS = [
    "The partner explained the options clearly and we felt well advised.",
    "It took almost three weeks to get a reply to a simple question about the contract.",
    "Your invoice was far higher than the estimate we agreed in January.",
    "The associates were friendly, approachable and always happy to jump on a call.",
    "Nobody told us the hearing had been moved, which was embarrassing.",
]


def bench_baseline(n: int, source) -> float:
    from django.utils import timezone

    from feedback.models import Feedback, text_hash

    run = uuid.uuid4().hex[:8]
    start = time.perf_counter()
    for i in range(n):
        text = TEXTS[i % len(TEXTS)]
        Feedback.objects.create(
            firm_id=source.firm_id,
            source=source,
            channel=source.channel,
            external_id=f"base-{run}-{i}",
            text=text,
            text_hash=text_hash(text),
            received_at=timezone.now(),
        )
    return n / (time.perf_counter() - start)


def bench_bulk_api(n: int, source, workers: int, concurrency: int) -> tuple[float, dict, float]:
    """Items per second through `POST /api/v1/feedback/bulk/` (500 items a request), statuses,
    and items per CPU second (gunicorn workers + their PostgreSQL backends)."""
    from feedback.api_keys import api_key_create

    _, secret = api_key_create(firm=source.firm, name="Bench", scopes=["write"])
    run = uuid.uuid4().hex[:8]
    per = 500
    headers = {"Authorization": f"Api-Key {secret}", "Content-Type": "application/json"}

    def request(r: int) -> tuple[str, bytes, dict[str, str]]:
        items = [
            {
                "source": source.pk,
                "text": TEXTS[i % len(TEXTS)],
                "external_id": f"bulk-{run}-{r}-{i}",
                "sender": f"c{i % 50}@client.example",
                "rating": i % 5 + 1,
                "rating_scale": 5,
            }
            for i in range(per)
        ]
        return "/api/v1/feedback/bulk/", json.dumps({"items": items}).encode(), headers

    with gunicorn(workers) as (port, proc):
        closed_loop(port, lambda r: request(10_000 + r), workers, workers)  # warm-up
        web, db = children(proc.pid), postgres_backends()
        before = cpu_seconds(web) + cpu_seconds(db)
        rps, statuses = closed_loop(port, request, max(1, n // per), concurrency)
        cpu = cpu_seconds(web) + cpu_seconds(db) - before
    return rps * per, statuses, n / cpu


def bench_csv(n: int, source) -> tuple[float, float]:
    """Rows per second through `listening_import_csv` (the same run as the upload page's job),
    and rows per CPU second (this process + its PostgreSQL backend)."""
    import csv
    import io

    from django.core.files.base import ContentFile
    from django.db import connection

    from listening.services.csv_import import csv_import_create, csv_import_run

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Comment", "Id", "Date", "Email", "Score"])
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        writer.writerow(
            [TEXTS[i % len(TEXTS)], f"{run}-{i}", "2026-01-05", f"c{i % 50}@x.example", i % 5 + 1]
        )
    mapping = {
        "text": "Comment",
        "external_id": "Id",
        "received_at": "Date",
        "sender": "Email",
        "rating": "Score",
    }
    job = csv_import_create(
        source=source,
        file=ContentFile(out.getvalue().encode(), name="bench.csv"),
        mapping=mapping,
        dry_run=False,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = [cursor.fetchone()[0]]
    cpu0 = time.process_time() + cpu_seconds(backend)
    start = time.perf_counter()
    job = csv_import_run(import_id=job.pk)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() + cpu_seconds(backend) - cpu0
    if job is None or job.rows_created != n:
        raise RuntimeError(f"CSV import created {job and job.rows_created} of {n}")
    return n / elapsed, n / cpu


def bench_imap(n: int, firm) -> float:
    from imap_tools import MailBoxUnencrypted

    from feedback.models import Feedback
    from listening.models import PollState
    from listening.services.mailboxes import imap_mailbox_set
    from listening.services.polling import source_poll
    from tests.listening.dovecot import dovecot_running
    from tests.listening.samples import REPLY_WITH_QUOTE, email_bytes

    with dovecot_running(users=1) as server:
        user, password = server.add_user()
        with MailBoxUnencrypted(server.host, server.port).login(user, password) as box:
            for i in range(n):
                body = REPLY_WITH_QUOTE if i % 2 else TEXTS[i % len(TEXTS)]
                box.append(email_bytes(body=body), "INBOX", dt=None, flag_set=())
        mailbox = imap_mailbox_set(
            firm=firm,
            name=f"Bench inbox {uuid.uuid4().hex[:6]}",
            host=server.host,
            port=server.port,
            username=user,
            password=password,
            use_ssl=False,
        )
        start = time.perf_counter()
        while Feedback.objects.filter(source=mailbox.source).count() < n:
            PollState.objects.filter(source=mailbox.source).update(next_poll_at=None)
            result = source_poll(source_id=mailbox.source.pk)
            if not result or "error" in result or not result.get("messages"):
                raise RuntimeError(f"IMAP poll stalled: {result}")
        return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--bulk", type=int, default=20_000, help="items through the bulk API")
    parser.add_argument("--csv", type=int, default=20_000, help="rows through a CSV import")
    parser.add_argument("--rates", default="25,50,100", help="form submissions per second")
    parser.add_argument("--seconds", type=float, default=20, help="form load duration")
    parser.add_argument("--workers", default="1,2,4", help="gunicorn worker counts for the form")
    parser.add_argument("--mails", type=int, default=500)
    parser.add_argument("--modes", default="per_item,wake", help="enqueue paths, in order")
    args = parser.parse_args()

    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database (purged at the end).")
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/4")
    own_database("ingest")

    from config.celery import app
    from feedback.models import Channel, Firm, Source

    firm = Firm.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    base_source = Source.objects.create(firm=firm, channel=Channel.API, name="Baseline")
    api_source = Source.objects.create(firm=firm, channel=Channel.API, name="Bulk API")
    csv_source = Source.objects.create(firm=firm, channel=Channel.IMPORT, name="CSV")
    form_source = Source.objects.create(firm=firm, channel=Channel.FORM, name="Form")

    modes = args.modes.split(",")
    bulk: dict[str, dict] = {}
    cells: list[dict] = []
    try:
        baseline_rps = bench_baseline(args.baseline, base_source)
        for mode in modes:
            mode_set(mode)
            broker_reset(app)
            rps, statuses, per_cpu = bench_bulk_api(args.bulk, api_source, workers=2, concurrency=2)
            bulk[mode] = {
                "ips": round(rps, 1),
                "ips_per_cpu_s": round(per_cpu),
                "statuses": statuses,
                "msgs_per_1000": round(queued("nlp") * 1000 / args.bulk, 1),
            }
            for rate in args.rates.split(","):
                for w in args.workers.split(","):
                    for bench, source in ((bench_form, form_source), (bench_api, api_source)):
                        cell = bench(source, int(w), float(rate), args.seconds)
                        cells.append({"mode": mode, **cell})
        mode_set("wake")
        csv_rps, csv_cpu = bench_csv(args.csv, csv_source)
        imap_mps = bench_imap(args.mails, firm) if args.mails else 0.0
    finally:
        broker_reset(app)

    print(f"{'path':<52}{'items':>8}{'per second':>14}")
    rows = [
        ("baseline: Model.objects.create loop", args.baseline, baseline_rps),
        *(
            (f"bulk API via gunicorn (2 workers, 500 a request), {m}", args.bulk, r["ips"])
            for m, r in bulk.items()
        ),
        ("CSV import (listening_import_csv)", args.csv, csv_rps),
        ("IMAP (Dovecot) -> source_poll", args.mails, imap_mps),
    ]
    for label, n, rate in rows:
        print(f"{label:<52}{n:>8}{rate:>14.1f}")
    print(f"bulk API per mode: {bulk}")
    print(f"CSV import items per CPU second (importer + PostgreSQL): {csv_cpu:.0f}")
    print(f"\nform and single-item API at a steady rate for {args.seconds:g} s each:")
    head = ("enqueue", "path", "rate/s", "workers", "p50 ms", "p99 ms", "max ms", "CPU ms")
    head += ("msgs/1000",)
    print("".join(f"{h:>10}" for h in head) + "  statuses")
    for c in cells:
        row = (c["mode"], c["path"], c["rate"], c["workers"], c["p50_ms"], c["p99_ms"])
        row += (c["max_ms"], c["cpu_ms"], c["msgs_per_1000"])
        print("".join(f"{v:>10}" for v in row) + f"  {c['statuses']}")
    print(
        json.dumps(
            {
                "baseline_rps": round(baseline_rps, 1),
                "bulk_api": bulk,
                "csv_ips": round(csv_rps, 1),
                "csv_ips_per_cpu_s": round(csv_cpu),
                "imap_mps": round(imap_mps, 1),
                "p50_p99_ms": {
                    f"{c['mode']} {c['path']} {c['rate']:g}/s x{c['workers']}": [
                        c["p50_ms"],
                        c["p99_ms"],
                        c["cpu_ms"],
                        c["msgs_per_1000"],
                    ]
                    for c in cells
                },
            }
        )
    )


if __name__ == "__main__":
    main()
