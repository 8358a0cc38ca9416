"""One of several concurrent writers for test_sqlite_concurrency (run as a module).

    python -m contentum.common.tests.sqlite_writer <worker> <rounds> <go-file>

Waits for <go-file> so that all writers start together, then per round:
- registers a user (a read, then a write transaction with an audit row), and
- bumps a shared counter with read-then-write inside one `transaction.atomic()`: the
  pattern that fails with "database is locked" when SQLite transactions are DEFERRED.
Prints one JSON line with what it wrote and any errors, and exits 1 on any error.
"""

import json
import sys
import time
import traceback
from pathlib import Path

import django

COUNTER = "test.counter"


def main(worker: int, rounds: int, go_file: Path) -> int:
    django.setup()
    from django.db import transaction
    from django.test.utils import override_settings

    from contentum.accounts.services import user_register
    from contentum.audit.models import AuditLog
    from contentum.audit.services import audit_record

    # Hashing is not what is under test, and PBKDF2 would make the run take minutes.
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()

    deadline = time.monotonic() + 60
    while not go_file.exists():
        if time.monotonic() > deadline:
            print(json.dumps({"worker": worker, "errors": ["never got the go signal"]}))
            return 1
        time.sleep(0.005)

    users, counts, errors = [], [], []
    for index in range(rounds):
        try:
            email = f"writer{worker}-{index}@example.com"
            user_register(
                email=email,
                full_name=f"Писатель {worker}",
                password="Sekret-Pass-2026",
                password_confirm="Sekret-Pass-2026",
            )
            users.append(email)
            with transaction.atomic():
                seen = AuditLog.objects.filter(action=COUNTER).count()
                audit_record(action=COUNTER, details={"n": seen + 1, "worker": worker})
            counts.append(seen + 1)
        except Exception:
            errors.append(traceback.format_exc())
    print(json.dumps({"worker": worker, "users": users, "counts": counts, "errors": errors}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])))
