"""NLP throughput, side by side in one run on the same texts (texts per second).

    CELERY_BROKER_URL=redis://... HF_HUB_OFFLINE=1 \\
        .venv/bin/python bench/nlp_throughput.py [--n 1000] [--naive-n 200] \\
        [--precision auto|fp32|int8|bf16|all|fp32,bf16,...] [--repeat 3] [--data-dir ../shared/data]

1. baseline: sentence-transformers `encode`, batched (embeddings only);
2. naive: a transformers pipeline called one text at a time (on the first --naive-n texts);
3. engine: `Engine.analyse` in batches (sentiment + emotions + themes, sentence level), once per
   precision asked for (`--precision`, default auto = what NLP_PRECISION picks on this CPU),
   interleaved with the baseline `--repeat` times (medians), so a shared machine's load falls on
   all of them alike;
4. full path: feedback_ingest -> Celery (a real worker on the nlp queue) -> rows in the database.
Then the fidelity of each precision's encoder (mean and minimum cosines). The last line is one
JSON object with baseline_tps, naive_tps, engine_tps, full_path_tps (for the first precision),
each precision's engine texts/s and ratio, and the CPU.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import own_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

OPENERS = ["Thanks for the update.", "Quick note on the last quarter.", "Hi team,", "Feedback:"]


def make_texts(n: int, data_dir: Path, seed: int = 7) -> list[str]:
    """Deterministic, mixed-length texts of real writing: 1 to 12 GoEmotions train comments
    (Reddit) each, some after a greeting. Nearly every sentence is distinct, as in real
    feedback: a corpus built from a few stock sentences would flatter the engine, which encodes
    each distinct sentence once."""
    lines = (data_dir / "goemotions/original/train.tsv").read_text().splitlines()
    comments = [line.split("\t")[0] for line in lines]
    rnd = random.Random(seed)
    texts = []
    for _ in range(n):
        k = rnd.choice([1, 1, 2, 2, 3, 4, 5, 8, 12])
        body = " ".join(rnd.choice(comments) for _ in range(k))
        if rnd.random() < 0.3:
            body = f"{rnd.choice(OPENERS)} {body}"
        texts.append(body)
    return texts


THEMES = [
    {
        "name": "Responsiveness",
        "description": "We answer quickly and keep clients informed.",
        "examples": ["they replied within the hour", "took weeks to get back to us"],
    },
    {
        "name": "Value for money",
        "description": "Fair, predictable fees.",
        "examples": ["the invoice was higher than the estimate", "fair fees"],
    },
    {
        "name": "Expertise",
        "description": "Deep technical knowledge.",
        "examples": ["they really know the subject"],
    },
    {
        "name": "Approachability",
        "description": "Friendly and easy to reach.",
        "examples": ["always happy to talk"],
    },
]


def normalise_rows(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def torch_layers(st, texts: list[str]):
    """Reference: every hidden layer's mean pooling from the transformers model in torch,
    one text at a time (no padding at all)."""
    import torch

    out = []
    with torch.inference_mode():
        for text in texts:
            batch = st.tokenizer(text, truncation=True, max_length=256, return_tensors="pt")
            hidden = st[0].auto_model(**batch, output_hidden_states=True).hidden_states[1:]
            out.append(torch.stack([h[0].mean(0) for h in hidden]))
    return torch.stack(out).numpy()


def cpu_model() -> str:
    for line in (
        Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    ):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def precisions_asked(value: str) -> list[str]:
    """`all` -> fp32, int8, bf16 (the ones this machine can run); `auto` -> the choice."""
    from nlp.precision import PRECISIONS, backend_available, cpu_flags, precision_choose

    flags = cpu_flags()
    auto = precision_choose("auto", flags=flags).precision
    # `all`: the auto choice first, so engine_tps and the full path are what a worker runs here
    everything = [auto, *(p for p in PRECISIONS if p != auto)]
    asked = everything if value == "all" else [v.strip() for v in value.split(",")]
    out = []
    for p in asked:
        chosen = precision_choose(p, flags=flags, available=backend_available).precision
        if p not in (chosen, "auto"):
            print(f"{p}: not available here, skipped", file=sys.stderr)
            continue
        if chosen not in out:
            out.append(chosen)
    return out


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def full_path(texts: list[str]) -> float:
    """Seconds from the first feedback_ingest to the last item analysed by a real worker."""
    from feedback.models import AnalysisStatus, BrandPromise, Feedback, Firm, Source
    from feedback.services import feedback_ingest

    firm = Firm.objects.create(name="Bench LLP", slug=f"bench-{os.getpid()}")
    for t in THEMES:
        BrandPromise.objects.create(
            firm=firm, name=t["name"], description=t["description"], examples=t["examples"]
        )
    source = Source.objects.create(firm=firm, name="bench", channel="api")
    worker = subprocess.Popen(
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
            f"bench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def wait(ids, timeout=1800):
            deadline = time.monotonic() + timeout
            while Feedback.objects.filter(
                pk__in=ids, analysis_status=AnalysisStatus.DONE
            ).count() < len(ids):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise RuntimeError("worker did not finish")
                time.sleep(0.05)

        # Warm-up (worker start + model load) is not part of the measured path.
        wait([feedback_ingest(source=source, text="Warm-up.", external_id="warm").feedback.pk], 300)
        started = time.perf_counter()
        ids = [
            feedback_ingest(source=source, text=t, external_id=f"b{i}").feedback.pk
            for i, t in enumerate(texts)
        ]
        wait(ids)
        return time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
        # Feedback protects its Source; remove the bench's rows in dependency order.
        Feedback.objects.filter(firm=firm).delete()
        Source.objects.filter(firm=firm).delete()
        firm.delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--naive-n", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--quantize", action="store_true", help="the older --precision int8")
    parser.add_argument("--precision", default="auto", help="auto, fp32, int8, bf16, all, a,b")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--skip-full-path", action="store_true")
    args = parser.parse_args()
    if args.quantize:
        args.precision = "int8"

    own_database("nlp")
    from sentence_transformers import SentenceTransformer
    from transformers import pipeline

    from nlp.engine.config import EngineConfig
    from nlp.engine.core import engine_get
    from nlp.engine.features import prepare
    from nlp.inference import embedded_encoder_path

    texts = make_texts(args.n, args.data_dir)
    chars = sum(map(len, texts))
    print(f"{len(texts)} texts, {chars / len(texts):.0f} chars on average", file=sys.stderr)
    path = embedded_encoder_path()

    st = SentenceTransformer(path, device="cpu")
    st.encode(texts[:32])

    naive = pipeline("feature-extraction", model=path, tokenizer=path, device="cpu")
    naive_texts = texts[: args.naive_n]
    naive(naive_texts[0])
    naive_s = timed(lambda: [naive(t) for t in naive_texts])
    print(f"naive: {len(naive_texts) / naive_s:.1f} texts/s", file=sys.stderr)

    precisions = precisions_asked(args.precision)
    os.environ["NLP_PRECISION"] = precisions[0]  # the full path's worker runs the first one
    engines = {
        p: engine_get(replace(EngineConfig.from_settings(), precision=p)) for p in precisions
    }
    for engine in engines.values():
        engine.analyse(texts[:32], [THEMES] * 32)
    runs: dict[str, list[float]] = {"baseline": [], **{p: [] for p in engines}}
    for round_ in range(args.repeat):
        runs["baseline"].append(
            timed(lambda: st.encode(texts, batch_size=64, show_progress_bar=False))
        )
        for p, engine in engines.items():
            runs[p].append(timed(lambda e=engine: e.analyse(texts, [THEMES] * len(texts))))
        print(
            f"round {round_ + 1}: "
            + " ".join(f"{k} {len(texts) / v[-1]:.1f}" for k, v in runs.items())
            + " texts/s",
            file=sys.stderr,
        )
    baseline_s = median(runs["baseline"])
    by_precision = {p: len(texts) / median(runs[p]) for p in engines}

    # Fidelity: the final embedding against sentence-transformers (whole texts), and every
    # layer the heads read (3-6) against the transformers model in torch (the sentences the
    # engine encodes), as mean and minimum cosines over 200 texts, per precision.
    sample = texts[:200]
    ref = st.encode(sample, normalize_embeddings=True)
    sentences = prepare(sample).flat
    theirs = torch_layers(st, sentences)
    fidelity = {}
    for p, engine in engines.items():
        enc = engine.encoder.encode_segments(sample).layers[:, -1, :]
        whole = np.sum(ref * normalise_rows(enc), axis=1)
        ours = engine.encoder.encode_segments(sentences).layers
        layer = [
            np.sum(normalise_rows(ours[:, k]) * normalise_rows(theirs[:, k]), axis=1)
            for k in range(ours.shape[1])
        ]
        fidelity[p] = {
            "mean_cosine": round(float(whole.mean()), 5),
            "min_cosine": round(float(whole.min()), 5),
            "layer_min_cosines": [round(float(c.min()), 4) for c in layer],
        }
    engine = engines[precisions[0]]
    full_s = float("nan") if args.skip_full_path else full_path(texts)
    tps = {
        "baseline_tps": len(texts) / baseline_s,
        "naive_tps": len(naive_texts) / naive_s,
        "engine_tps": by_precision[precisions[0]],
        "full_path_tps": len(texts) / full_s,
    }
    for key, value in tps.items():
        print(f"{key:14s} {value:8.1f} texts/s  {value / tps['baseline_tps']:.2f}x baseline")
    from nlp.precision import cpu_flags, precision_resolve

    print(f"CPU: {cpu_model()}; {precision_resolve('auto').reason}")
    print("| precision | engine texts/s | x baseline | mean cosine | min cosine | layer 1-6 min |")
    for p, value in by_precision.items():
        f = fidelity[p]
        print(
            f"| {p} | {value:.1f} | {value / tps['baseline_tps']:.2f}x | {f['mean_cosine']:.4f} "
            f"| {f['min_cosine']:.4f} | {' '.join(f'{c:.4f}' for c in f['layer_min_cosines'])} |"
        )
    best = max(by_precision, key=by_precision.__getitem__)
    ratio = by_precision[best] / tps["baseline_tps"]
    print(f"engine/baseline ratio, best precision ({best}): {ratio:.2f}x (goal 3x on VNNI/AMX)")
    flags = sorted(
        cpu_flags()
        & {
            "avx2",
            "avx512f",
            "avx512_vnni",
            "avx512_bf16",
            "amx_tile",
            "amx_int8",
            "amx_bf16",
            "avx_vnni",
        }
    )
    print(
        json.dumps(
            {
                **{k: round(v, 2) for k, v in tps.items()},
                "precision": precisions[0],
                "engine_tps_by_precision": {k: round(v, 2) for k, v in by_precision.items()},
                "engine_ratio_by_precision": {
                    k: round(v / tps["baseline_tps"], 2) for k, v in by_precision.items()
                },
                "fidelity": fidelity,
                "repeat": args.repeat,
                "cpu": cpu_model(),
                "cpu_flags": flags,
            }
        )
    )


if __name__ == "__main__":
    main()
