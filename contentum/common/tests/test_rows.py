"""`rows` writes its own SQL, so every test compares it with what the ORM stores and reads.

Runs on SQLite and on PostgreSQL: the two disagree on how UUIDs, JSON, booleans and
datetimes travel, which is exactly what the model fields' preparation and converters hide.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, InternalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contentum.accounts.models import User
from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from contentum.audit.models import AuditLog
from contentum.audit.tests.factories import AuditLogFactory
from contentum.chats.models import Chat, ChatStatus, Message, MessageKind, MessageType
from contentum.common import rows
from contentum.questionnaire.models import Scenario

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
# Microseconds and a non-UTC zone: both must survive the round trip.
EXPIRES_AT = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=MOSCOW)
QUESTIONS = [
    {"key": "idea", "text": "Опишите идею", "options": ["Афиша", "Баннер"], "optional": False},
    {"key": "platform", "text": "Где опубликуем?", "default": None},
]
ANSWERS = {"idea": "Афиша спектакля «Чайка»", "теги": ["озеро", "закат"], "step": 1}


def columns(obj):
    """Every stored field as (type, value): True == 1 and 1.0 == 1, so the types count too.
    A choice is an enum on a new instance and a plain str once read: both count as str."""
    return {
        field.attname: (_kind(getattr(obj, field.attname)), getattr(obj, field.attname))
        for field in type(obj)._meta.concrete_fields
    }


def _kind(value):
    return str if isinstance(value, str) else type(value)


def from_orm(obj):
    return type(obj).objects.get(pk=obj.pk)


def new_message(chat, seq, **fields):
    defaults = {
        "message_type": MessageType.USER,
        "kind": MessageKind.ANSWER,
        "content": f"Ответ №{seq}",
        "payload": {"key": "idea", "value": "Чайка", "step": seq},
    }
    return Message(chat=chat, seq=seq, **{**defaults, **fields})


@pytest.fixture
def scenario():
    return Scenario.objects.create(name="Сценарий для rows")


@pytest.fixture
def chat(employee, scenario):
    """A chat with every kind of column filled: UUID FKs set and null, JSON, a datetime."""
    chat = Chat.objects.create(
        user=employee,
        title="Чайка",
        is_temporary=False,
        expires_at=EXPIRES_AT,
        scenario=scenario,
        questions=QUESTIONS,
        answers=ANSWERS,
    )
    chat.last_message = Message.objects.create(
        chat=chat,
        seq=1,
        message_type=MessageType.SYSTEM,
        kind=MessageKind.QUESTION,
        content="Опишите идею",
        payload={"options": ["Афиша", "Баннер"], "step": 1},
    )
    chat.message_count = 1
    chat.save()
    return chat


@pytest.fixture
def message(chat):
    return chat.last_message


@pytest.fixture
def audit_log():
    return AuditLogFactory(details={"поле": "роль", "было": None, "стало": [1, 2]})


@pytest.fixture
def anonymous_audit_log():
    """A failed login: no actor and no address, so both nullable columns are NULL."""
    return AuditLogFactory(actor=None, actor_email="кто-то@example.com", ip_address=None)


# --- get --------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["chat", "message", "audit_log", "anonymous_audit_log"])
def test_get_reads_a_row_exactly_as_the_orm_does(request, fixture):
    obj = request.getfixturevalue(fixture)

    row = rows.get(type(obj), id=obj.pk)

    assert columns(row) == columns(from_orm(obj))


def test_get_reads_a_user_exactly_as_the_orm_does(employee):
    """The account lookup on every authenticated request (`JWTAuthentication.get_user`)."""
    user = rows.get(User, id=employee.pk)

    assert columns(user) == columns(from_orm(employee))
    assert user.last_login is None
    assert user.check_password(DEFAULT_PASSWORD)


def test_get_converts_every_column_to_its_python_type(chat):
    row = rows.get(Chat, id=chat.pk)

    assert isinstance(row.id, uuid.UUID)
    assert row.user_id == chat.user.pk and isinstance(row.user_id, uuid.UUID)
    assert row.last_message_id == chat.last_message.pk
    assert row.prompt_parameters_id is None
    assert row.questions == QUESTIONS
    assert row.answers == ANSWERS
    assert row.expires_at == EXPIRES_AT and row.expires_at.tzinfo is not None
    assert row.created_at.tzinfo is not None
    assert row.is_active is True and row.is_temporary is False


def test_get_returns_a_saved_instance_that_follows_its_relations(chat):
    """Like the ORM's: `save()` updates the row, and FKs load their objects."""
    row = rows.get(Chat, id=chat.pk)

    assert row._state.adding is False and row._state.db == "default"
    assert row.user == chat.user and row.scenario == chat.scenario
    row.title = "Чайка, вторая редакция"
    row.save()
    assert from_orm(chat).title == "Чайка, вторая редакция"


@pytest.mark.parametrize(
    "spelling", [str, lambda pk: pk.hex, lambda pk: str(pk).upper()], ids=["str", "hex", "upper"]
)
def test_get_accepts_the_uuid_as_a_string(chat, spelling):
    """Ids arrive as strings from URLs and token claims."""
    row = rows.get(Chat, id=spelling(chat.pk), user_id=str(chat.user.pk))

    assert row is not None and row.pk == chat.pk


def test_get_returns_none_for_an_unknown_id(chat):
    assert rows.get(Chat, id=uuid.uuid4()) is None


def test_get_returns_none_for_another_users_chat(chat):
    stranger = UserFactory()

    assert rows.get(Chat, id=chat.pk, user_id=stranger.pk, is_active=True) is None
    assert rows.get(Chat, id=chat.pk, user_id=chat.user.pk, is_active=True) is not None


def test_get_returns_none_for_a_deleted_chat(chat):
    Chat.objects.filter(pk=chat.pk).update(is_active=False)

    assert rows.get(Chat, id=chat.pk, user_id=chat.user.pk, is_active=True) is None
    assert rows.get(Chat, id=chat.pk, is_active=False) is not None


def test_a_malformed_uuid_raises_validation_error_before_any_query(chat):
    """Callers must catch ValidationError (as `JWTAuthentication.get_user` does); it is raised
    in Python, so on PostgreSQL the surrounding transaction stays usable."""
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError):
        rows.get(Chat, id="not-a-uuid")

    assert len(queries) == 0
    assert Chat.objects.filter(pk=chat.pk).exists()


@pytest.mark.parametrize("lock", [True, False])
def test_lock_selects_for_update_on_postgresql_only_in_one_query(chat, lock):
    """SQLite has no row locks: its IMMEDIATE transactions already hold the write lock."""
    with CaptureQueriesContext(connection) as queries:
        row = rows.get(Chat, lock=lock, id=chat.pk)

    assert row.pk == chat.pk
    assert len(queries) == 1
    sql = rows.readable(queries[0]["sql"])
    assert sql.startswith("SELECT ")
    assert sql.endswith(" FOR UPDATE") is (lock and connection.vendor == "postgresql")


@pytest.mark.parametrize("lock", [True, False])
def test_get_with_related_reads_both_rows_in_one_query_as_select_related_does(chat, lock):
    """The answer's lock query: the chat and its owner's account together."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        row = rows.get(Chat, lock=lock, related="user", id=chat.pk, user_id=chat.user_id)
        owner = row.user  # cached: no second query

    assert len(queries) == 1
    expected = Chat.objects.select_related("user").get(pk=chat.pk)
    assert columns(row) == columns(expected)
    assert columns(owner) == columns(expected.user)
    if lock and connection.vendor == "postgresql":
        # the account is not locked
        assert rows.readable(queries[0]["sql"]).endswith('FOR UPDATE OF "chats_chat"')


def test_get_with_related_is_none_when_the_row_is_missing(chat):
    assert rows.get(Chat, related="user", id=uuid.uuid4()) is None


def test_get_joins_only_a_non_null_foreign_key(chat):
    with pytest.raises(ValueError, match="non-null"):
        rows.get(Chat, related="prompt_parameters", id=chat.pk)


@pytest.mark.parametrize("order_by", ["seq", "-seq"])
def test_select_reads_every_matching_row_in_order_as_the_orm_does(chat, order_by):
    for seq in (5, 2):
        rows.insert([Message(chat=chat, seq=seq, content=f"№{seq}", payload={"seq": seq})])
    expected = list(Message.objects.filter(chat=chat).order_by(order_by))

    with CaptureQueriesContext(connection) as queries:
        found = rows.select(Message, order_by=order_by, chat_id=chat.pk)

    assert len(queries) == 1
    assert [columns(message) for message in found] == [columns(m) for m in expected]
    assert rows.select(Message, order_by="seq", chat_id=uuid.uuid4()) == []


# --- insert -----------------------------------------------------------------------------


def test_insert_writes_several_messages_in_one_query(chat):
    messages = [
        new_message(chat, 2),
        new_message(chat, 3, payload=["список", {"вложено": True}, 3.5, None]),
        new_message(chat, 4, payload={}, withdrawn=True),
    ]

    with CaptureQueriesContext(connection) as queries:
        rows.insert(messages)

    assert len(queries) == 1 and rows.readable(queries[0]["sql"]).startswith("INSERT INTO ")
    for message in messages:
        assert columns(from_orm(message)) == columns(message)


def test_insert_sets_auto_now_add_and_marks_the_instances_saved(chat):
    """`save()` after `insert` must UPDATE the row: an INSERT would hit the primary key."""
    message = new_message(chat, 2)
    assert message.created_at is None and message._state.adding is True
    before = timezone.now()

    rows.insert([message])

    assert before <= message.created_at <= timezone.now()
    assert from_orm(message).created_at == message.created_at
    assert message._state.adding is False and message._state.db == "default"
    message.content = "Исправленный ответ"
    message.save()
    assert Message.objects.filter(chat=chat).count() == 2
    assert from_orm(message).content == "Исправленный ответ"


def test_insert_stores_a_chat_with_datetimes_and_foreign_keys(employee, scenario):
    chat = Chat(
        user=employee,
        title="Новый чат",
        expires_at=EXPIRES_AT,
        scenario=scenario,
        questions=QUESTIONS,
        answers=ANSWERS,
    )

    rows.insert([chat])

    assert chat.created_at is not None and chat.updated_at is not None
    stored = from_orm(chat)
    assert columns(stored) == columns(chat)
    assert stored.expires_at == EXPIRES_AT
    assert stored.last_message_id is None and stored.prompt_parameters_id is None


def test_insert_stores_audit_rows_with_and_without_an_actor(employee):
    logs = [
        AuditLog(
            actor=employee,
            actor_email=employee.email,
            action="chat.answered",
            details={"ключ": "idea", "шаг": 1},
            ip_address="2001:db8::1",
        ),
        AuditLog(actor=None, action="auth.login_failed", details={"email": "кто@example.com"}),
    ]

    rows.insert(logs)

    for log in logs:
        assert columns(from_orm(log)) == columns(log)
    assert from_orm(logs[1]).actor_id is None


def test_insert_violating_a_unique_constraint_writes_nothing(chat):
    """One statement: the new message before the duplicate `seq` is not kept either."""
    fresh, duplicate = new_message(chat, 2), new_message(chat, 1)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([fresh, duplicate])

    assert list(Message.objects.filter(chat=chat).values_list("seq", flat=True)) == [1]
    assert fresh._state.adding is True


def test_insert_respects_the_one_unfinished_chat_rule(chat):
    """The partial unique constraint `chat_create` relies on holds for plain SQL too."""
    assert chat.status == ChatStatus.COLLECTING and chat.is_active
    second = Chat(user=chat.user, title="Второй", status=ChatStatus.COLLECTING)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([second])

    assert list(Chat.objects.values_list("pk", flat=True)) == [chat.pk]


# --- update -----------------------------------------------------------------------------


def test_update_writes_only_the_named_fields(chat):
    stored = from_orm(chat)
    chat.title = "Новое название"
    chat.flow_step = 5
    chat.answers = {"idea": "не сохранять"}

    # Later, so a refreshed `updated_at` would show.
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        rows.update(chat, ["title"])

    after = from_orm(chat)
    assert after.title == "Новое название"
    assert after.flow_step == stored.flow_step
    assert after.answers == ANSWERS
    assert after.updated_at == stored.updated_at  # `auto_now`, but not named


def test_update_refreshes_auto_now_when_it_is_named(chat):
    later = timezone.now() + timedelta(minutes=5)
    chat.title = "Новое название"

    with time_machine.travel(later, tick=False):
        rows.update(chat, ["title", "updated_at"])

    assert chat.updated_at == later
    assert from_orm(chat).updated_at == later


def test_update_stores_json_datetimes_and_foreign_keys_as_the_answer_flow_does(chat):
    answer = new_message(chat, 2)
    rows.insert([answer])
    chat.answers = {**chat.answers, "platform": "ВКонтакте"}
    chat.flow_step = 1
    chat.expires_at = None
    chat.scenario = None
    chat.message_count = 2
    chat.last_message = answer
    names = ["answers", "flow_step", "expires_at", "scenario", "message_count", "last_message"]

    rows.update(chat, [*names, "updated_at"])

    assert columns(from_orm(chat)) == columns(chat)


def test_update_returns_the_rowcount_in_one_query(chat):
    chat.title = "Новое название"

    with CaptureQueriesContext(connection) as queries:
        assert rows.update(chat, ["title"]) == 1

    assert len(queries) == 1 and rows.readable(queries[0]["sql"]).startswith("UPDATE ")
    Chat.objects.filter(pk=chat.pk).delete()
    assert rows.update(chat, ["title"]) == 0


# --- refusals: where plain equality would silently differ from the ORM --------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lock_outside_a_transaction_is_refused(chat):
    """A FOR UPDATE in autocommit would be released at once: the ORM refuses it too."""
    with pytest.raises(TransactionManagementError):
        rows.get(Chat, lock=True, id=chat.pk)


def test_none_is_refused_rather_than_never_matching(chat):
    with pytest.raises(ValueError, match="None"):
        rows.get(Chat, id=chat.pk, last_message_id=None)


def test_a_second_matching_row_is_an_error(chat):
    Chat.objects.filter(pk=chat.pk).update(status=ChatStatus.COMPLETED)
    Chat.objects.create(user=chat.user, title="Второй", status=ChatStatus.COMPLETED)

    with pytest.raises(Chat.MultipleObjectsReturned):
        rows.get(Chat, user_id=chat.user_id)


def test_update_without_fields_is_refused_and_insert_of_nothing_sends_nothing(chat):
    with pytest.raises(ValueError):
        rows.update(chat, [])
    with CaptureQueriesContext(connection) as queries:
        rows.insert([])
    assert len(queries) == 0


# --- write: several changes, one round trip on PostgreSQL ---------------------------------


def test_write_runs_the_changes_in_order_in_one_query_on_postgresql(chat, employee):
    messages = [new_message(chat, 2), new_message(chat, 3)]
    chat.message_count, chat.last_message = 3, messages[-1]
    log = AuditLog(actor=employee, actor_email=employee.email, action="chat.answered")

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        rows.write(
            rows.Insert(messages),
            rows.Update(chat, ["message_count", "last_message"]),
            rows.Insert([log]),
        )

    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 3)
    stored = Chat.objects.get(pk=chat.pk)
    assert (stored.message_count, stored.last_message_id) == (3, messages[-1].pk)
    assert list(Message.objects.filter(chat=chat).values_list("seq", flat=True)) == [1, 2, 3]
    assert AuditLog.objects.filter(pk=log.pk, action="chat.answered").exists()
    assert all(obj._state.adding is False for obj in [*messages, log])


def test_write_failing_midway_keeps_nothing(chat):
    """The duplicate `seq` in the second change undoes the first: all or nothing."""
    fresh = new_message(chat, 2)
    chat.message_count = 2

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.write(
            rows.Insert([fresh]),
            rows.Insert([new_message(chat, 1)]),
            rows.Update(chat, ["message_count"]),
        )

    assert list(Message.objects.filter(chat=chat).values_list("seq", flat=True)) == [1]
    assert Chat.objects.get(pk=chat.pk).message_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_write_without_waiting_for_disk_changes_only_its_own_transaction(chat):
    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    before = synchronous_commit()
    with transaction.atomic():
        rows.write(rows.Insert([new_message(chat, 2)]), wait_for_disk=False)
        inside = synchronous_commit()
    after = synchronous_commit()

    assert inside == "off"
    assert after == before  # the server's own setting, whatever it is
    assert Message.objects.filter(chat=chat, seq=2).exists()


def test_an_unsaved_related_object_is_refused_as_save_refuses_it(chat):
    """Storing NULL (or a dangling id) for a related object that was never saved would be
    silent data loss: the ORM raises, and so does `rows`."""
    unsaved = User(email="nobody@example.com")
    log = AuditLog(actor=unsaved, actor_email=unsaved.email, action="chat.answered")
    unsaved.pk = None

    with pytest.raises(ValueError):
        rows.insert([log])
    chat.last_message = Message(chat=chat, seq=9)
    chat.last_message.pk = None
    with pytest.raises(ValueError):
        rows.update(chat, ["last_message"])
    assert not AuditLog.objects.filter(action="chat.answered").exists()


def test_a_related_object_saved_after_the_assignment_is_stored_by_its_id(employee):
    """As with save(): the id is taken from the related object when it was missing at the
    time of the assignment."""
    actor = User(email=employee.email)
    actor.pk = None
    log = AuditLog(actor=actor, actor_email=actor.email, action="chat.renamed")
    actor.pk = employee.pk  # "saved" since

    rows.insert([log])

    assert AuditLog.objects.get(pk=log.pk).actor_id == employee.pk


# --- prepared statements (PostgreSQL) -----------------------------------------------------


def prepared_in_session():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_is_prepared_once_per_session_and_executed_by_name(chat):
    connection.close()  # a new session: nothing prepared in it yet
    with CaptureQueriesContext(connection) as queries:
        first = rows.get(Chat, id=chat.pk)
        second = rows.get(Chat, id=chat.pk)

    assert columns(first) == columns(second) == columns(from_orm(chat))
    sent = [q["sql"] for q in queries.captured_queries]
    assert len(sent) == 2 and sent[0] == sent[1]  # the PREPARE is not a query of the request
    assert sent[0].startswith("EXECUTE contentum_")
    name = sent[0].removeprefix("EXECUTE ").split("(")[0]
    prepared = prepared_in_session()
    assert list(prepared) == [name]
    assert prepared[name].startswith(f'PREPARE {name} AS SELECT "chats_chat"."id"')
    assert rows.readable(sent[0]).endswith('WHERE "chats_chat"."id" = %s')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_prepared_statements_outlive_a_rollback_and_a_new_session_prepares_again(chat):
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([new_message(chat, 2)])
        rows.insert([new_message(chat, 2)])  # the same seq: the transaction is undone

    rows.insert([new_message(chat, 3)])  # already prepared in this session: no error
    connection.close()
    rows.insert([new_message(chat, 4)])  # a new session prepares it again

    assert list(Message.objects.filter(chat=chat).values_list("seq", flat=True)) == [1, 3, 4]
    assert len(prepared_in_session()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_prepare_raises_djangos_error_and_prepares_nothing(chat):
    """Callers catch Django's database errors, and Django drops a connection only when its
    errors went through its own wrapper."""
    connection.close()
    with transaction.atomic():
        with pytest.raises(DataError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # the transaction is aborted from here on
        with pytest.raises(InternalError):
            rows.get(Chat, id=chat.pk)
        transaction.set_rollback(True)

    assert prepared_in_session() == {}
    assert rows.get(Chat, id=chat.pk).pk == chat.pk  # prepared now, and it works


@pytest.mark.postgres
def test_the_answers_writes_run_as_prepared_statements_in_one_query(chat, employee):
    messages = [new_message(chat, 2), new_message(chat, 3)]
    chat.message_count, chat.last_message = 3, messages[-1]
    log = AuditLog(actor=employee, actor_email=employee.email, action="chat.answered")

    with CaptureQueriesContext(connection) as queries:
        rows.write(
            rows.Insert(messages),
            rows.Update(chat, ["message_count", "last_message"]),
            rows.Insert([log]),
            wait_for_disk=False,
        )

    (sent,) = [q["sql"] for q in queries.captured_queries]
    first, *executes = sent.split(";\n")
    assert first == "SET LOCAL synchronous_commit TO OFF"
    assert len(executes) == 3 and all(s.startswith("EXECUTE contentum_") for s in executes)
    assert [s.split()[0] for s in rows.readable(sent).split(";\n")] == [
        "SET",
        "INSERT",
        "UPDATE",
        "INSERT",
    ]
    assert Chat.objects.get(pk=chat.pk).last_message_id == messages[-1].pk


@pytest.mark.postgres
def test_with_prepared_statements_off_the_sql_is_sent_as_written(chat, settings):
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        rows.get(Chat, id=chat.pk)

    assert queries.captured_queries[0]["sql"].startswith('SELECT "chats_chat"."id"')


def test_together_sends_the_held_writes_in_order_when_the_block_ends(chat, employee):
    first, second = new_message(chat, 7), new_message(chat, 8)
    log = AuditLog(actor=employee, actor_email=employee.email, action="held")
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), rows.together():
        rows.insert([first])
        rows.write(rows.Insert([second]), rows.Insert([log]))
        assert not first._state.adding  # counts as saved at once, as if sent
        assert not [q for q in queries.captured_queries if "INSERT" in rows.readable(q["sql"])]
        held_from_a_read = Message.objects.filter(pk=first.pk).exists()

    assert held_from_a_read is False  # reads inside the block do not see held rows
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "EXECUTE"))
    ]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 3)
    assert [rows.readable(sql).split(" ", 3)[2] for sql in ";\n".join(writes).split(";\n")] == [
        '"chats_message"',
        '"chats_message"',
        '"audit_auditlog"',
    ]
    assert Message.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert AuditLog.objects.filter(pk=log.pk).exists()


def test_together_drops_the_held_writes_when_the_block_fails(chat):
    message = new_message(chat, 7)
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
        rows.together(),
    ):
        rows.insert([message])
        1 / 0  # noqa: B018

    assert not [q for q in queries.captured_queries if "chats_message" in rows.readable(q["sql"])]
    assert not Message.objects.filter(pk=message.pk).exists()


def test_together_refuses_an_update_and_does_not_nest(chat):
    with transaction.atomic(), rows.together():
        with pytest.raises(RuntimeError, match="row count"):
            rows.update(chat, ["title"])
        with pytest.raises(RuntimeError, match="nest"), rows.together():
            pass


@pytest.mark.postgres
def test_together_waits_for_the_disk_unless_every_held_write_says_not_to(chat):
    seqs = iter(range(20, 40))

    def sent(*waits):
        with CaptureQueriesContext(connection) as queries, transaction.atomic(), rows.together():
            for wait in waits:
                rows.write(rows.Insert([new_message(chat, next(seqs))]), wait_for_disk=wait)
        return ";".join(q["sql"] for q in queries.captured_queries)

    assert "synchronous_commit" not in sent(True, False)
    assert "SET LOCAL synchronous_commit TO OFF" in sent(False, False)
