"""Which numeric precision the encoder runs in, chosen from the CPU's instruction sets.

Cheap to import (no model library): the web process calls it for `/readyz`, the worker when it
builds its engine. Measured side by side on each CPU seen (nlp/MODEL_CARD.md, "Precision"):

- fp32: ONNX Runtime, the BERT-fused graph; the transformers numbers (cosine 1.0000).
- int8: the same graph with 8-bit blockwise weights (MatMulNBits, int8 arithmetic); mean
  cosine 0.999, metrics within 0.4 pt; the encoder 1.2x fp32 on AVX2 and on AVX-512 VNNI/AMX,
  the whole engine no faster on the Xeon: available when set, never picked by `auto`.
- bf16: the same graph compiled by OpenVINO with a bf16 inference precision, which runs on
  AMX tiles (or AVX-512 BF16); cosine 1.0000 to fp32 and 2.7x fp32 on a Xeon with AMX.

Per-channel dynamic int8 (MatMulInteger, VNNI/AMX kernels) was measured too: 2.6x fp32 but a
mean last-layer cosine of 0.987 (minimum 0.93), under the 0.99 bar, so it is not offered.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PRECISIONS = ("fp32", "int8", "bf16")
REQUESTS = ("auto", *PRECISIONS)
# The flags that decide, as /proc/cpuinfo spells them.
BF16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})
VNNI_FLAGS = frozenset({"amx_int8", "avx512_vnni", "avx_vnni"})
REPORTED_FLAGS = ("avx2", "avx512f", *sorted(VNNI_FLAGS), *sorted(BF16_FLAGS), "amx_tile")


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU's feature flags (x86 `flags`, ARM `Features`) from the first processor listed;
    empty where there is no /proc/cpuinfo (not Linux): then only fp32 and int8 are chosen."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def backend_available(precision: str) -> bool:
    """fp32 and int8 run on ONNX Runtime (a requirement); bf16 needs the OpenVINO runtime."""
    if precision == "bf16":
        return importlib.util.find_spec("openvino") is not None
    return precision in PRECISIONS


@dataclass(frozen=True)
class PrecisionChoice:
    precision: str  # what the encoder runs in: fp32, int8 or bf16
    requested: str  # the setting: auto, fp32, int8 or bf16
    reason: str
    flags: tuple[str, ...] = ()  # the deciding flags this CPU has

    def details(self) -> dict[str, object]:
        return {
            "precision": self.precision,
            "requested": self.requested,
            "reason": self.reason,
            "cpu_flags": list(self.flags),
        }


def precision_choose(
    requested: str,
    *,
    flags: frozenset[str],
    available: Callable[[str], bool] = backend_available,
) -> PrecisionChoice:
    """The precision for this CPU: `auto` takes bf16 where the CPU has bf16 instructions and
    OpenVINO is installed (2.7x fp32 on the encoder, metrics within 0.1 pt), else exact fp32:
    int8 gains only ~1.2x on the encoder (AVX2 and VNNI alike) for up to -0.4 pt. An explicit
    precision is honoured when it can run, and falls back to fp32 (with the reason) when not."""
    requested = (requested or "auto").strip().lower()
    if requested not in REQUESTS:
        raise ValueError(f"NLP_PRECISION must be one of {', '.join(REQUESTS)}, not {requested!r}")
    seen = tuple(f for f in REPORTED_FLAGS if f in flags)
    has_bf16, has_vnni = bool(flags & BF16_FLAGS), bool(flags & VNNI_FLAGS)

    def choice(precision: str, reason: str) -> PrecisionChoice:
        return PrecisionChoice(precision, requested, reason, seen)

    if requested == "auto":
        if has_bf16 and available("bf16"):
            return choice("bf16", "auto: the CPU has bf16 instructions (AMX/AVX-512 BF16)")
        why = "OpenVINO is not installed" if has_bf16 else "no bf16 instructions on this CPU"
        # int8 is not taken even with VNNI: its encoder gains 1.2x, but the whole engine was no
        # faster than fp32 on the Xeon (three interleaved rounds) for up to -0.4 pt.
        extra = "; int8 (VNNI) gains too little to leave exact fp32" if has_vnni else ""
        return choice("fp32", f"auto: {why}{extra}")
    missing = _missing(requested, has_bf16=has_bf16, available=available)
    if missing:
        return choice("fp32", f"{requested} requested, but {missing}: fp32 instead")
    return choice(requested, f"{requested} requested by NLP_PRECISION")


def _missing(precision: str, *, has_bf16: bool, available: Callable[[str], bool]) -> str:
    """Why an explicit precision cannot run here ("" when it can)."""
    if precision == "bf16" and not has_bf16:
        return "the CPU has no bf16 instructions"
    if precision == "bf16" and not available("bf16"):
        return "OpenVINO is not installed"
    if not available(precision):
        return "its runtime is not installed"
    return ""


def precision_resolve(requested: str) -> PrecisionChoice:
    """The choice for this host's CPU, logged once per engine load."""
    choice = precision_choose(requested, flags=cpu_flags())
    logger.info(
        "NLP encoder precision %s (%s; CPU flags: %s)",
        choice.precision,
        choice.reason,
        " ".join(choice.flags) or "none of note",
    )
    return choice


def precision_setting() -> str:
    """NLP_PRECISION, where an unset one with the older NLP_QUANTIZE=1 still means int8."""
    from django.conf import settings

    requested = (getattr(settings, "NLP_PRECISION", "") or "").strip().lower()
    if not requested:
        return "int8" if getattr(settings, "NLP_QUANTIZE", False) else "auto"
    return requested


def precision_details() -> dict[str, object]:
    """What an NLP worker on this host picks with the current settings (for /readyz)."""
    return precision_choose(precision_setting(), flags=cpu_flags()).details()
