"""The web process never loads torch: importing the NLP app's modules must stay light."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ENGINE = (
    "nlp.tasks, nlp.services, nlp.engine, nlp.engine.core, nlp.inference,"
    " nlp.management.commands.nlp_analyse"
)
TOPICS = (
    "nlp.topics.model, nlp.topics.embed, nlp.topics.keywords, nlp.training.evaluate_topics,"
    " feedback.topics.identity, nlp.management.commands.nlp_topics"
)
HEAVY = "torch, transformers, sentence_transformers, bertopic, umap, hdbscan"


@pytest.mark.parametrize("modules", [ENGINE, TOPICS], ids=["engine", "topics"])
def test_importing_nlp_modules_does_not_import_torch_or_the_topic_libraries(modules):
    # given a fresh interpreter with Django set up, as a web process would have
    code = (
        f"import sys, django; django.setup(); import {modules};"
        f"print(sorted(m for m in {HEAVY.split(', ')!r} if m in sys.modules))"
    )
    # when
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    # then
    assert out.stdout.strip() == "[]"
