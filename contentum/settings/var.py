"""`var/`: where Contentum keeps its runtime state, and the one step that creates it.

Settings only read it. `python -m contentum.settings.var` (the first step of `make run`)
creates the folder (SQLite file, beat schedule, media, collected static files), the
folders of kombu's filesystem broker when no REDIS_URL is set, and a secret key when no
SECRET_KEY is set. It is not a `manage.py` command because Django cannot start before
that key exists: simplejwt reads SECRET_KEY while the apps load. Running it again
changes nothing.
"""

import os
import secrets
from pathlib import Path

from contentum.settings.environment import BASE_DIR, env

# `or`: an empty value in .env means the default here, never the current directory.
VAR_DIR = Path(env("CONTENTUM_VAR_DIR", default="") or BASE_DIR / "var")
# Read by settings when no SECRET_KEY is set (the embedded mode, or DEBUG).
SECRET_KEY_FILE = VAR_DIR / "secret_key"
# Kombu's filesystem transport (no REDIS_URL) expects these folders to exist.
BROKER_FOLDERS = {name: VAR_DIR / "broker" / name for name in ("queue", "processed", "control")}


def create() -> list[Path]:
    """Creates whatever is missing and returns it. An existing key is never replaced:
    sessions and tokens signed with it stay valid."""
    folders = [VAR_DIR]
    if not env("REDIS_URL", default=""):
        folders += BROKER_FOLDERS.values()
    created = [folder for folder in folders if not folder.is_dir()]
    for folder in created:
        folder.mkdir(parents=True, exist_ok=True)
    if not env("SECRET_KEY", default="") and _write_new_key(SECRET_KEY_FILE):
        created.append(SECRET_KEY_FILE)
    return created


def _write_new_key(path: Path) -> bool:
    """Creates the key file readable by its owner only, unless it exists (O_EXCL: two
    starts at once cannot both write one)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_urlsafe(50))
    return True


if __name__ == "__main__":
    for path in create():
        print(f"Created {path}")
