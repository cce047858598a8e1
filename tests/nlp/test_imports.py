"""The web process never loads torch: importing the NLP app's modules must stay light."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_nlp_modules_does_not_import_torch():
    # given a fresh interpreter with Django set up, as a web process would have
    code = (
        "import sys, django; django.setup();"
        "import nlp.tasks, nlp.services, nlp.engine, nlp.engine.core, nlp.inference;"
        "import nlp.management.commands.nlp_analyse;"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers')"
        " if m in sys.modules))"
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
