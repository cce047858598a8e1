"""The embedded encoder on ONNX Runtime: every hidden layer's mean pooling in one pass."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.inference._shared import CACHE, LOCK, MAX_TOKENS, transformer_dir
from nlp.inference.onnx import onnx_encoder_build


@dataclass
class EncodedSegments:
    """Per-segment encoder output. `layers[i, l]` is the attention-masked mean of hidden layer
    l+1 for segment i; `tokens[i]` its word-piece count (for token-weighted pooling)."""

    layers: np.ndarray  # (n, n_layers, hidden) float32
    tokens: np.ndarray  # (n,) int
    branch: np.ndarray | None = None  # (n, hidden): the sentiment branch's pooling, if any


def _ort_session(graph: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only
    # Idle threads sleep instead of spinning: as fast here, and the CPU they would burn
    # goes to the database and the other processes on the same cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


class OpenVINOSession:
    """The cached ONNX graph compiled by OpenVINO's CPU plugin with bf16 inference precision
    (AMX tiles / AVX-512 BF16 kernels); answers `run` like an ONNX Runtime session."""

    def __init__(self, graph: Path):
        import openvino

        self.compiled = openvino.Core().compile_model(
            str(graph),
            "CPU",
            {"INFERENCE_PRECISION_HINT": "bf16", "PERFORMANCE_HINT": "LATENCY"},
        )
        self.request = self.compiled.create_infer_request()
        self.lock = threading.Lock()  # one infer request: callers take turns

    def run(self, _outputs: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        with self.lock:
            result = self.request.infer(feeds)
            return [
                np.array(result[i], dtype=np.float32, copy=True)
                for i in range(len(self.compiled.outputs))
            ]


class Encoder:
    """A transformer encoder giving every hidden layer's mean pooling in one forward pass.

    The last layer's mean, L2-normalised, is exactly the sentence-transformers embedding of
    all-MiniLM-L6-v2 (Transformer -> mean Pooling -> Normalize), so one pass serves the heads
    (several layers) and the theme matcher (the embedding). It runs on ONNX Runtime with the
    fused graph of `onnx_encoder_build`: the same numbers as the transformers model (fp32),
    or that graph in int8 or bf16 (`precision`, chosen by nlp/precision.py).
    """

    def __init__(
        self,
        name_or_path: str,
        *,
        precision: str = "fp32",
        quantize: bool = False,
        batch_size: int = 64,
        branch: Path | None = None,
    ):
        """`precision` is fp32 or int8 (ONNX Runtime) or bf16 (OpenVINO, on AMX/AVX-512 BF16;
        see nlp/precision.py); `quantize=True` is the older spelling of int8. `branch`: the
        sentiment branch's adapters (nlp/inference/branch.py), run in the same pass."""
        from transformers import AutoConfig, AutoTokenizer

        precision = "int8" if quantize else precision
        if precision not in ("fp32", "int8", "bf16"):
            raise ValueError(f"unknown precision {precision!r}")
        path = transformer_dir(name_or_path)
        self.name = name_or_path
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        # bf16 compiles the fp32 graph: OpenVINO converts the weights and runs bf16 kernels.
        self.graph = onnx_encoder_build(path, quantize=precision == "int8", branch=branch)
        self.has_branch = branch is not None
        self.session: Any = (
            OpenVINOSession(self.graph) if precision == "bf16" else _ort_session(self.graph)
        )
        config = AutoConfig.from_pretrained(path)
        self.precision = precision
        self.quantized = precision == "int8"
        self.batch_size = batch_size
        self.hidden = int(config.hidden_size)
        self.n_layers = int(config.num_hidden_layers)

    def encode_segments(self, texts: list[str]) -> EncodedSegments:
        """Encode texts in length-sorted batches (little padding); identical texts once."""
        unique = list(dict.fromkeys(texts))
        n = len(unique)
        layers = np.zeros((n, self.n_layers, self.hidden), dtype=np.float32)
        tokens = np.zeros(n, dtype=np.int64)
        branch = np.zeros((n, self.hidden), dtype=np.float32) if self.has_branch else None
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
                out = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})
                layers[idx] = out[0]
                if branch is not None:
                    branch[idx] = out[1]
        if n == len(texts):
            return EncodedSegments(layers, tokens, branch)
        position = {text: i for i, text in enumerate(unique)}
        rows = np.fromiter((position[t] for t in texts), dtype=np.int64, count=len(texts))
        return EncodedSegments(layers[rows], tokens[rows], None if branch is None else branch[rows])


def encoder_get(name_or_path: str, *, precision: str = "fp32") -> Encoder:
    """The process-wide encoder for this name and precision, loaded once (lock-protected). The
    embedded encoder carries the committed sentiment branch (trained on it) when there is one."""
    from nlp.inference._shared import embedded_encoder_path
    from nlp.inference.branch import BRANCH_FILE

    embedded = name_or_path == embedded_encoder_path() and BRANCH_FILE.exists()
    key = ("encoder", f"{name_or_path}|p={precision}")
    with LOCK:
        if key not in CACHE:
            CACHE[key] = Encoder(
                name_or_path, precision=precision, branch=BRANCH_FILE if embedded else None
            )
        return CACHE[key]
