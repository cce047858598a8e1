"""Backlog drain: re-analyse N stored items with 1 and with 2 NLP worker processes.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 HF_HUB_OFFLINE=1 \\
        .venv/bin/python bench/backlog.py [--n 100000] [--workers 1,2] [--data-dir ../shared/data]

N items (default 100,000; `--n 10000` on a shared machine) are stored once through the bulk
ingest path and marked analysed (a backlog after a model change); then for each worker count,
after a warm-up on a few other items (every worker has loaded its model), every item goes back
to pending through
`feedback_reanalyse` (what `manage.py reanalyse` runs) and the clock runs until none is left.
Each worker is a `celery worker --pool=solo -Q nlp` process, as in production (prefetch 1).
Texts are real writing (GoEmotions comments, as in bench/nlp_throughput.py) when the data
directory has them, else a fixed set of feedback sentences.

The bench creates, migrates and finally drops a database of its own and purges the broker's
queues at the end. The last line is one JSON object: items/s and drain seconds per worker count.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.database import own_database  # noqa: E402

FALLBACK = [
    "The partner explained the options clearly and we felt well advised.",
    "It took almost three weeks to get a reply to a simple question about the contract.",
    "Your invoice was far higher than the estimate we agreed in January.",
    "The associates were friendly, approachable and always happy to jump on a call.",
    "Nobody told us the hearing had been moved, which was embarrassing.",
]


def texts_for(n: int, data_dir: Path) -> list[str]:
    if (data_dir / "goemotions/original/train.tsv").exists():
        from bench.nlp_throughput import make_texts

        return make_texts(n, data_dir)
    return [f"{FALLBACK[i % len(FALLBACK)]} (#{i})" for i in range(n)]


def workers_start(k: int) -> list[subprocess.Popen]:
    """k solo workers; the cores are split between them (OMP/MKL threads per process), else
    each would start a thread per core and they would fight over the same cores."""
    threads = str(max(1, (os.cpu_count() or 1) // k))
    env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                "nlp",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
                "-n",
                f"backlog-{os.getpid()}-{i}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(k)
    ]


def drain(firm, workers: list[subprocess.Popen], timeout: float) -> float:
    """Seconds until no item of the firm is pending or running."""
    from feedback.reanalysis import reanalysis_remaining

    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    while reanalysis_remaining(firm=firm):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise RuntimeError("the backlog did not drain (worker gone or timeout)")
        time.sleep(0.2)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--timeout", type=float, default=7200)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database (purged at the end).")
    own_database("backlog")

    from config.celery import app
    from feedback.ingest import feedback_candidate
    from feedback.ingest_bulk import bulk_lookups, feedback_ingest_many
    from feedback.models import AnalysisStatus, Channel, Feedback, Firm, Source
    from feedback.reanalysis import feedback_reanalyse
    from feedback.services import feedback_ingest

    app.control.purge()
    firm = Firm.objects.create(name="Backlog", slug=f"backlog-{uuid.uuid4().hex[:8]}")
    source = Source.objects.create(firm=firm, channel=Channel.API, name="Backlog")
    lookups = bulk_lookups(firm=firm, senders=[])
    texts = texts_for(args.n, args.data_dir)
    started = time.perf_counter()
    for start in range(0, args.n, 5000):
        feedback_ingest_many(
            candidates=[
                feedback_candidate(
                    source=source,
                    text=t,
                    external_id=f"b{start + i}",
                    known_names=lookups.known_names,
                    field_checks=False,
                )
                for i, t in enumerate(texts[start : start + 5000])
            ]
        )
    stored_s = time.perf_counter() - started
    print(f"stored {args.n} items in {stored_s:.1f} s ({args.n / stored_s:.0f}/s)", flush=True)
    # As if analysed once already (a backlog after a model change): the ingest's own analysis
    # requests are dropped, and what is measured is only the re-analysis.
    app.control.purge()
    Feedback.objects.filter(firm=firm).update(analysis_status=AnalysisStatus.DONE)
    warm_source = Source.objects.create(
        firm=Firm.objects.create(name="Warm-up", slug=f"warm-{uuid.uuid4().hex[:8]}"),
        channel=Channel.API,
        name="Warm-up",
    )

    counts = [int(k) for k in args.workers.split(",")]
    results: dict[str, dict] = {}
    try:
        for k in counts:
            workers = workers_start(k)
            try:
                # Warm-up, not measured: one task per item, enough for every worker to load
                # its model and answer (prefetch 1 spreads them).
                for i in range(4 * k):
                    feedback_ingest(
                        source=warm_source, text=FALLBACK[i % 5], external_id=f"w{k}{i}"
                    )
                drain(warm_source.firm, workers, args.timeout)
                queued = feedback_reanalyse(firm=firm)
                seconds = drain(firm, workers, args.timeout)
            finally:
                for w in workers:
                    w.terminate()
                for w in workers:
                    w.wait(60)
            results[str(k)] = {"items_s": round(queued / seconds, 1), "drain_s": round(seconds, 1)}
            print(f"{k} worker(s): {queued} items in {seconds:.1f} s", flush=True)
    finally:
        app.control.purge()

    print(f"\n{'NLP worker processes':<24}{'items':>10}{'items/s':>10}{'drain s':>10}")
    for k, r in results.items():
        print(f"{k:<24}{args.n:>10}{r['items_s']:>10}{r['drain_s']:>10}")
    one, two = results.get("1"), results.get("2")
    if one and two:
        print(f"scaling 1 -> 2 workers: {two['items_s'] / one['items_s']:.2f}x")
    print(json.dumps({"n": args.n, "workers": results}))


if __name__ == "__main__":
    main()
