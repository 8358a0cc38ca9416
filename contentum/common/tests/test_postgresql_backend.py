"""Our PostgreSQL backend: a transaction's BEGIN travels with its first statement, and a
write that says it is the last one carries the COMMIT. Round trips are counted on the wire
(libpq's protocol trace), and every outcome is checked from a second connection."""

import contextlib
import re
import tempfile
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.transaction import TransactionManagementError

from contentum.audit.models import AuditLog
from contentum.chats import flow
from contentum.chats.tests.factories import DEFAULT_ANSWERS, make_chat
from contentum.common import rows

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Wire:
    """The queries this process sends to the server, one per round trip."""

    def __enter__(self) -> "Wire":
        connection.ensure_connection()
        self.file = tempfile.NamedTemporaryFile("w+", suffix=".trace")
        connection.connection.pgconn.trace(self.file.fileno())
        return self

    def __exit__(self, *exc) -> None:
        connection.connection.pgconn.untrace()
        self.file.seek(0)
        # One entry per protocol message, each starting with a timestamp; a query's text
        # may span lines.
        entries = re.split(r"\n(?=\d{4}-\d\d-\d\d )", self.file.read())
        self.queries = [
            entry.split("\tQuery\t", 1)[1].strip().strip('"')
            for entry in entries
            if "\tF\t" in entry and "\tQuery\t" in entry
        ]
        self.file.close()


def stored_elsewhere(action: str) -> int:
    """Rows with `action` as another session sees them: only what was committed."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as other:
        return other.execute(
            "SELECT count(*) FROM audit_auditlog WHERE action = %s", [action]
        ).fetchone()[0]


def log(action: str) -> AuditLog:
    return AuditLog(action=action, target_type="test", target_id="1")


def test_the_backend_is_ours():
    assert settings.DATABASES["default"]["ENGINE"] == "contentum.common.postgresql"
    assert connection.vendor == "postgresql"


def test_begin_travels_with_the_first_statement():
    with Wire() as wire, transaction.atomic():
        AuditLog.objects.create(action="begin.first", target_type="t", target_id="1")
        AuditLog.objects.filter(action="begin.first").count()

    assert len(wire.queries) == 3, wire.queries
    assert wire.queries[0].startswith("BEGIN;\n")
    assert wire.queries[0].removeprefix("BEGIN;\n").startswith("INSERT")
    assert wire.queries[-1] == "COMMIT"
    assert stored_elsewhere("begin.first") == 1


def test_a_transaction_without_statements_sends_nothing():
    connection.ensure_connection()
    with Wire() as wire, transaction.atomic():
        pass

    assert wire.queries == []


def test_a_rolled_back_transaction_keeps_nothing():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        AuditLog.objects.create(action="rolled.back", target_type="t", target_id="1")
        1 / 0  # noqa: B018

    assert stored_elsewhere("rolled.back") == 0
    assert connection.connection.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_a_statement_refused_before_it_was_sent_leaves_the_begin_pending():
    """psycopg refuses a wrong parameter count before sending anything: the next
    statement must still open the transaction, or it would commit on its own."""
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with connection.cursor() as cursor, pytest.raises(ProgrammingError):
            cursor.execute("SELECT %s, %s", [1])
        AuditLog.objects.create(action="still.pending", target_type="t", target_id="1")
        1 / 0  # noqa: B018

    assert stored_elsewhere("still.pending") == 0


def test_a_failing_first_statement_rolls_the_transaction_back():
    AuditLog.objects.create(action="exists", target_type="t", target_id="1")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_auditlog (id) VALUES (NULL)")

    AuditLog.objects.create(action="after.failure", target_type="t", target_id="1")
    assert stored_elsewhere("after.failure") == 1


def test_savepoints_work_inside_a_deferred_transaction():
    with transaction.atomic():
        AuditLog.objects.create(action="outer", target_type="t", target_id="1")
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            AuditLog.objects.create(action="inner", target_type="t", target_id="1")
            1 / 0  # noqa: B018

    assert (stored_elsewhere("outer"), stored_elsewhere("inner")) == (1, 0)


def test_a_server_side_cursor_iterates_inside_a_transaction():
    AuditLog.objects.bulk_create([log("iterated") for _ in range(5)])
    with transaction.atomic():
        found = list(AuditLog.objects.filter(action="iterated").iterator(chunk_size=2))

    assert len(found) == 5


def test_the_last_write_carries_the_commit_in_its_round_trip():
    with transaction.atomic():  # prepares the INSERT in this session
        rows.write(rows.Insert([log("first.write")]), last=True)
    with Wire() as wire, transaction.atomic():
        rows.write(rows.Insert([log("last.write")]), last=True)
        assert stored_elsewhere("last.write") == 1  # committed before the block ends

    assert len(wire.queries) == 1, wire.queries
    assert wire.queries[0].startswith("BEGIN;\n")
    assert wire.queries[0].endswith("COMMIT")


def test_nothing_runs_after_the_last_write_in_the_same_block():
    with transaction.atomic():
        rows.write(rows.Insert([log("then.more")]), last=True)
        with pytest.raises(TransactionManagementError):
            AuditLog.objects.count()

    assert stored_elsewhere("then.more") == 1
    assert AuditLog.objects.filter(action="then.more").count() == 1  # the next block is free


def test_commit_hooks_run_after_a_commit_carried_by_the_last_write():
    seen = []
    with transaction.atomic():
        rows.write(rows.Insert([log("hooked")]), last=True)
        transaction.on_commit(lambda: seen.append(stored_elsewhere("hooked")))

    assert seen == [1]


def test_in_a_nested_block_the_last_write_leaves_the_commit_to_the_outer_one():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with transaction.atomic():
            rows.write(rows.Insert([log("nested.last")]), last=True)
        1 / 0  # noqa: B018

    assert stored_elsewhere("nested.last") == 0


def test_a_deferred_constraint_failing_at_the_carried_commit_keeps_nothing(employee):
    orphan = AuditLog(action="orphan", target_type="t", target_id="1", actor_id=employee.pk)
    employee_id = employee.pk
    employee.delete()
    orphan.actor_id = employee_id  # the foreign key is checked at COMMIT

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.write(rows.Insert([orphan]), last=True)

    assert stored_elsewhere("orphan") == 0
    assert AuditLog.objects.filter(action="orphan").count() == 0


def test_after_a_failed_carried_commit_the_block_runs_nothing_more():
    """The failed COMMIT ended the server's transaction: a statement after it would run
    in a new one and commit with the block."""
    orphan = AuditLog(action="orphan", target_type="t", target_id="1", actor_id=uuid.uuid4())
    with pytest.raises(TransactionManagementError), transaction.atomic():
        with contextlib.suppress(IntegrityError):
            rows.write(rows.Insert([orphan]), last=True)
        AuditLog.objects.create(action="after.failed.commit", target_type="t", target_id="1")

    assert stored_elsewhere("after.failed.commit") == 0
    assert AuditLog.objects.filter(action="orphan").count() == 0


def test_outside_a_transaction_the_last_write_commits_as_usual():
    rows.write(rows.Insert([log("autocommit")]), last=True)

    assert stored_elsewhere("autocommit") == 1


def test_the_begin_names_the_isolation_level_set_in_options():
    """Django hands OPTIONS' isolation level to psycopg, which would name it in its BEGIN."""
    connection.ensure_connection()
    assert connection._begin_sql() == "BEGIN"
    connection.connection.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
    try:
        with Wire() as wire, transaction.atomic():
            AuditLog.objects.count()
    finally:
        connection.connection.isolation_level = None

    assert wire.queries[0].startswith("BEGIN ISOLATION LEVEL SERIALIZABLE;\n")


def test_a_chat_answer_is_two_round_trips(employee):
    chat = make_chat(employee, answers=2)
    flow.message_answer(user=employee, chat_id=chat.pk, content=DEFAULT_ANSWERS["event_genre"])
    with Wire() as wire:
        flow.message_answer(user=employee, chat_id=chat.pk, content=DEFAULT_ANSWERS["visual_style"])

    assert len(wire.queries) == 2, wire.queries
    assert wire.queries[0].startswith("BEGIN;\nEXECUTE")
    assert wire.queries[1].endswith("COMMIT")
    chat.refresh_from_db()
    assert chat.flow_step == 4
