"""`var/`: where Contentum keeps its runtime state, and the one step that creates it.

Settings only read it. `python -m contentum.settings.var` (the first step of `make run`)
creates the folder (SQLite file, beat schedule, media, collected static files), the
folders of kombu's filesystem broker when no REDIS_URL is set, and the secret key and the
token-signing key when SECRET_KEY / JWT_SIGNING_KEY are not set. It is not a `manage.py`
command because Django cannot start before those keys exist: simplejwt reads them while
the apps load. Running it again changes nothing.
"""

import os
import secrets
from pathlib import Path

from contentum.settings.environment import BASE_DIR, env

# `or`: an empty value in .env means the default here, never the current directory.
VAR_DIR = Path(env("CONTENTUM_VAR_DIR", default="") or BASE_DIR / "var")
# Read by settings when no SECRET_KEY / JWT_SIGNING_KEY is set (the embedded mode, or DEBUG).
SECRET_KEY_FILE = VAR_DIR / "secret_key"
JWT_SIGNING_KEY_FILE = VAR_DIR / "jwt_signing_key"
# Kombu's filesystem transport (no REDIS_URL) expects these folders to exist.
BROKER_FOLDERS = {name: VAR_DIR / "broker" / name for name in ("queue", "processed", "control")}


def keys_come_from_var() -> bool:
    """The embedded mode (no DATABASE_URL) or DEBUG reads unset keys from var/; anywhere
    else they must be set, and settings say so."""
    return not env("DATABASE_URL", default="") or env.bool("DEBUG", default=False)


def create() -> list[Path]:
    """Creates whatever is missing and returns it. An existing key is never replaced:
    sessions and tokens signed with it stay valid."""
    folders = [VAR_DIR]
    if not env("REDIS_URL", default=""):
        folders += BROKER_FOLDERS.values()
    created = [folder for folder in folders if not folder.is_dir()]
    for folder in created:
        folder.mkdir(parents=True, exist_ok=True)
    if keys_come_from_var():
        for name, key_file in (
            ("SECRET_KEY", SECRET_KEY_FILE),
            ("JWT_SIGNING_KEY", JWT_SIGNING_KEY_FILE),
        ):
            if not env(name, default="") and _write_new_key(key_file):
                created.append(key_file)
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
