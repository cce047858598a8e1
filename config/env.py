"""The one place environment variables are read.

Every setting that can come from the environment is read here, with its embedded default, so that
`.env.example` and the README table can be checked against a single file.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
