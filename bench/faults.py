"""Fault injection: items flow in while the NLP worker is SIGKILLed mid-batch again and again,
and the broker and the database are made unreachable (through local TCP proxies this script
controls; the machine's shared PostgreSQL and Redis are never stopped).

    CELERY_BROKER_URL=redis://... HF_HUB_OFFLINE=1 \\
        .venv/bin/python bench/faults.py [--n 500] [--kills 20] [--broker-cut-s 5] [--db-cut-s 3]

The script is the beat: it runs the sweeps (expired claims, unanalysed items, review gaps) every
2 s, with the lease shortened to 3 s. Figures: saved, analysed, lost, duplicated analysis rows,
duplicated cases, cases missing (rule-matching items without a case), unanalysed, drain time
(last item saved -> everything analysed and its rules run). The last line is one JSON object.
"""

import argparse
import json
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import own_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHURN = "Nobody called back for a week; we are looking elsewhere next year."
FINE = "The team was responsive and the advice was clear, thank you."
LEASE_S = 3.0


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    netloc = url.split("//", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = netloc.partition(":")
    return host or "127.0.0.1", int(port or default_port)


def _via(url: str, proxy) -> str:  # noqa: ANN001
    scheme, rest = url.split("//", 1)
    netloc, _, path = rest.partition("/")
    auth = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
    return f"{scheme}//{auth}127.0.0.1:{proxy.port}/{path}"


def run(*, n: int, kills: int, broker_cut_s: float, db_cut_s: float, log=print) -> dict:  # noqa: ANN001
    """Run the scenario against the configured database and broker; returns the figures."""
    from django.conf import settings
    from django.db import connections
    from django.db.models import Count
    from django.utils import timezone

    from feedback.models import Analysis, AnalysisStatus, Case, Feedback, Firm, Source
    from feedback.review.recovery import cases_notify_sweep, feedback_rules_sweep
    from feedback.services import feedback_ingest
    from feedback.sweeps import feedback_sweep_expired_claims, feedback_sweep_unanalysed
    from tests.feedback.faults.faultkit import TcpProxy, worker_kill, worker_start, worker_stop

    db = settings.DATABASES["default"]
    db_url = (
        f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    broker = TcpProxy(_host_port(settings.CELERY_BROKER_URL, 6379))
    pg = TcpProxy(_host_port(db_url, 5432))
    env = {
        "CELERY_BROKER_URL": _via(settings.CELERY_BROKER_URL, broker),
        "NLP_CLAIM_HEARTBEAT_SECONDS": "0.5",
        "NLP_BATCH_SIZE": "32",
    }
    worker_db = _via(db_url, pg)
    firm = Firm.objects.create(name="Faults LLP", slug=f"faults-{os.getpid()}")
    source = Source.objects.create(firm=firm, name="faults", channel="api")
    queues = "default,ingest,email"
    general, _ = worker_start(
        queues=queues, name="f-general", database_url=worker_db, extra_env=env
    )
    nlp, _ = worker_start(queues="nlp", name="f-nlp", database_url=worker_db, extra_env=env)
    stop = threading.Event()
    saved_ids: list[int] = []
    expected_cases = 0
    done_ingest = threading.Event()

    def ingest() -> None:
        nonlocal expected_cases
        for i in range(n):
            churn = i % 5 == 0
            expected_cases += churn
            text = f"{CHURN if churn else FINE} (#{i})"
            saved_ids.append(
                feedback_ingest(source=source, text=text, external_id=f"f{i}").feedback.pk
            )
            time.sleep(0.02)
        done_ingest.set()
        connections.close_all()

    def beat() -> None:
        while not stop.is_set():
            now = timezone.now()
            feedback_sweep_expired_claims(lease_expired_before=now - timedelta(seconds=LEASE_S))
            feedback_sweep_unanalysed(older_than=now - timedelta(seconds=60))
            feedback_rules_sweep(older_than=now - timedelta(seconds=5))
            cases_notify_sweep(older_than=now - timedelta(seconds=5))
            stop.wait(2)
        connections.close_all()

    started = time.monotonic()
    threads = [threading.Thread(target=ingest), threading.Thread(target=beat)]
    for t in threads:
        t.start()
    killed = mid_batch = 0
    try:
        while killed < kills:
            # SIGKILL while a batch is claimed; wait for one if there is none yet
            deadline = time.monotonic() + 30
            while (
                time.monotonic() < deadline
                and not Feedback.objects.filter(
                    firm=firm, analysis_status=AnalysisStatus.RUNNING
                ).exists()
            ):
                time.sleep(0.02)
            mid_batch += Feedback.objects.filter(
                firm=firm, analysis_status=AnalysisStatus.RUNNING
            ).exists()
            worker_kill(nlp)
            killed += 1
            if killed == kills // 2 and broker_cut_s:
                broker.cut()
                time.sleep(broker_cut_s)
                broker.restore()
            if killed == kills // 3 and db_cut_s:
                pg.cut()
                time.sleep(db_cut_s)
                pg.restore()
            nlp, _ = worker_start(queues="nlp", name="f-nlp", database_url=worker_db, extra_env=env)
        log(f"{killed} SIGKILLs of the NLP worker; broker cut {broker_cut_s}s, db cut {db_cut_s}s")
        done_ingest.wait()
        last_saved = time.monotonic()
        deadline = last_saved + 900
        items = Feedback.objects.filter(firm=firm)
        while time.monotonic() < deadline and (
            items.exclude(analysis_status=AnalysisStatus.DONE).exists()
            or items.filter(rules_applied_at__isnull=True).exists()
        ):
            time.sleep(0.5)
        drain_s = time.monotonic() - last_saved
    finally:
        stop.set()
        for t in threads:
            t.join()
        worker_stop(nlp)
        worker_stop(general)
        broker.close()
        pg.close()
    items = Feedback.objects.filter(firm=firm)
    analyses = Analysis.objects.filter(feedback__firm=firm)
    dup_analyses = sum(
        row["c"] - 1
        for row in analyses.values("feedback", "model_version").annotate(c=Count("pk"))
        if row["c"] > 1
    )
    churn_items = items.filter(text__startswith=CHURN[:20])
    figures = {
        "saved": items.count(),
        "analysed": items.filter(analysis_status=AnalysisStatus.DONE).count(),
        "lost": n - items.count(),
        "duplicated": dup_analyses + (Case.objects.filter(firm=firm).count() - expected_cases),
        "unanalysed": items.exclude(analysis_status=AnalysisStatus.DONE).count(),
        "failed": items.filter(analysis_status=AnalysisStatus.FAILED).count(),
        "cases": Case.objects.filter(firm=firm).count(),
        "cases_missing": churn_items.filter(case__isnull=True).count(),
        "kills": killed,
        "kills_mid_batch": mid_batch,
        "drain_s": round(drain_s, 1),
        "total_s": round(time.monotonic() - started, 1),
    }
    Case.objects.filter(firm=firm).delete()
    items.delete()
    source.delete()
    firm.delete()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--broker-cut-s", type=float, default=5.0)
    parser.add_argument("--db-cut-s", type=float, default=3.0)
    args = parser.parse_args()
    own_database("faults")
    figures = run(
        n=args.n,
        kills=args.kills,
        broker_cut_s=args.broker_cut_s,
        db_cut_s=args.db_cut_s,
        log=lambda m: print(m, file=sys.stderr),
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
