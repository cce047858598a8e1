"""NLP test fixtures: the real embedded engine, loaded once per test session."""

import pytest


@pytest.fixture(scope="session")
def nlp_engine():
    """The embedded engine (MiniLM encoder + committed heads), built once per session."""
    from nlp.engine.config import EngineConfig
    from nlp.engine.core import engine_get

    return engine_get(EngineConfig())


RESPONSIVENESS = {
    "name": "Responsiveness",
    "description": "We answer clients quickly and keep them informed.",
    "examples": [
        "they replied within the hour",
        "took weeks to get back to us",
        "always quick to respond to emails",
    ],
    "key": 1,
}
VALUE = {
    "name": "Value for money",
    "description": "Our fees are fair and predictable for the work delivered.",
    "examples": ["the invoice was much higher than the estimate", "fair fees"],
    "key": 2,
}
