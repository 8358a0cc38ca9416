"""Plain SQL for the few statements on the chat flow's hot path.

The ORM's query compiler costs more CPU than the statements it builds: about 0.2–0.4 ms a
statement on our hardware, against ~0.05 ms for sending the statement itself, and an
answer ran five of them. These helpers cover only the simplest shapes — one row by
equality, an INSERT of whole instances, an UPDATE of named fields by primary key — and
write the SQL the ORM would write. The SQL text is cached per shape; values go through the
model's own fields (`get_db_prep_save`, `pre_save`, the backend's converters), so UUIDs,
JSON, `auto_now` and time zones behave exactly as with the ORM, on PostgreSQL and SQLite.
No model signals are sent (as with `bulk_create`); the models written here have none.

On PostgreSQL each statement is prepared once per database session and then EXECUTEd by
name (see `_prepared`): the server parses and plans the chat's lock query and the answer's
writes once per connection instead of on every answer. Several writes travel in one round
trip (`write`, and `together` for writes made by several functions), the last one with
the transaction's COMMIT where our PostgreSQL backend allows it (`common.postgresql`).
"""

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Field, Model
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)


def get(
    model: type[M], *, lock: bool = False, related: str | None = None, **equals: Any
) -> M | None:
    """The one row where every given column equals its value, or None.

    Keys are field names or attnames with plain values (`user_id=user.pk`, not
    `user=user`); a malformed UUID raises ValidationError before any query. None is
    refused (SQL's `= NULL` never matches), and so is a second matching row. With `lock`,
    SELECT … FOR UPDATE inside the caller's transaction (SQLite's writer lock serializes
    instead); only this model's row is locked. `related` names a non-null foreign key whose
    row comes in the same query (an inner join), as `select_related` would.
    """
    alias = router.db_for_write(model) if lock else router.db_for_read(model)
    if lock and connections[alias].get_autocommit():
        raise TransactionManagementError("rows.get(lock=True) needs a transaction.")
    found, foreign_key = _fetch(model, equals, alias, lock=lock, related=related, limit=2)
    if not found:
        return None
    if len(found) > 1:
        raise model.MultipleObjectsReturned(f"rows.get({model.__name__}) matched several rows.")
    connection = connections[alias]
    width = len(model._meta.concrete_fields)
    obj = _instance(model, found[0][:width], connection, alias)
    if foreign_key is not None:
        other = foreign_key.related_model
        foreign_key.set_cached_value(obj, _instance(other, found[0][width:], connection, alias))
    return obj


def select(model: type[M], *, order_by: str, **equals: Any) -> list[M]:
    """Every row where each given column equals its value, ordered by the field `order_by`
    (a leading "-" for descending). Keys and values as in `get`."""
    alias = router.db_for_read(model)
    found, _ = _fetch(model, equals, alias, order_by=order_by)
    return [_instance(model, row, connections[alias], alias) for row in found]


def _fetch(
    model: type[Model],
    equals: dict[str, Any],
    alias: str,
    *,
    lock: bool = False,
    related: str | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> tuple[list[tuple], Field | None]:
    """The raw rows of `get` and `select` (at most `limit`), and the joined foreign key."""
    if any(value is None for value in equals.values()):
        raise ValueError("rows match by equality: None never equals anything in SQL.")
    connection = connections[alias]
    sql, where_fields, foreign_key = _select(model, tuple(equals), lock, related, order_by, alias)
    params = [field.get_db_prep_value(equals[name], connection) for name, field in where_fields]
    with connection.cursor() as cursor:
        cursor.execute(_prepared(connection, sql), params)
        found = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
    return found, foreign_key


def _instance(model: type[M], row: Sequence[Any], connection: Any, alias: str) -> M:
    pairs = zip(row, _converters(model, connection), strict=True)
    return model.from_db(
        alias, None, [_convert(value, convert, connection) for value, convert in pairs]
    )


def insert(objs: Sequence[Model]) -> None:
    """INSERTs model instances of one model in one statement (primary keys set in Python)."""
    if objs:
        write(Insert(objs))


def update(obj: Model, fields: Sequence[str]) -> int:
    """UPDATEs the named fields of one saved instance; `auto_now` fields are refreshed."""
    if not fields:
        raise ValueError("rows.update needs at least one field.")
    change = Update(obj, fields)
    alias = router.db_for_write(change.model)
    connection = connections[alias]
    if _held(connection) is not None:
        raise RuntimeError("rows.update returns a row count: it cannot wait in rows.together().")
    sql, params = change.statement(alias)
    with connection.cursor() as cursor:
        cursor.execute(_prepared(connection, sql), params)
        return cursor.rowcount


@dataclass(frozen=True)
class Insert:
    objs: Sequence[Model]

    @property
    def model(self) -> type[Model]:
        return type(self.objs[0])

    def statement(self, alias: str) -> tuple[str, list[Any]]:
        connection = connections[alias]
        for obj in self.objs:  # as save() does: an unsaved related object is an error
            _prepare_related(obj, "insert")
        sql, fields = _insert(self.model, len(self.objs), alias)
        params = [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for obj in self.objs
            for field in fields
        ]
        return sql, params

    def done(self, alias: str) -> None:
        for obj in self.objs:
            obj._state.adding, obj._state.db = False, alias


@dataclass(frozen=True)
class Update:
    obj: Model
    fields: Sequence[str]

    @property
    def model(self) -> type[Model]:
        return type(self.obj)

    def statement(self, alias: str) -> tuple[str, list[Any]]:
        connection = connections[alias]
        model = self.model
        sql, targets = _update(model, tuple(self.fields), alias)
        _prepare_related(self.obj, "update", targets)
        params = [
            field.get_db_prep_save(field.pre_save(self.obj, False), connection) for field in targets
        ]
        params.append(model._meta.pk.get_db_prep_value(self.obj.pk, connection))
        return sql, params

    def done(self, alias: str) -> None:
        pass


def write(*changes: Insert | Update, wait_for_disk: bool = True, last: bool = False) -> None:
    """Runs the changes in order, in one round trip where the driver allows it.

    psycopg with client-side binding (Django's default) sends several statements as one
    query string; elsewhere they run one by one. Call it inside a transaction: PostgreSQL
    runs a multi-statement query as one transaction of its own, other databases would
    commit statement by statement.

    `wait_for_disk=False` lets PostgreSQL acknowledge this transaction's COMMIT before its
    WAL is flushed (`SET LOCAL synchronous_commit TO OFF`). A crash of the database server
    (not of the application) may then lose the last fraction of a second of such commits;
    it never applies one in part, and other transactions keep waiting as configured. The
    application's workers stop idling on a disk flush at every commit (see `chats.flow`).

    `last=True` says nothing else runs in the caller's transaction after these changes: on
    our PostgreSQL backend, in the outermost atomic block, COMMIT goes in the same round
    trip (`common.postgresql`), and the block refuses any further statement. Elsewhere the
    atomic block commits as usual. Inside `together()` the changes wait for the block's end.
    """
    alias = router.db_for_write(changes[0].model)
    connection = connections[alias]
    connection.ensure_connection()
    statements = [change.statement(alias) for change in changes]
    statements = [(_prepared(connection, sql), params) for sql, params in statements]
    held = _held(connection)
    if held is not None:
        held.append(_Held(statements, wait_for_disk, last))
    else:
        _send(connection, statements, wait_for_disk=wait_for_disk, last=last)
    for change in changes:
        change.done(alias)


@dataclass(frozen=True)
class _Held:
    statements: list[tuple[str, list[Any]]]
    wait_for_disk: bool
    last: bool


@contextmanager
def together(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Holds the writes made inside (`write`, `insert`) and sends them, in order, in one
    round trip when the block ends; an exception drops them.

    For a run of writes that nothing read inside the block depends on: reads do not see
    held rows (foreign keys are checked at COMMIT, so the order inside the block is free).
    The statements are built when each write is made, and its instances count as saved
    from then on, exactly as if the write had been sent. The round trip waits for the
    disk unless every held write said otherwise, and carries the COMMIT if the last one
    says it is `last`. A finished chat writes its parameters, prompt, task, audit rows and
    messages this way: one round trip instead of six.
    """
    connection = connections[using]
    if _held(connection) is not None:
        raise RuntimeError("rows.together() blocks do not nest.")
    held: list[_Held] = []
    connection._rows_held = held
    try:
        yield
    finally:
        connection._rows_held = None
    if held:
        _send(
            connection,
            [statement for write in held for statement in write.statements],
            wait_for_disk=any(write.wait_for_disk for write in held),
            last=held[-1].last,
        )


def _held(connection: Any) -> list[_Held] | None:
    """The writes the connection's open `together()` block holds; None outside one."""
    return connection.__dict__.get("_rows_held")


def _send(
    connection: Any, statements: list[tuple[str, list[Any]]], *, wait_for_disk: bool, last: bool
) -> None:
    if not wait_for_disk and connection.vendor == "postgresql":
        statements = [("SET LOCAL synchronous_commit TO OFF", []), *statements]
    commits = last and _commits_with_statement(connection)
    if commits:
        statements = [*statements, ("COMMIT", [])]
    try:
        with connection.cursor() as cursor:
            if len(statements) > 1 and _sends_many_at_once(connection):
                cursor.execute(
                    ";\n".join(sql for sql, _ in statements),
                    [param for _, params in statements for param in params],
                )
            else:
                for sql, params in statements:
                    cursor.execute(sql, params)
    finally:
        if commits:
            connection.ended_with_last_statement()


def _commits_with_statement(connection: Any) -> bool:
    check = getattr(connection, "can_commit_with_last_statement", None)
    return check is not None and check()


def _sends_many_at_once(connection: Any) -> bool:
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    )


def _prepared(connection: Any, sql: str) -> str:
    """`sql` as an EXECUTE of the same statement prepared in this session, where that works.

    Parsing and planning cost PostgreSQL more than running these statements: 0.085 ms of
    the lock query's 0.11 ms, measured. The PREPARE goes through psycopg directly, once per
    session, like Django's own session set-up; it is not a query of the request. Prepared
    statements outlive a rolled-back transaction, so the bookkeeping stays true. Off with
    DB_PREPARED_STATEMENTS=false, for poolers in transaction mode (PgBouncer), which move
    a client between server sessions; with server-side binding psycopg prepares by itself.
    """
    if not (settings.DB_PREPARED_STATEMENTS and _sends_many_at_once(connection)):
        return sql
    name, body, execute = _preparable(sql)
    prepared = _prepared_in(connection)
    if name not in prepared:
        with connection.wrap_database_errors:  # Django's errors, and a lost connection noted
            connection.connection.execute(f"PREPARE {name} AS {body}")
        prepared.add(name)
    return execute


def _prepared_in(connection: Any) -> set[str]:
    """The names prepared in the connection's current session: a new session (Django
    reconnects after CONN_MAX_AGE or an error) starts with none."""
    session = connection.connection
    known = connection.__dict__.get("_rows_prepared")
    if known is None or known[0] is not session:
        known = connection._rows_prepared = (session, set())
    return known[1]


_BODIES: dict[str, str] = {}


@lru_cache(maxsize=256)
def _preparable(sql: str) -> tuple[str, str, str]:
    """The statement's name (from its text, so every process agrees), its body with
    PostgreSQL's numbered parameters, and the EXECUTE that runs it."""
    if "%%" in sql:
        raise ValueError("rows prepares statements without literal percent signs.")
    name = "contentum_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
    parts = sql.split("%s")
    body = "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], 1)) + parts[-1]
    arity = len(parts) - 1
    _BODIES[name] = sql
    execute = f"EXECUTE {name}({', '.join(['%s'] * arity)})" if arity else f"EXECUTE {name}"
    return name, body, execute


def readable(sql: str) -> str:
    """A logged statement as written: an EXECUTE of a statement this module prepared is
    shown as that statement (for tests and debugging)."""
    return ";\n".join(_readable_one(part) for part in sql.split(";\n"))


def _readable_one(sql: str) -> str:
    if sql.startswith("EXECUTE contentum_"):
        return _BODIES.get(sql.removeprefix("EXECUTE ").split("(", 1)[0], sql)
    return sql


def _prepare_related(obj: Model, operation: str, fields: Sequence[Field] | None = None) -> None:
    """`Model._prepare_related_fields_for_save`, looking only at the relations: Django's
    walks every field of the model, which cost 3 % of a chat flow's CPU on its own."""
    relations = _relations(type(obj))
    if relations is None:  # a generic relation: Django knows those
        obj._prepare_related_fields_for_save(operation_name=operation, fields=fields)
        return
    for field in relations:
        if fields is not None and field not in fields:
            continue
        if not field.is_cached(obj):
            continue
        related = field.get_cached_value(obj)
        if related is None:
            continue
        if not related._is_pk_set():
            if not field.remote_field.multiple:
                field.remote_field.delete_cached_value(related)
            raise ValueError(
                f"{operation}() prohibited to prevent data loss due to unsaved related "
                f"object '{field.name}'."
            )
        if getattr(obj, field.attname) in field.empty_values:  # saved after the assignment
            setattr(obj, field.name, related)
        if getattr(related, field.target_field.attname) != getattr(obj, field.attname):
            field.delete_cached_value(obj)


@lru_cache(maxsize=64)
def _relations(model: type[Model]) -> tuple[Field, ...] | None:
    if any(field.is_relation for field in model._meta.private_fields):
        return None
    return tuple(field for field in model._meta.concrete_fields if field.is_relation)


Converter = tuple[Callable[..., Any], Any]


def _convert(value: Any, converters: list[Converter], connection: Any) -> Any:
    for convert, expression in converters:
        value = convert(value, expression, connection)
    return value


@lru_cache(maxsize=64)
def _select(
    model: type[Model],
    keys: tuple[str, ...],
    lock: bool,
    related: str | None,
    order_by: str | None,
    alias: str,
) -> tuple[str, list[tuple[str, Field]], Field | None]:
    connection = connections[alias]
    meta, quote = model._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    where_fields = [(name, meta.get_field(name)) for name in keys]
    columns = [f"{table}.{quote(f.column)}" for f in meta.concrete_fields]
    source, foreign_key = table, None
    if related is not None:
        foreign_key = meta.get_field(related)
        if not foreign_key.many_to_one or foreign_key.null:
            raise ValueError(f"rows.get(related=...) joins a non-null foreign key: {related}")
        other = foreign_key.related_model._meta
        joined = quote(other.db_table)
        columns += [f"{joined}.{quote(f.column)}" for f in other.concrete_fields]
        target = quote(foreign_key.target_field.column)
        source += f" INNER JOIN {joined} ON {joined}.{target} = {table}.{quote(foreign_key.column)}"
    # Identifiers come from model metadata, quoted; every value is a parameter.
    sql = "SELECT {} FROM {} WHERE {}".format(  # noqa: S608
        ", ".join(columns),
        source,
        " AND ".join(f"{table}.{quote(field.column)} = %s" for _, field in where_fields),
    )
    if order_by is not None:
        column = quote(meta.get_field(order_by.removeprefix("-")).column)
        sql += f" ORDER BY {table}.{column}{' DESC' if order_by.startswith('-') else ''}"
    if lock and connection.features.has_select_for_update:
        only_this_table = related is not None and connection.features.has_select_for_update_of
        sql += f" FOR UPDATE OF {table}" if only_this_table else " FOR UPDATE"
    return sql, where_fields, foreign_key


@lru_cache(maxsize=64)
def _converters(model: type[Model], connection: Any) -> list[list[Converter]]:
    """What the ORM's compiler would apply to each column, from this very connection (each
    thread has its own)."""
    table, converters = model._meta.db_table, []
    for field in model._meta.concrete_fields:
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append([(convert, column) for convert in found])
    return converters


@lru_cache(maxsize=64)
def _insert(model: type[Model], count: int, alias: str) -> tuple[str, list[Field]]:
    meta, quote = model._meta, connections[alias].ops.quote_name
    fields = list(meta.concrete_fields)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
        quote(meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join([row] * count)
    )
    return sql, fields


@lru_cache(maxsize=64)
def _update(model: type[Model], names: tuple[str, ...], alias: str) -> tuple[str, list[Field]]:
    meta, quote = model._meta, connections[alias].ops.quote_name
    targets = [meta.get_field(name) for name in names]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in targets),
        quote(meta.pk.column),
    )
    return sql, targets
