"""Fine-tuning of the sentiment branch (`nlp_train --only branch`, never a worker): LoRA
adapters (peft) on copies of the encoder's top layers and a small classifier, on a CPU.

The layers below `start` stay frozen, so their hidden states are computed once per distinct
training sentence and kept in memory (float16); only the top layers' adapters and the classifier
learn. A text is split into sentences as at inference, each sentence runs through the branch on
its own, and the text's vector is the token-weighted mean of its sentences' poolings: the path of
`nlp.engine.sentiment.SentimentReader`. It lives here because this package is the one place torch
may be imported; the data and the model selection are nlp/training/branch.py's.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.inference.branch import TARGETS, additive_mask

MAX_TRAIN_TOKENS = 128
# A set of texts split as at inference (nlp.engine.features.prepare): every sentence, normalised,
# and the index of the text it belongs to (ascending).
Sentences = tuple[list[str], np.ndarray]


def _log(msg: str) -> None:
    sys.stderr.write(msg + "\n")  # progress of a long training run, on the console


@dataclass
class Settings:
    start: int = 4  # frozen layers 1-4, tuned 5-6
    rank: int = 16
    alpha: int = 32
    epochs: int = 3
    batch: int = 32
    lr: float = 5e-4
    hidden: int = 256
    seed: int = 0
    label_smoothing: float = 0.0
    limit: int | None = None  # train on this many texts only (a smoke run)


class Frozen:
    """Hidden states after the frozen layers for every distinct sentence of a set of texts."""

    def __init__(self, model: Any, tokenizer: Any, sentences: Sentences, start: int):
        import torch

        flat, self.owner = sentences
        n_texts = int(self.owner.max()) + 1 if len(self.owner) else 0
        self.first = np.searchsorted(self.owner, np.arange(n_texts))
        self.last = np.searchsorted(self.owner, np.arange(n_texts), side="right")
        unique = list(dict.fromkeys(flat))
        index = {t: i for i, t in enumerate(unique)}
        self.row = np.asarray([index[t] for t in flat], dtype=np.int64)
        ids = tokenizer(unique, truncation=True, max_length=MAX_TRAIN_TOKENS)["input_ids"]
        self.states: list[Any] = [None] * len(unique)
        order = np.argsort([len(x) for x in ids], kind="stable")
        started = time.time()
        with torch.no_grad():
            for i in range(0, len(order), 128):
                idx = order[i : i + 128]
                width = max(len(ids[j]) for j in idx)
                batch = torch.zeros((len(idx), width), dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for r, j in enumerate(idx):
                    batch[r, : len(ids[j])] = torch.tensor(ids[j])
                    mask[r, : len(ids[j])] = 1
                out = model(input_ids=batch, attention_mask=mask, output_hidden_states=True)
                hidden = out.hidden_states[start].to(torch.float16)
                for r, j in enumerate(idx):
                    self.states[j] = hidden[r, : len(ids[j])].clone()
                if i // 128 % 50 == 0:
                    rate = (i + len(idx)) / max(time.time() - started, 1e-6)
                    _log(f"frozen states: {i + len(idx)}/{len(unique)} sentences, {rate:.0f}/s")

    def batch(self, docs: np.ndarray) -> tuple[Any, Any, Any, Any]:
        """(hidden, mask, segment->document index, token weights) for these documents."""
        import torch

        segs = np.concatenate([np.arange(self.first[d], self.last[d]) for d in docs])
        rows = self.row[segs]
        lengths = [len(self.states[r]) for r in rows]
        width = max(lengths)
        hidden = torch.zeros((len(rows), width, self.states[rows[0]].shape[1]))
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for k, r in enumerate(rows):
            hidden[k, : lengths[k]] = self.states[r].to(torch.float32)
            mask[k, : lengths[k]] = 1
        position = {int(d): i for i, d in enumerate(docs)}
        owner = torch.tensor([position[int(self.owner[s])] for s in segs])
        return hidden, mask, owner, torch.tensor(lengths, dtype=torch.float32)


class Branch:
    """The tuned top layers (LoRA) and the classifier over the pooled sentence vector."""

    def __init__(self, model: Any, settings: Settings):
        import copy

        import torch
        from peft import LoraConfig, inject_adapter_in_model

        self.layers = copy.deepcopy(model.encoder.layer[settings.start :])
        config = LoraConfig(
            r=settings.rank,
            lora_alpha=int(settings.alpha),
            lora_dropout=0.1,
            target_modules=list(TARGETS),
        )
        self.layers = inject_adapter_in_model(config, self.layers)
        for name, p in self.layers.named_parameters():
            p.requires_grad = "lora_" in name
        hidden = model.config.hidden_size
        self.head = torch.nn.Sequential(
            torch.nn.Dropout(0.1),
            torch.nn.Linear(hidden, settings.hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(0.3),
            torch.nn.Linear(settings.hidden, 3),
        )

    def parameters(self) -> list[Any]:
        return [p for p in self.layers.parameters() if p.requires_grad] + list(
            self.head.parameters()
        )

    def train(self, on: bool) -> None:
        self.layers.train(on)
        self.head.train(on)

    def pooled(self, frozen: Frozen, docs: np.ndarray) -> Any:
        """Document vectors: token-weighted mean of the sentence poolings (as at inference)."""
        import torch

        hidden, mask, owner, weights = frozen.batch(docs)
        extended = additive_mask(mask)
        for layer in self.layers:
            hidden = layer(hidden, attention_mask=extended)
            hidden = hidden[0] if isinstance(hidden, tuple) else hidden
        m = mask.unsqueeze(-1).to(torch.float32)
        seg = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        doc = torch.zeros((len(docs), seg.shape[1])).index_add(0, owner, seg * weights[:, None])
        total = torch.zeros(len(docs)).index_add(0, owner, weights)
        return doc / total[:, None]

    def predict(self, frozen: Frozen, n: int) -> np.ndarray:
        import torch

        self.train(False)
        out = []
        with torch.no_grad():
            for i in range(0, n, 256):
                docs = np.arange(i, min(i + 256, n))
                out.append(torch.softmax(self.head(self.pooled(frozen, docs)), 1).numpy())
        return np.concatenate(out)


def fit_branch(
    train: tuple[Sentences, np.ndarray],
    dev: Sentences,
    score_dev: Callable[[np.ndarray], float],
    settings: Settings,
) -> tuple[dict[str, np.ndarray], np.ndarray, float]:
    """Train; keep the epoch with the best `score_dev(dev probabilities)`. Returns its weights
    (adapters and classifier, numpy), its dev probabilities and its dev score."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from nlp.inference._shared import embedded_encoder_path, transformer_dir

    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    sentences, y = train
    n_train, n_dev = len(y), int(dev[1].max()) + 1
    path = transformer_dir(embedded_encoder_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    with torch.no_grad():
        frozen_train = Frozen(model, tokenizer, sentences, settings.start)
        frozen_dev = Frozen(model, tokenizer, dev, settings.start)
    branch = Branch(model, settings)
    counts = np.bincount(y, minlength=3)
    weight = counts.sum() / (3 * np.maximum(counts, 1))
    loss_fn = torch.nn.CrossEntropyLoss(
        weight=torch.tensor(weight, dtype=torch.float32), label_smoothing=settings.label_smoothing
    )
    optimiser = torch.optim.AdamW(branch.parameters(), lr=settings.lr, weight_decay=1e-2)
    per_epoch = max(n_train // settings.batch, 1)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, settings.lr, total_steps=settings.epochs * per_epoch
    )
    best: dict[str, Any] = {"score": -1.0}
    with torch.enable_grad():
        for epoch in range(settings.epochs):
            branch.train(True)
            order = rng.permutation(n_train)
            started = time.time()
            for step in range(per_epoch):
                docs = order[step * settings.batch : (step + 1) * settings.batch]
                logits = branch.head(branch.pooled(frozen_train, docs))
                loss = loss_fn(logits, torch.from_numpy(y[docs]).long())
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                if step % 200 == 0:
                    rate = (step + 1) * settings.batch / (time.time() - started)
                    _log(f"epoch {epoch} step {step} loss {loss.item():.3f} {rate:.0f} texts/s")
            probs = branch.predict(frozen_dev, n_dev)
            score = score_dev(probs)
            _log(f"epoch {epoch}: dev score {score:.4f}")
            if score > best["score"]:
                best = {"score": score, "probs": probs, "state": _state(branch)}
    return best["state"], best["probs"], best["score"]


def _state(branch: Branch) -> dict[str, np.ndarray]:
    """The adapters (A, B per layer and target) and the classifier, as numpy arrays."""
    out = {}
    for i, layer in enumerate(branch.layers):
        for name in TARGETS:
            linear: Any = layer.get_submodule(name)
            out[f"{i}.{name}.A"] = linear.lora_A["default"].weight.detach().numpy().copy()
            out[f"{i}.{name}.B"] = linear.lora_B["default"].weight.detach().numpy().copy()
    first: Any = branch.head[1]
    second: Any = branch.head[4]
    out["w1"] = first.weight.detach().numpy().T.copy()
    out["b1"] = first.bias.detach().numpy().copy()
    out["w2"] = second.weight.detach().numpy().T.copy()
    out["b2"] = second.bias.detach().numpy().copy()
    return out
