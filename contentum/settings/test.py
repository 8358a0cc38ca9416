"""Test settings: fast hashing, eager Celery (unit tests only), in-memory cache, temp media."""

import os
import tempfile

# Tests never need a real secret; this lets the PostgreSQL pass import base settings.
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-but-long-enough-for-hmac-sha256")

from contentum.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = tempfile.mkdtemp(prefix="contentum-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
