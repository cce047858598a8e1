"""Intent to leave: does a sentence say the client is moving work away, tendering it, reviewing
the panel, not instructing again, or taking a dispute to a complaint or regulator?

Not a keyword list: a logistic model over (a) how close the sentence is, in the encoder's
embedding space, to hand-written examples of leaving and of near misses (moving office,
switching *to* the firm), (b) whether it uses a leaving cue (a tender, another firm, the
ombudsman…; the cues widen recall, the embedding decides), (c) how negative it reads, and (d)
the sentence embedding itself (a learnt direction of leaving beyond the nearest examples). The
logistic output is the calibrated probability; a comment's probability is that of its most
leaving sentence. Numpy only: weights in nlp/weights/intent.npz, written by `nlp_train`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "intent.npz"
_PROVIDER = (
    r"(?:firm|firms|adviser|advisers|advisor|advisors|provider|providers|supplier|suppliers|"
    r"accountants?|auditors?|solicitors|lawyers|counsel|practices?|company|bank)"
)
# One pattern per way of leaving; each is a cue, not a verdict (each is its own feature, so
# the model learns how far to trust a tender against a "not ... continue").
CUE_GROUPS = [
    re.compile(p, re.IGNORECASE)
    for p in [
        rf"\b(?:another|other|new|different|alternative|replacement)\s+(?:\w+\s+)?{_PROVIDER}\b",
        r"\b(?:tender|tendering|pitch|panel|rfp|requests? for proposals?|competitive process|"
        r"bids?|quotes? from|to quote)\b",
        r"\b(?:elsewhere|in-house|in house)\b",
        r"\b(?:won't|will not|wouldn't|not be|no longer|never|not)\b[^.]{0,40}?\b"
        r"(?:instruct\w*|us(?:e|ing)|work(?:ing)? with|renew\w*|extend\w*|continu\w*|"
        r"recommend\w*)\b",
        r"\b(?:ombudsman|regulator|sra|icaew|acca|formal complaint|complain\w*|legal action|"
        r"small claims)\b",
        r"\b(?:switch\w*|mov(?:e|ing)|transfer\w*|leav(?:e|ing)|cancel\w*|terminat\w*|end(?:ing)?|"
        r"clos(?:e|ing)|drop\w*|replac\w*|chang(?:e|ing))\b[^.]{0,40}?\b(?:firm|account|work|"
        r"business|contract|engagement|relationship|papers|files?|provider|supplier|retainer|"
        r"auditors?|accountants?|us|you)\b",
        r"\b(?:last|final)\s+(?:year|matter|time|bill|account)\b",
        r"\b(?:run its course|time for a change|done with)\b",
    ]
]
CUES = re.compile("|".join(f"(?:{g.pattern})" for g in CUE_GROUPS), re.IGNORECASE)
FEATURES = (
    "max_leave",
    "top3_leave",
    "max_stay",
    "top3_stay",
    "leave_minus_stay",
    "cue",
    *(f"cue_{k}" for k in range(len(CUE_GROUPS))),
    "negative",
)
# The normalised embedding itself follows the named features, times this (so the logistic's one
# regularisation strength suits both): a direction of leaving beyond the nearest examples.
EMBEDDING_SCALE = 3.0


@dataclass
class IntentModel:
    leave: np.ndarray  # (k, d) normalised embeddings of leaving examples
    stay: np.ndarray  # (m, d) normalised embeddings of near misses
    coef: np.ndarray  # (len(FEATURES) + embedding dims,)
    intercept: float
    threshold: float  # flag at or above this probability (chosen for recall on training CV)
    version: str

    def features(self, emb: np.ndarray, texts: list[str], p_negative: np.ndarray) -> np.ndarray:
        return intent_features(emb, texts, p_negative, self.leave, self.stay)

    def predict(self, emb: np.ndarray, texts: list[str], p_negative: np.ndarray) -> np.ndarray:
        """P(intent to leave) per sentence, from normalised last-layer embeddings."""
        if not len(texts):
            return np.zeros(0, np.float32)
        z = self.features(emb, texts, p_negative) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)

    def save(self, path: Path = WEIGHTS) -> None:
        np.savez_compressed(
            path,
            leave=self.leave.astype(np.float16),
            stay=self.stay.astype(np.float16),
            coef=self.coef,
            meta=np.array([repr(self.intercept), repr(self.threshold), self.version]),
        )


def intent_features(
    emb: np.ndarray,
    texts: list[str],
    p_negative: np.ndarray,
    leave: np.ndarray,
    stay: np.ndarray,
    *,
    exclude_self: bool = False,
) -> np.ndarray:
    """(n, len(FEATURES) + d): the named features, then the scaled embedding. With
    exclude_self (training on the leave/stay rows themselves), a
    row's own similarity of ~1 is masked so the features look like those of unseen text."""
    sim_leave, sim_stay = emb @ leave.T, emb @ stay.T
    if exclude_self:
        sim_leave = np.where(sim_leave > 0.999, -1.0, sim_leave)
        sim_stay = np.where(sim_stay > 0.999, -1.0, sim_stay)
    top = np.sort(sim_leave, axis=1)[:, -3:].mean(1)
    top_stay = np.sort(sim_stay, axis=1)[:, -3:].mean(1)
    groups = np.asarray(
        [[bool(g.search(t)) for g in CUE_GROUPS] for t in texts], np.float32
    ).reshape(len(texts), len(CUE_GROUPS))
    cue = groups.max(1) if len(texts) else np.zeros(0, np.float32)
    return np.column_stack(
        [
            sim_leave.max(1),
            top,
            sim_stay.max(1),
            top_stay,
            sim_leave.max(1) - sim_stay.max(1),
            cue,
            groups,
            p_negative,
            emb * EMBEDDING_SCALE,
        ]
    ).astype(np.float32)


def intent_load(path: Path = WEIGHTS) -> IntentModel | None:
    """The committed model, or None before `nlp_train` has written one."""
    if not path.exists():
        return None
    with np.load(path) as f:
        intercept, threshold, version = (str(x) for x in f["meta"])
        return IntentModel(
            leave=f["leave"].astype(np.float32),
            stay=f["stay"].astype(np.float32),
            coef=f["coef"].astype(np.float32),
            intercept=float(intercept),
            threshold=float(threshold),
            version=version,
        )
