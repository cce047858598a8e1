"""The import contracts of pyproject.toml ([tool.importlinter]) hold: listening -> feedback <- nlp,
no import cycle between the modules or folders of config, feedback, listening and nlp, and only
nlp.inference imports a model library."""

from importlinter import configuration
from importlinter.application.use_cases import lint_imports


def test_import_contracts_are_kept():
    # given the contracts in pyproject.toml
    configuration.configure()

    # when import-linter checks the whole code base
    kept = lint_imports(cache_dir=None, no_logo=True)

    # then none is broken (the output above names the offending import)
    assert kept is True
