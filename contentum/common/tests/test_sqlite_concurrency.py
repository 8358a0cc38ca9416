"""The embedded SQLite file holds up when several processes write at once.

Web workers and the Celery worker are separate processes on one database file. Each
writer here is a real process on its own SQLite file (whatever database the rest of the
suite uses), so this runs in every pass.
"""

import json
import sqlite3
import subprocess
import sys

import pytest

from contentum.common.tests.subprocesses import BASE_DIR, create_var, embedded_env, manage

WRITERS = 6
ROUNDS = 15


@pytest.mark.slow
def test_concurrent_writers_never_see_database_is_locked_and_all_writes_land(tmp_path):
    env = embedded_env(tmp_path / "var")
    create_var(env)
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr

    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "contentum.common.tests.sqlite_writer", str(n), str(ROUNDS), go],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    go.touch()
    outputs = [writer.communicate(timeout=120) for writer in writers]

    for writer, (stdout, stderr) in zip(writers, outputs, strict=True):
        assert "database is locked" not in stdout + stderr
        assert writer.returncode == 0, stdout + stderr
    reports = [json.loads(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]
    assert all(not report["errors"] for report in reports)

    total = WRITERS * ROUNDS
    database = sqlite3.connect(tmp_path / "var" / "contentum.sqlite3")
    try:
        emails = {row[0] for row in database.execute("SELECT email FROM accounts_user")}
        registered = database.execute(
            "SELECT COUNT(*) FROM audit_auditlog WHERE action = 'user.registered'"
        ).fetchone()[0]
        counted = sorted(
            json.loads(row[0])["n"]
            for row in database.execute(
                "SELECT details FROM audit_auditlog WHERE action = 'test.counter'"
            )
        )
        journal_mode = database.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        database.close()

    assert emails == {email for report in reports for email in report["users"]}
    assert len(emails) == total
    assert registered == total
    # Read-then-write was serialised: every writer saw every earlier increment.
    assert counted == list(range(1, total + 1))
    assert journal_mode == "wal"
