"""Ingestion throughput into PostgreSQL, side by side in one run.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 CACHE_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/ingest.py [--forms 2000] [--mails 500] [--baseline 2000]

1. baseline: a plain `Feedback.objects.create` loop (one autocommit insert each, no validation);
2. web form: `POST /listen/form/<public_key>` (JSON accepted) against gunicorn serving
   config.wsgi with production settings, from an asyncio load generator with 64 connections;
   every submission goes through validation, rate-limit counters (set high), `feedback_ingest`
   and the on-commit enqueue to the broker;
3. IMAP: messages APPENDed to a real Dovecot on loopback, then read by `source_poll` (UID FETCH,
   MIME parsing, reply stripping, `feedback_ingest`, cursor update per message).

The bench creates, migrates and finally drops a database of its own (bench/database.py). The
broker's queues are purged at the end (the analysis requests are not part of this bench). The
last line is one JSON object with form_rps, imap_mps, baseline_rps.

Requests per second depend on whatever else the machine runs, so the form run also prints the CPU
time one submission costs in each process (read from /proc, Linux only): the gunicorn workers,
their PostgreSQL backends and the load generator. Their sum bounds what the cores can serve:
2 cores / 10 ms per submission = 200 submissions/s at best.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from bench.database import own_database  # noqa: E402
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EARSHOT_BASE_URL": "http://127.0.0.1",
        # The limits are exercised (counted in the shared cache) but set out of reach: the load
        # comes from one IP and one key.
        "PORTAL_FORM_RATE_PER_IP": "100000000/m",
        "PORTAL_FORM_RATE_PER_KEY": "100000000/m",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--backlog=2048",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


async def _post(port: int, path: str, body: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nX-Forwarded-Proto: https\r\n"
            f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
    )
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1])


async def _load(port: int, path: str, n: int, concurrency: int) -> tuple[float, dict]:
    from urllib.parse import urlencode

    counter = iter(range(n))
    statuses: dict[int, int] = {}
    run = uuid.uuid4().hex[:8]

    async def client() -> None:
        for i in counter:
            body = urlencode(
                {
                    "text": f"{TEXTS[i % len(TEXTS)]} ({run}-{i})",
                    "email": f"c{i}@client.example",
                    "rating": str(i % 5 + 1),
                    "website": "",
                    "submission_id": str(uuid.uuid4()),
                }
            ).encode()
            status = await _post(port, path, body)
            statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return n / (time.perf_counter() - start), statuses


def bench_form(n: int, source, workers: int, concurrency: int) -> tuple[float, dict, dict]:
    """Submissions per second, HTTP statuses, and CPU ms per submission by process."""
    port = _free_port()
    proc = start_gunicorn(workers, port)
    try:
        path = f"/listen/form/{source.public_key}"
        # Warm every worker (and open its persistent database connection) before measuring.
        asyncio.run(_load(port, path, min(200, n), concurrency))
        web, db = children(proc.pid), postgres_backends()
        before = (cpu_seconds(web), cpu_seconds(db), time.process_time())
        rps, statuses = asyncio.run(_load(port, path, n, concurrency))
        after = (cpu_seconds(web), cpu_seconds(db), time.process_time())
        names = ("gunicorn", "postgres", "load generator")
        cpu_ms = {
            name: round((b - a) / n * 1000, 2)
            for name, a, b in zip(names, before, after, strict=True)
        }
        return rps, statuses, cpu_ms
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


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
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--mails", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database (purged at the end).")
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/4")
    own_database("ingest")

    from config.celery import app
    from feedback.models import Channel, Firm, Source

    firm = Firm.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    base_source = Source.objects.create(firm=firm, channel=Channel.API, name="Baseline")
    form_source = Source.objects.create(firm=firm, channel=Channel.FORM, name="Form")

    try:
        baseline_rps = bench_baseline(args.baseline, base_source)
        form_rps, statuses, cpu_ms = bench_form(
            args.forms, form_source, args.workers, args.concurrency
        )
        imap_mps = bench_imap(args.mails, firm)
    finally:
        app.control.purge()

    print(f"{'path':<48}{'items':>8}{'per second':>14}")
    print(f"{'baseline: Model.objects.create loop':<48}{args.baseline:>8}{baseline_rps:>14.1f}")
    form_label = f"web form via gunicorn ({args.workers} workers)"
    print(f"{form_label:<48}{args.forms:>8}{form_rps:>14.1f}")
    print(f"{'IMAP (Dovecot) -> source_poll':<48}{args.mails:>8}{imap_mps:>14.1f}")
    print(f"form HTTP statuses: {statuses}")
    print(f"form CPU ms per submission: {cpu_ms} (total {sum(cpu_ms.values()):.2f})")
    print(
        json.dumps(
            {
                "form_rps": round(form_rps, 1),
                "imap_mps": round(imap_mps, 1),
                "baseline_rps": round(baseline_rps, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
