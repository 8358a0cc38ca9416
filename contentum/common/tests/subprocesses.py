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


def python(*args: str, env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    """`python ARGS` in a fresh interpreter from the project's root, with `env`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def create_var(env: dict) -> subprocess.CompletedProcess:
    """`make run`'s first step for this environment's var dir (settings only read it): the
    folder, the embedded broker's folders, and a secret key unless SECRET_KEY is set."""
    created = python("-m", "contentum.settings.var", env=env)
    assert created.returncode == 0, created.stderr
    return created


def manage(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return python(str(BASE_DIR / "manage.py"), *args, env=env, timeout=timeout)
