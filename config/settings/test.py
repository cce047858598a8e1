"""Test settings: real PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL point at them."""

from config.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A file, not :memory:, so that a worker process started by a test sees the same SQLite test DB.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
# The webhook tests post to receivers on loopback (production refuses such targets).
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
# Exact fp32 numbers in tests whatever the CPU (the other precisions are tested explicitly).
NLP_PRECISION = "fp32"
# The session's test worker runs every queue on one solo process: a drain holding it for a
# minute would starve the other tasks of later tests (test_drain sets its own budget).
NLP_DRAIN_SECONDS = env.float("NLP_DRAIN_SECONDS", default=3.0)  # noqa: F405
