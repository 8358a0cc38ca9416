"""PostgreSQL whose transactions cost no round trips of their own.

psycopg begins a transaction by sending BEGIN as a query of its own before the first
statement, and Django ends it with a COMMIT of its own: a chat answer (the lock query, then
one write) makes four round trips for two statements. A round trip costs both processes
CPU, about 0.06 ms together here, whatever the statement (measured: BEGIN, a locked read, a
write and COMMIT in four round trips took 0.33 ms of client and server CPU, in two 0.22 ms).

This backend keeps psycopg in autocommit mode and begins Django's transactions itself: the
BEGIN goes in front of the transaction's first statement, in the same query string (with
client-side binding, Django's default, psycopg sends several statements as one query). A
transaction that runs no statement sends nothing. Savepoints, commits and rollbacks stay
Django's: psycopg sends COMMIT or ROLLBACK whenever the server is in a transaction.

A caller whose write is the transaction's last statement may send COMMIT in that write's
round trip (`rows.write(..., last=True)`, see `can_commit_with_last_statement`); anything
the same atomic block tries to run afterwards is refused.

With `server_side_binding` (extended protocol: one statement a query) the backend behaves
exactly like Django's.
"""

from typing import Any

from django.db.backends.postgresql import base
from django.db.transaction import TransactionManagementError
from psycopg import pq

IDLE = pq.TransactionStatus.IDLE
ENDED = "ended"


class DeferredBeginCursor(base.Cursor):
    """Sends the connection's pending BEGIN with the first statement it executes."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        pending = _pending(self.connection)
        if pending is None:
            return super().execute(query, params, **kwargs)
        if not isinstance(query, str) or any(kwargs.values()):  # prepare=None, binary=False
            self._begin(pending)
            return super().execute(query, params, **kwargs)
        try:
            super().execute(f"{pending};\n{query}", params)
        finally:
            # Cleared only once the server is in the transaction: a statement refused
            # before it was sent (bad parameters) leaves the BEGIN pending.
            if self.connection.pgconn.transaction_status != IDLE:
                self.connection.contentum_pending_begin = None
        self.nextset()  # past BEGIN's own result, to the statement's
        return self

    def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> None:
        self._begin_if_pending()
        return super().executemany(query, params_seq, **kwargs)

    def copy(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        self._begin_if_pending()
        return super().copy(statement, params, **kwargs)

    def stream(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        self._begin_if_pending()
        return super().stream(query, params, **kwargs)

    def _begin_if_pending(self) -> None:
        pending = _pending(self.connection)
        if pending is not None:
            self._begin(pending)

    def _begin(self, pending: str) -> None:
        super().execute(pending)
        self.connection.contentum_pending_begin = None


def _pending(connection: Any) -> str | None:
    """The BEGIN this connection still owes its transaction, if any. A transaction that
    ended with its last statement refuses anything more."""
    pending = getattr(connection, "contentum_pending_begin", None)
    if pending == ENDED:
        raise TransactionManagementError(
            "This transaction ended with its last statement (it carried the COMMIT): nothing "
            "more can run in it. Leave the atomic block first."
        )
    return pending


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def defers_begin(self) -> bool:
        return not self.settings_dict["OPTIONS"].get("server_side_binding")

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if self.defers_begin:
            connection.cursor_factory = DeferredBeginCursor
        return connection

    def _set_autocommit(self, autocommit: bool) -> None:
        if not self.defers_begin:
            return super()._set_autocommit(autocommit)
        with self.wrap_database_errors:
            if not self.connection.autocommit:
                self.connection.autocommit = True
        self.connection.contentum_pending_begin = None if autocommit else self._begin_sql()

    def _begin_sql(self) -> str:
        """psycopg's own BEGIN: with the isolation level set in OPTIONS, if any."""
        level = self.connection.isolation_level
        if level is None:
            return "BEGIN"
        return f"BEGIN ISOLATION LEVEL {level.name.replace('_', ' ')}"

    def create_cursor(self, name: str | None = None) -> Any:
        if name and self.defers_begin and not self.get_autocommit():
            # A named cursor declares itself in its own query: begin first. (Django makes
            # it holdable, as if outside a transaction: psycopg is in autocommit.)
            self.connection.cursor()._begin_if_pending()
        return super().create_cursor(name)

    def can_commit_with_last_statement(self) -> bool:
        """Whether COMMIT may travel with the next statement: only in the outermost atomic
        block (a nested block's end releases a savepoint, and the outer block may still
        roll back)."""
        return (
            self.defers_begin
            and self.in_atomic_block
            and len(self.atomic_blocks) == 1
            and not self.needs_rollback
        )

    def ended_with_last_statement(self) -> None:
        """Notes that the statement just sent carried COMMIT. Committed or failed, the
        server's transaction is over: the atomic block's own commit or rollback finds
        nothing to do, and the block refuses any further statement (which would otherwise
        run in a new transaction)."""
        self.connection.contentum_pending_begin = ENDED
