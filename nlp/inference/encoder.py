"""The embedded encoder on ONNX Runtime: every hidden layer's mean pooling in one pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlp.inference._shared import CACHE, LOCK, MAX_TOKENS, transformer_dir
from nlp.inference.onnx import onnx_encoder_build


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

        path = transformer_dir(name_or_path)
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
    with LOCK:
        if key not in CACHE:
            CACHE[key] = Encoder(name_or_path, quantize=quantize)
        return CACHE[key]
