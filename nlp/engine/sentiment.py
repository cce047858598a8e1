"""Sentence and document sentiment from the configured model, in one place.

A configured Hugging Face classifier (`NLP_SENTIMENT_MODEL`) when there is one; else the head
over the frozen layers (`nlp/weights/sentiment.npz`), blended with the sentiment branch where the
encoder has it (LoRA-tuned top layers run in the encoder's pass, nlp/inference/branch.py, with
its classifier `nlp/weights/sentiment_branch_head.npz`). Documents read the token-weighted mean
of their sentences, so a document and its sentences come from the same forward pass.
"""

import hashlib
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from nlp.engine import heads as heads_mod
from nlp.engine.config import SENTIMENT_ALIASES, EngineConfig
from nlp.engine.features import Prepared, pool_documents
from nlp.engine.labels import label_matrix
from nlp.engine.result import SENTIMENT_LABELS

if TYPE_CHECKING:
    from nlp.inference import EncodedSegments, Encoder, HFClassifier

BRANCH_HEAD = heads_mod.WEIGHTS_DIR / "sentiment_branch_head.npz"
# Weight of the branch against the frozen head, chosen on the dev splits (MODEL_CARD.md): the
# branch reads comments and reviews better, the frozen head tweets; the blend beats both on dev.
BRANCH_BLEND = 0.5


class SentimentReader:
    def __init__(self, config: EngineConfig, encoder: "Encoder") -> None:
        from nlp import inference

        self.clf: HFClassifier | None = None
        self.head: heads_mod.Head | None = None
        self.branch: heads_mod.Head | None = None
        self.adapters = ""
        if config.sentiment_model:
            self.clf = inference.classifier_get(config.sentiment_model)
            self.map = label_matrix(
                self.clf.labels,
                SENTIMENT_LABELS,
                {**SENTIMENT_ALIASES, **config.sentiment_label_map},
            )
            return
        self.head = heads_mod.head_load(heads_mod.WEIGHTS_DIR / "sentiment.npz")
        if encoder.has_branch and BRANCH_HEAD.exists():
            self.branch = heads_mod.head_load(BRANCH_HEAD)
            digest = hashlib.sha1(encoder.graph.name.encode(), usedforsecurity=False)
            self.adapters = digest.hexdigest()[:10]  # the graph file is keyed by the adapters

    def info(self) -> dict[str, str]:
        """What `Result.models` says about sentiment (part of the engine's version)."""
        if self.clf is not None:
            return {"model": self.clf.name}
        head = cast(heads_mod.Head, self.head)
        if self.branch is not None:
            return {
                "model": f"heads/{self.branch.name}+{head.name}",
                "version": f"{self.branch.version}+{head.version}",
                "graph": self.adapters,
                "blend": str(BRANCH_BLEND),
            }
        return {"model": f"heads/{head.name}", "version": head.version}

    def read(
        self, prepared: Prepared, enc: "EncodedSegments", docs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(per-segment, per-document) probabilities in SENTIMENT_LABELS order. `docs` are the
        documents' pooled frozen layers (the frozen head reads them)."""
        n_docs = len(prepared.segments)
        if self.clf is None:
            head = cast(heads_mod.Head, self.head)
            seg, doc = head.predict(enc.layers), head.predict(docs)
            if self.branch is None:
                return seg, doc
            assert enc.branch is not None, "the branch head needs the encoder's branch output"
            rows = enc.branch[:, None, :]
            pooled = pool_documents(rows, enc.tokens, prepared.owner, n_docs)
            w = BRANCH_BLEND
            return (
                w * self.branch.predict(rows) + (1 - w) * seg,
                w * self.branch.predict(pooled) + (1 - w) * doc,
            )
        seg = self.clf.predict(prepared.flat) @ self.map
        seg = seg / np.maximum(seg.sum(1, keepdims=True), 1e-9)
        weights = enc.tokens.astype(np.float32)[:, None]
        doc = np.zeros((n_docs, 3), np.float32)
        np.add.at(doc, prepared.owner, seg * weights)
        doc /= np.maximum(doc.sum(1, keepdims=True), 1e-9)
        return seg, doc


def documents_sentiment(engine: Any, texts: list[str], chunk: int = 2048) -> np.ndarray:
    """Document sentiment probabilities of many texts, by the engine's own path (no themes)."""
    from nlp.engine.features import prepare

    out = []
    for i in range(0, len(texts), chunk):
        prepared = prepare(texts[i : i + chunk])
        enc = engine.encoder.encode_segments(prepared.flat)
        docs = pool_documents(enc.layers, enc.tokens, prepared.owner, len(prepared.segments))
        out.append(engine.sentiment.read(prepared, enc, docs)[1])
    return np.concatenate(out) if out else np.zeros((0, 3), np.float32)
