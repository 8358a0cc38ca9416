"""Running `manage.py` and helpers in separate processes, on their own embedded state."""

import os
import subprocess
import sys
from pathlib import Path

from contentum.settings.environment import BASE_DIR


def embedded_env(var_dir: Path, settings_module: str = "contentum.settings.base", **extra) -> dict:
    """This process's environment, pointed at an embedded (SQLite, filesystem broker) setup.

    Empty DATABASE_URL / REDIS_URL (not absent) so that a developer's `.env` cannot fill
    them in, and so that CI's PostgreSQL pass does not leak into these processes.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "CONTENTUM_VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "PYTHONPATH": str(BASE_DIR),
    }
    env.update(extra)
    return env


def manage(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
