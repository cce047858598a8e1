"""Backlog drain and end to end analysis with 1 and 2 NLP worker processes, side by side: the
old enqueue (a task per item, per batch for a bulk; NLP_ENQUEUE_PER_ITEM) against the coalesced
wake-ups (`nlp.analyse_pending`, one per commit, none while one waits).

    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 HF_HUB_OFFLINE=1 \\
        .venv/bin/python bench/backlog.py [--n 100000] [--e2e 1000] [--workers 1,2]
        [--modes per_item,wake] [--data-dir ../shared/data]

End to end: `--e2e` items are saved one transaction each through `feedback_ingest` (what a form
post or an API call does) while the workers run; the clock runs from the first save until none is
left. Broker messages: the nlp tasks the workers took (counted in their logs) plus those still
queued when the clock stops, per 1,000 items.

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
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.broker import broker_reset, mode_set, queued  # noqa: E402
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


LOGS = ROOT / "var" / "bench-backlog"


def workers_start(k: int) -> list[subprocess.Popen]:
    """k solo workers; the cores are split between them (OMP/MKL threads per process), else
    each would start a thread per core and they would fight over the same cores. Each logs at
    INFO to LOGS/<i>.log (a line per task received: the broker messages)."""
    threads = str(max(1, (os.cpu_count() or 1) // k))
    env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    LOGS.mkdir(parents=True, exist_ok=True)
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
                "--loglevel=INFO",
                "-n",
                f"backlog-{os.getpid()}-{i}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=(LOGS / f"{i}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for i in range(k)
    ]


def messages_taken(k: int) -> int:
    """nlp tasks the k workers have taken off the broker so far."""
    pattern = re.compile(r"Task nlp\.\w+\[[^\]]+\] received")
    return sum(len(pattern.findall((LOGS / f"{i}.log").read_text())) for i in range(k))


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
    parser.add_argument("--e2e", type=int, default=1000, help="items saved one at a time")
    parser.add_argument("--modes", default="per_item,wake", help="enqueue paths, in order")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--timeout", type=float, default=7200)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database (purged at the end).")
    own_database("backlog")

    from django.conf import settings

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
    modes = args.modes.split(",")
    results: dict[str, dict] = {}
    e2e_texts = texts_for(args.e2e, args.data_dir)
    try:
        for mode in modes:
            mode_set(mode)
            for k in counts:
                broker_reset(app)
                workers = workers_start(k)
                try:
                    # Warm-up, not measured: enough items for every worker to load its model
                    # and answer (prefetch 1 spreads the per-item tasks; a full batch wakes
                    # another worker).
                    for i in range(max(4 * k, settings.NLP_BATCH_SIZE * k)):
                        feedback_ingest(
                            source=warm_source, text=FALLBACK[i % 5], external_id=f"w{mode}{k}{i}"
                        )
                    drain(warm_source.firm, workers, args.timeout)
                    e2e = e2e_run(
                        app, mode, k, texts=e2e_texts, workers=workers, timeout=args.timeout
                    )
                    settle(app)
                    taken = messages_taken(k)
                    queued_n = feedback_reanalyse(firm=firm)
                    seconds = drain(firm, workers, args.timeout)
                    messages = messages_taken(k) - taken + queued("nlp")
                finally:
                    for w in workers:
                        w.terminate()
                    for w in workers:
                        w.wait(60)
                key = f"{mode}:{k}"
                key += f"#{sum(r.startswith(key) for r in results) + 1}" if key in results else ""
                results[key] = {
                    "items_s": round(queued_n / seconds, 1),
                    "drain_s": round(seconds, 1),
                    "msgs_per_1000": round(messages * 1000 / queued_n, 1),
                    **e2e,
                }
                print(f"{key}: {results[key]}", flush=True)
    finally:
        broker_reset(app)

    print(
        f"\n{'enqueue':<10}{'workers':>8}{'e2e items/s':>13}{'e2e msgs/1000':>15}"
        f"{'backlog items/s':>17}{'backlog msgs/1000':>19}"
    )
    for key, r in results.items():
        mode, k = key.split(":")
        k = k.replace("#", " (run ") + ")" if "#" in k else k
        print(
            f"{mode:<10}{k:>8}{r['e2e_items_s']:>13}{r['e2e_msgs_per_1000']:>15}"
            f"{r['items_s']:>17}{r['msgs_per_1000']:>19}"
        )
    print(json.dumps({"n": args.n, "e2e": args.e2e, "runs": results}))


def settle(app) -> None:  # noqa: ANN001
    """Between measurements: the tasks left over from the last one (no-ops now) are dropped."""
    broker_reset(app)
    time.sleep(1)


def e2e_run(
    app,
    mode: str,
    k: int,
    *,
    texts: list[str],
    workers: list,
    timeout: float,  # noqa: ANN001
) -> dict:
    """Save the items one transaction each while the workers run; seconds until all analysed,
    and the nlp messages it took."""
    from feedback.models import Channel, Firm, Source
    from feedback.services import feedback_ingest

    firm = Firm.objects.create(name=f"E2E {mode} {k}", slug=f"e2e-{uuid.uuid4().hex[:8]}")
    source = Source.objects.create(firm=firm, channel=Channel.FORM, name="E2E")
    settle(app)
    taken = messages_taken(k)
    started = time.perf_counter()
    for i, text in enumerate(texts):
        feedback_ingest(source=source, text=text, external_id=f"e{i}")
    saved_s = time.perf_counter() - started
    seconds = saved_s + drain(firm, workers, timeout)
    messages = messages_taken(k) - taken + queued("nlp")
    return {
        "e2e_items_s": round(len(texts) / seconds, 1),
        "e2e_s": round(seconds, 1),
        "e2e_save_s": round(saved_s, 1),
        "e2e_msgs_per_1000": round(messages * 1000 / len(texts), 1),
    }


if __name__ == "__main__":
    main()
