"""Any Hugging Face sequence classifier by configuration, and sentence-transformers' own
`encode` (the benchmark baseline and the encoder's fidelity check)."""

from __future__ import annotations

import numpy as np

from nlp.inference._shared import CACHE, LOCK, MAX_TOKENS, configure_torch


class HFClassifier:
    """Any transformers sequence-classification model (name or local path), labels mapped to ours.

    `label_map` maps the model's id2label names (case-insensitive) to our labels; unmapped model
    labels are dropped. `multi_label` picks sigmoid (GoEmotions-style) over softmax.
    """

    def __init__(self, name_or_path: str, *, batch_size: int = 32):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        configure_torch()
        self.name = name_or_path
        self.tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        self.model = AutoModelForSequenceClassification.from_pretrained(name_or_path).eval()
        config = self.model.config
        self.labels = [str(config.id2label[i]) for i in range(config.num_labels)]
        self.multi_label = config.problem_type == "multi_label_classification"
        self.batch_size = batch_size

    def predict(self, texts: list[str]) -> np.ndarray:
        """Probabilities (n, num_labels): sigmoid if multi-label, else softmax."""
        import torch

        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        with torch.inference_mode():
            for i in range(0, len(texts), self.batch_size):
                idx = order[i : i + self.batch_size]
                batch = self.tokenizer(
                    [texts[j] for j in idx],
                    truncation=True,
                    max_length=MAX_TOKENS,
                    padding=True,
                    return_tensors="pt",
                )
                logits = self.model(**batch).logits.float()
                probs = logits.sigmoid() if self.multi_label else logits.softmax(-1)
                out[idx] = probs.numpy()
        return out


def classifier_get(name_or_path: str) -> HFClassifier:
    """The process-wide classifier for this name, loaded once (lock-protected)."""
    key = ("classifier", name_or_path)
    with LOCK:
        if key not in CACHE:
            CACHE[key] = HFClassifier(name_or_path)
        return CACHE[key]


def st_encode(name_or_path: str, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """sentence-transformers' own batched `encode` (the benchmark baseline and fidelity check)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(name_or_path, device="cpu")
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
