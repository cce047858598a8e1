"""Topic discovery on Banking77: cluster the messages without their labels, then score.

Figures (the labels are read only here, after clustering):
- NMI and ARI of the topics against the 77 intents (unassigned messages form one group, -1);
- accuracy after the Hungarian matching of topics to intents (scipy `linear_sum_assignment`);
  an unassigned message, or one in a topic left unmatched, counts as wrong;
- topics found, share unassigned;
- keyword hit rate: share of matched topics whose top three keywords name their intent (a
  keyword word shares its first five letters with a word of the intent's name, e.g. `arrive`
  and `card_arrival`).
The method's settings were tuned on the train split; `nlp_evaluate` reports the test split.
"""

import csv
import time
from pathlib import Path

import numpy as np

STEM = 5


def hungarian_accuracy(truth: np.ndarray, pred: np.ndarray) -> tuple[float, dict[int, int]]:
    """Accuracy under the best one-to-one topic -> class matching, and that matching."""
    from scipy.optimize import linear_sum_assignment

    classes, truth_idx = np.unique(truth, return_inverse=True)
    topics, pred_idx = np.unique(pred, return_inverse=True)
    counts = np.zeros((len(topics), len(classes)))
    np.add.at(counts, (pred_idx, truth_idx), 1)
    rows, cols = linear_sum_assignment(-counts)
    matching = {int(topics[r]): int(c) for r, c in zip(rows, cols, strict=True) if topics[r] >= 0}
    correct = sum(counts[r, c] for r, c in zip(rows, cols, strict=True) if topics[r] >= 0)
    return float(correct / max(len(truth), 1)), matching


def _names_intent(keywords: list[str], intent: str) -> bool:
    stems = {w[:STEM] for w in intent.lower().split("_") if len(w) > 2}
    words = {w[:STEM] for k in keywords[:3] for w in k.lower().split()}
    return bool(stems & words)


def _read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def evaluate_topics(data_dir: Path, *, split: str = "test", seed: int = 0) -> dict[str, float]:
    """Topic figures on `data_dir/banking77/<split>.csv` (prefixed `topics_banking77_`)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from nlp.topics.embed import document_embeddings
    from nlp.topics.model import topics_fit

    texts, intents = _read(Path(data_dir) / "banking77" / f"{split}.csv")
    emb = document_embeddings(texts)
    started = time.monotonic()
    fit = topics_fit(texts, emb, seed=seed)
    fit_s = time.monotonic() - started
    names, truth = np.unique(intents, return_inverse=True)
    pred = fit.assignments
    accuracy, matching = hungarian_accuracy(truth, pred)
    hits = [
        _names_intent(t.keywords, str(names[matching[t.id]]))
        for t in fit.topics
        if t.id in matching
    ]
    prefix = "topics_banking77_"
    return {
        f"{prefix}nmi": float(normalized_mutual_info_score(truth, pred)),
        f"{prefix}ari": float(adjusted_rand_score(truth, pred)),
        f"{prefix}accuracy": accuracy,
        f"{prefix}topics_found": float(len(fit.topics)),
        f"{prefix}unassigned": float((pred < 0).mean()),
        f"{prefix}keyword_hit_rate": float(np.mean(hits)) if hits else 0.0,
        f"{prefix}fit_s": fit_s,
    }


TOPICS_BEGIN, TOPICS_END = "<!-- topics:begin -->", "<!-- topics:end -->"


def topics_card_update(metrics: dict[str, float], card: Path) -> None:
    """Replace the generated block of the model card's Topics section (its own markers, so the
    engine's metrics block is left alone); append the section when the card has none."""
    import re

    rows = "\n".join(f"| `{k}` | {v:.4f} |" for k, v in metrics.items())
    block = (
        f"{TOPICS_BEGIN}\nMeasured by `manage.py nlp_evaluate --topics` on the Banking77 test "
        f"split.\n\n| metric | value |\n|---|---|\n{rows}\n{TOPICS_END}"
    )
    text = card.read_text() if card.exists() else "# Model card\n"
    if TOPICS_BEGIN not in text:
        text = text.rstrip("\n") + f"\n\n## Topics\n\n{TOPICS_BEGIN}\n{TOPICS_END}\n"
    pattern = re.escape(TOPICS_BEGIN) + ".*?" + re.escape(TOPICS_END)
    card.write_text(re.sub(pattern, lambda _: block, text, flags=re.S))
