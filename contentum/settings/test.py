"""Test settings: fast hashing, eager Celery (unit tests only), in-memory cache, temp media.

Like every settings module, importing this one creates nothing: no var/ is needed (the
test database is in memory) and the media folder appears when a test first saves a file.
"""

import os
import secrets
import tempfile
from pathlib import Path

# Tests never need a real secret; this lets the PostgreSQL pass import base settings.
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-but-long-enough-for-hmac-sha256")
os.environ.setdefault("JWT_SIGNING_KEY", "test-only-jwt-key-not-a-secret-but-long-enough-for-hs256")

from contentum.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A folder of this run's own, so no test sees a file an earlier run left behind.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"contentum-test-media-{secrets.token_hex(8)}"
# Static files are served from the apps (WHITENOISE_USE_FINDERS): no collected folder.
STATIC_ROOT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
