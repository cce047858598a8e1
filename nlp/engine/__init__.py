"""The NLP engine's public entry point: `analyse(texts, themes) -> list[Result]`.

Importing this package is cheap (no torch); models load on the first `analyse` in a process.
"""

from collections.abc import Sequence

from nlp.engine.result import Result
from nlp.engine.themes import Theme


def analyse(texts: list[str], themes: Sequence = ()) -> list[Result]:
    """Analyse texts against one shared list of themes (Theme or {"name", "description",
    "examples"} dicts). Deterministic for a given configuration; never raises for odd text."""
    from nlp.engine.core import engine_get

    return engine_get().analyse(list(texts), [list(themes)] * len(texts))


__all__ = ["Result", "Theme", "analyse"]
