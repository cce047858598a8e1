"""Developer / demo settings: the embedded default."""

from config.env import VAR_DIR
from config.settings.base import *  # noqa: F403

DEBUG = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
for _sub in ("broker", "broker-control"):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)
