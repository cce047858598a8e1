"""Details that other apps add to `/readyz` without feedback importing them (the layers run
listening -> feedback <- nlp): an app registers a callable in its AppConfig.ready()."""

from collections.abc import Callable

_DETAILS: dict[str, Callable[[], object]] = {}


def readiness_detail_register(name: str, detail: Callable[[], object]) -> None:
    _DETAILS[name] = detail


def readiness_details() -> dict[str, object]:
    """Each registered detail; one that fails is reported, never fatal (they inform, the
    database and broker checks decide readiness)."""
    out: dict[str, object] = {}
    for name, detail in _DETAILS.items():
        try:
            out[name] = detail()
        except Exception as exc:  # noqa: BLE001 - a detail must not take readiness down
            out[name] = f"error: {exc.__class__.__name__}"
    return out
