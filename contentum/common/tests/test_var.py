"""var/: importing settings only reads it; `python -m contentum.settings.var` (the first
step of `make run`) creates its folders and the generated secret key."""

import stat
from pathlib import Path

import pytest

from contentum.common.tests.subprocesses import create_var, embedded_env, manage, python

PRINT_KEY = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def test_loading_settings_and_apps_creates_nothing(tmp_path):
    var_dir = tmp_path / "var"

    loaded = python("-c", PRINT_KEY, env=embedded_env(var_dir, SECRET_KEY="k" * 50))

    assert loaded.returncode == 0, loaded.stderr
    assert not var_dir.exists()


def test_without_a_key_settings_refuse_to_load_and_say_how_to_make_one(tmp_path):
    var_dir = tmp_path / "var"

    loaded = python("-c", PRINT_KEY, env=embedded_env(var_dir, SECRET_KEY=""))

    assert loaded.returncode != 0
    assert "ImproperlyConfigured" in loaded.stderr
    assert "make run" in loaded.stderr
    assert "python -m contentum.settings.var" in loaded.stderr
    assert not var_dir.exists()


def test_creates_the_folders_and_a_key_only_its_owner_can_read(tmp_path):
    var_dir = tmp_path / "var"
    env = embedded_env(var_dir, SECRET_KEY="")

    create_var(env)

    for folder in ("broker/queue", "broker/processed", "broker/control"):
        assert (var_dir / folder).is_dir()
    key_file = var_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text()) >= 50
    loaded = python("-c", PRINT_KEY, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == key_file.read_text()


def test_running_it_again_keeps_the_key(tmp_path):
    var_dir = tmp_path / "var"
    env = embedded_env(var_dir, SECRET_KEY="")
    create_var(env)
    key = (var_dir / "secret_key").read_text()

    again = create_var(env)

    assert (var_dir / "secret_key").read_text() == key
    assert again.stdout == ""  # nothing was missing


def test_writes_no_key_when_one_is_set_and_no_broker_folders_with_redis(tmp_path):
    var_dir = tmp_path / "var"

    create_var(embedded_env(var_dir, SECRET_KEY="k" * 50, REDIS_URL="redis://127.0.0.1:9/0"))

    assert [path.name for path in var_dir.iterdir()] == []


PRINT_KEYS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECRET_KEY); print(s.SIMPLE_JWT['SIGNING_KEY'])"
)


def test_tokens_are_signed_with_a_generated_key_of_their_own(tmp_path):
    var_dir = tmp_path / "var"
    env = embedded_env(var_dir, SECRET_KEY="", JWT_SIGNING_KEY="")

    create_var(env)

    jwt_key_file = var_dir / "jwt_signing_key"
    assert stat.S_IMODE(jwt_key_file.stat().st_mode) == 0o600
    loaded = python("-c", PRINT_KEYS, env=env)
    assert loaded.returncode == 0, loaded.stderr
    secret_key, signing_key = loaded.stdout.split()
    assert signing_key == jwt_key_file.read_text()
    assert signing_key != secret_key


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JWT_SIGNING_KEY"])
def test_with_a_database_and_a_key_missing_manage_py_says_what_to_set_in_one_line(
    tmp_path, missing
):
    env = embedded_env(
        tmp_path / "var",
        SECRET_KEY="k" * 50,
        JWT_SIGNING_KEY="j" * 50,
        DATABASE_URL="postgres://nobody@127.0.0.1:9/contentum",
    )
    env[missing] = ""

    create_var(env)
    result = manage("migrate", "--noinput", env=env)

    # with a database, a key written into var/ would be read by nothing
    assert not (tmp_path / "var" / "secret_key").exists()
    assert not (tmp_path / "var" / "jwt_signing_key").exists()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Contentum is not configured: set {missing} (a long random string, e.g. from "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`): it is required "
        "when DATABASE_URL is set and DEBUG is off."
    ]


@pytest.mark.slow
def test_make_runs_first_steps_work_on_a_fresh_var_dir(tmp_path):
    """A fresh clone: no var/, no SECRET_KEY. `make run` creates var/, then migrates."""
    var_dir: Path = tmp_path / "var"
    env = embedded_env(var_dir, SECRET_KEY="")

    create_var(env)
    migrated = manage("migrate", "--noinput", env=env)

    assert migrated.returncode == 0, migrated.stderr
    assert (var_dir / "contentum.sqlite3").is_file()
