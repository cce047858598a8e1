"""The encoder as a cached ONNX Runtime graph: exported once from transformers, BERT-fused,
optionally int8 (blockwise). Built under var/nlp-cache/onnx/, keyed by the model's content."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from nlp.inference._shared import configure_torch

ONNX_DIR = Path(__file__).resolve().parents[2] / "var" / "nlp-cache" / "onnx"
# Bump when the exported graph changes, so every machine rebuilds its cached file.
ONNX_FORMAT = 2


def _onnx_key(path: str, quantize: bool, branch: Path | None = None) -> str:
    """Identity of a cached graph: the content of the model's files (and of the sentiment
    branch's adapters, when it has them), int8 or not, the ONNX Runtime version (its fusions)
    and ONNX_FORMAT. A model changed in place is rebuilt."""
    import onnxruntime

    digest = hashlib.sha1(usedforsecurity=False)
    root = Path(path)
    for file in sorted(root.rglob("*")) if root.is_dir() else []:
        if file.is_file():
            digest.update(file.name.encode() + file.read_bytes())
    if branch is not None:
        digest.update(b"branch" + branch.read_bytes())
    name = "" if root.is_dir() else path  # a hub name; a local copy is known by its content
    digest.update(json.dumps([name, quantize, onnxruntime.__version__, ONNX_FORMAT]).encode())
    return digest.hexdigest()[:16]


def _onnx_export(path: str, target: Path, branch: Path | None = None) -> None:
    """Export the transformer with every hidden layer's masked mean pooling inside the graph
    (output `layers`) and, with `branch`, the sentiment branch's pooling (output `branch`, see
    nlp/inference/branch.py). Eager attention traces to the plain MatMul/Softmax pattern that
    the fusion below recognises."""
    import torch
    from transformers import AutoModel

    from nlp.inference.branch import branch_forward, branch_layers, branch_meta

    configure_torch()
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    tuned = branch_layers(model, branch) if branch is not None else None
    start = branch_meta(branch)["start"] if branch is not None else 0

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            self.tuned = tuned  # a submodule: its weights are the graph's initialisers

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
            )
            m = attention_mask.unsqueeze(-1).to(torch.float32)
            denom = m.sum(1).clamp(min=1.0)
            layers = torch.stack([(h * m).sum(1) / denom for h in out.hidden_states[1:]], 1)
            if self.tuned is None:
                return layers
            return layers, branch_forward(self.tuned, out.hidden_states[start], attention_mask)

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    outputs = ["layers"] if tuned is None else ["layers", "branch"]
    with warnings.catch_warnings():  # the tracer's notes on shapes fixed for this graph
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            (example, example),
            str(target),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=outputs,
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                **{name: {0: "batch"} for name in outputs},
            },
            opset_version=17,
        )


def onnx_encoder_build(path: str, *, quantize: bool = False, branch: Path | None = None) -> Path:
    """The encoder as an ONNX Runtime graph, built on first use and cached under
    var/nlp-cache/onnx/: exported from transformers, then BERT-fused (one Attention,
    SkipLayerNorm and BiasGelu kernel per layer instead of dozens of small ops), then, with
    `quantize`, int8 blockwise on the MatMul weights; with `branch`, the sentiment branch is a
    second output. Safe for concurrent workers: each builds in its own temporary folder and the
    finished file is renamed into place atomically."""
    target = ONNX_DIR / f"{_onnx_key(path, quantize, branch)}.onnx"
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
        _onnx_export(path, exported, branch)
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
