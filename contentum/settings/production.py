"""Production: HTTPS everywhere. `manage.py check --deploy` is clean with these."""

from contentum.settings.base import *  # noqa: F403
from contentum.settings.base import env

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# The API's documentation pages and schema are for developers: off unless asked for.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)
