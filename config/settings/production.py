"""Production: every secret and server comes from the environment, and `check --deploy` is clean."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
EARSHOT_BASE_URL = env("EARSHOT_BASE_URL")  # links in e-mails must reach the real host
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CACHES = {"default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/1")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # An unreachable cache must fail fast: rate limits then let requests through (see
    # feedback.api.throttles), instead of every request hanging on a dead socket.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

# Inbound e-mail webhooks without basic auth would let anyone post as a known contact.
if not ANYMAIL["WEBHOOK_SECRET"]:  # noqa: F405
    raise ImproperlyConfigured(
        'Set ANYMAIL_WEBHOOK_SECRET ("user:password") to protect the inbound e-mail webhooks.'
    )

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
