"""Settings read from the environment: empty values never turn into surprising ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "from contentum.celery import app; "
    "print(json.dumps({'var': str(s.VAR_DIR), 'media': str(s.MEDIA_ROOT), "
    "'jwt_key_set': bool(s.SIMPLE_JWT['SIGNING_KEY']), "
    "'cache': s.CACHES['default']['BACKEND'], "
    "'transport': type(app.connection_for_write().transport).__module__}))"
)


def settings_with(**environ: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contentum.settings.base", **environ}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_empty_paths_fall_back_to_their_defaults(tmp_path):
    values = settings_with(
        CONTENTUM_VAR_DIR="", MEDIA_ROOT="", JWT_SIGNING_KEY="j" * 50, SECRET_KEY="x" * 50
    )
    assert values["var"] == str(ROOT / "var")
    assert values["media"] == str(ROOT / "var" / "media")
    assert values["jwt_key_set"] is True


def test_with_redis_the_cache_and_the_broker_are_djangos_and_kombus_own():
    """Nothing listens on the discard port: loading settings and the transport connects
    to nothing."""
    values = settings_with(REDIS_URL="redis://127.0.0.1:9/0", SECRET_KEY="x" * 50)

    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["transport"] == "kombu.transport.redis"


def test_every_line_of_env_example_is_commented_out():
    """Copying .env.example to .env must change nothing: each line shows a default."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    assignments = [line for line in lines if line and not line.startswith("#")]
    assert assignments == []
