"""Security settings shared by every environment: the Content-Security-Policy (django-csp) and the
staff password-reset limits. Imported by base.py."""

from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.env import env

# No inline script on any page: every script is a static file (Swagger UI too, through
# drf-spectacular's split view). Inline *style attributes* are allowed (the client pages' brand
# colour is one); style elements and style sheets must come from our own origin. Firms' logos are
# images on their own sites, hence https: for images. The embeddable web form sets its own
# policy (frame-ancestors of the firm's sites), which the middleware leaves as it is.
# htmx (feedback/static/feedback/vendor/htmx-2.0.11.min.js) adds one <style> element of its own
# for request indicators; its exact content is allowed by hash, nothing else inline.
HTMX_INDICATOR_STYLE = "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, HTMX_INDICATOR_STYLE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# Staff password reset (Django's auth views): requests per client IP and per e-mail address,
# django-ratelimit strings counted in the default cache like the portal's limits; empty = off.
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", default="10/h") or None
PASSWORD_RESET_RATE_PER_EMAIL = env("PASSWORD_RESET_RATE_PER_EMAIL", default="3/h") or None
# How long an e-mailed reset link works (Django's own setting, in seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3600)
