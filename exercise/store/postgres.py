"""The PostgreSQL event store: one session of a shared database, the same promises as a session file.

- Every write is one transaction that first takes the session's advisory lock (pg_advisory_xact_lock), then
  reads; in READ COMMITTED each statement sees what committed before it, so a caller that checks its command
  against `WriteTx.read_after` decides on the latest log, as under SQLite's BEGIN IMMEDIATE. The primary key
  (session, seq) is the backstop should anything write without the lock. The append itself is one call of a
  function in the server (lock, head check, chain, rows, head record): postgres_write.py.
- synchronous_commit is on for the log: `append` returns after the server flushed the commit, so an
  acknowledged event survives kill -9 of any client and a crash of the server. Side data commits without
  waiting for the flush (it may lose its last moment in a crash of the server, never an event).
- Every append rings the session's channel (NOTIFY, just after its commit); `has_news` answers from the doorbell
  (postgres_listen.py), so a console that waits for others' events does not query the database while nothing
  happens.
- A connection lost (the server restarted) is opened again on the next call; while the server cannot be
  reached, calls fail at once with one line (for `RETRY_SECONDS` after a failed connection, and for as long as
  the doorbell, which keeps trying in its own thread, cannot listen) instead of each waiting for a timeout in
  the caller's thread, which is a console's UI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any, TypeVar

from exercise.store import postgres_schema as sql
from exercise.store.base import (
    MAX_SIDE_BYTES,
    MAX_VALUE_BYTES,
    Clock,
    SideEntry,
    StoredEvent,
    StoreError,
    VerifyResult,
    format_wall,
    utc_now,
)
from exercise.store.chain import GENESIS_HASH, encode_event, verify_chain
from exercise.store.locator import PgLocation
from exercise.store.postgres_conn import connect, failure_words, one_line, psycopg_module
from exercise.store.postgres_listen import Doorbell
from exercise.store.postgres_write import (
    PgWriteTx,
    check_meta_item,
    put_meta,
    row_columns,
    stored_rows,
    to_event,
)

RETRY_SECONDS = 2.0  # after a failed connection, calls fail at once for this long (the UI thread stays lively)
AWAY = "the database server cannot be reached"
_T = TypeVar("_T")


class PostgresStore:
    """Append-only, hash-chained event log of one session, in a PostgreSQL database."""

    read_only: str | None = None

    def __init__(self, location: PgLocation, conn: Any, clock: Clock | None) -> None:
        self.location = location
        self.session = location.session
        self.shown = location.shown
        self._conn: Any = conn
        self._clock: Clock = clock or utc_now
        self._lock = threading.RLock()
        self._tx: PgWriteTx | None = None
        self._closed = False
        self._retry_at = 0.0
        self.channel = sql.channel(location.session)
        self._schema_ok = False  # the append function is known to be there
        self._bell: Doorbell | None = None

    @property
    def path(self) -> PgLocation:
        return self.location

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def create(cls, location: PgLocation, *, meta: dict[str, str], sources: dict[str, str],
               clock: Clock | None = None) -> PostgresStore:
        """A new session in the database (the tables made on first use); an existing one is reused only while it
        holds no events (a start that was interrupted), never overwritten."""
        for key, value in meta.items():
            check_meta_item(key, value)
        for src, text in sources.items():
            if not isinstance(src, str) or not isinstance(text, str):
                raise StoreError(f"{location.shown}: sources must map path strings to text, got {src!r}")
            if len(text.encode("utf-8", "surrogatepass")) > MAX_VALUE_BYTES:
                raise StoreError(f"{location.shown}: scenario file {src} is over {MAX_VALUE_BYTES:,} bytes")
        store = cls(location, None, clock)
        try:
            store._guard("create", store._ensure_tables)
            with store._guard_tx("create") as conn:
                count = conn.execute("SELECT count(*) FROM ttx_events WHERE session = %s", (store.session,)
                                     ).fetchone()[0]
                if count:
                    raise StoreError(f"{store.shown}: already holds {count} events; open it to resume, or choose "
                                     "a new session name")
                for table in sql.SESSION_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE session = %s", (store.session,))
                conn.execute("INSERT INTO ttx_sessions (session, schema_version, head_seq, head_hash, created)"
                             " VALUES (%s, %s, 0, %s, %s)",
                             (store.session, sql.SCHEMA_VERSION, GENESIS_HASH, format_wall(store._clock())))
                put_meta(conn, store.session, meta)
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO ttx_sources (session, path, text) VALUES (%s, %s, %s)",
                                    [(store.session, k, v) for k, v in sources.items()])
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open(cls, location: PgLocation, *, clock: Clock | None = None, write: bool | None = None) -> PostgresStore:
        """An existing session, refused in one line when the database holds no session of that name."""
        store = cls(location, None, clock)
        try:
            found = store._guard("open", store._session_row)
            if found is None:
                raise StoreError(f"{store.shown}: no such session in this database")
            if found > sql.SCHEMA_VERSION:
                raise StoreError(f"{store.shown}: written by a newer tabletop (schema {found}; this version reads "
                                 f"up to {sql.SCHEMA_VERSION})")
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def exists(cls, location: PgLocation) -> bool:
        """Whether the database holds a session of this name (with or without events)."""
        store = cls(location, None, None)
        try:
            return store._guard("open", store._session_row) is not None
        finally:
            store.close()

    def _ensure_tables(self) -> None:
        """The tables and the append function, made when the database lacks either (a database of an earlier
        tabletop has the tables and gains the function at its first write)."""
        conn = self._live()
        if conn.execute(sql.HAS_SCHEMA_SQL).fetchone()[0]:
            self._schema_ok = True
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (sql.LOCK_CLASS,))
            for statement in (*sql.TABLES, *sql.FUNCTIONS):
                conn.execute(statement)
        self._schema_ok = True

    def _session_row(self) -> int | None:
        conn = self._live()
        if not conn.execute("SELECT to_regclass('ttx_sessions') IS NOT NULL").fetchone()[0]:
            return None
        row = conn.execute("SELECT schema_version FROM ttx_sessions WHERE session = %s", (self.session,)).fetchone()
        return None if row is None else int(row[0])

    def privacy_note(self) -> None:
        return None  # who may read the tables is the database's grants, not a file mode

    # -- reading ------------------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, str]:
        rows = self._guard("read meta", lambda: self._live().execute(
            "SELECT key, value FROM ttx_meta WHERE session = %s", (self.session,)).fetchall())
        return {str(k): str(v) for k, v in rows}

    @property
    def sources(self) -> dict[str, str]:
        rows = self._guard("read sources", lambda: self._live().execute(
            "SELECT path, text FROM ttx_sources WHERE session = %s", (self.session,)).fetchall())
        return {str(k): str(v) for k, v in rows}

    def last_seq(self) -> int:
        row = self._guard("read", lambda: self._live().execute(sql.LAST_SQL, (self.session,)).fetchone())
        return int(row[0]) if row else 0

    def read(self, after: int = 0) -> list[StoredEvent]:
        return self._guard("read", lambda: _select_after(self._live(), self.session, after))

    def read_types(self, *types: str) -> list[StoredEvent]:
        query = f"SELECT {sql.COLUMNS} FROM ttx_events WHERE session = %s AND type = ANY(%s) ORDER BY seq"
        rows = self._guard("read", lambda: self._live().execute(query, (self.session, list(types))).fetchall())
        return [to_event(r) for r in rows]

    def verify(self) -> VerifyResult:
        """The hash chain and the head record, from one snapshot (REPEATABLE READ) while others may append."""

        def walk() -> VerifyResult:
            conn = self._live()
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                head = conn.execute(sql.HEAD_SQL, (self.session,)).fetchone()
                with conn.cursor(name="ttx_verify") as cur:  # server-side: a long log is walked, not loaded
                    cur.itersize = 2000
                    cur.execute(f"SELECT {sql.COLUMNS} FROM ttx_events WHERE session = %s ORDER BY seq",
                                (self.session,))
                    return verify_chain(cur, None if head is None else int(head[0]),
                                        None if head is None else str(head[1]))

        return self._guard("verify", walk)

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[PgWriteTx]:
        """One write transaction holding the session's lock, in libpq's pipeline mode with BEGIN and COMMIT sent as
        statements (psycopg's own transaction would wait for each): the BEGIN and the lock go with the first read
        of the block, and the block's writes with the COMMIT, so a command costs two round trips."""
        with self._lock:
            if self._tx is not None:
                raise StoreError(f"{self.shown}: already inside write(); use its WriteTx")
            self._ready_to_append()
            conn = self._guard("write", self._live)
            psycopg = psycopg_module()
            tx: PgWriteTx | None = None
            try:
                with conn.pipeline():
                    conn.execute("BEGIN")
                    conn.execute(sql.LOCK_SQL, (sql.LOCK_CLASS, self.session))
                    tx = self._tx = PgWriteTx(self, conn)
                    yield tx  # a block that raises leaves the transaction open: ended below, after the sync
                    conn.execute("COMMIT")  # sent with the pipeline's closing sync; a refusal fails it
                    if tx.appended:
                        conn.execute(sql.RING_SQL, (self.session, self.channel))
            except psycopg.Error as exc:
                raise self._failure("write", exc) from None
            finally:
                if tx is not None:
                    tx._open = False
                self._tx = None
                self._end_failed_transaction(conn)

    def _end_failed_transaction(self, conn: Any) -> None:
        """A block that raised (a command refused, an error of the server's, which then skipped to the sync) leaves
        its transaction open or failed: ended here, so the lock goes and the next write begins afresh."""
        psycopg = psycopg_module()
        if conn.closed or conn.broken:
            return
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            with suppress(psycopg.Error):
                conn.execute("ROLLBACK")

    def append(self, events: list[dict[str, Any]]) -> list[StoredEvent]:
        """One command's events, appended on whatever the log holds now: one CALL of the server's procedure (the
        append function takes the lock and chains; then its COMMIT, then the ring), one statement, one round trip."""
        if not events:
            return []
        with self._lock:
            if self._tx is not None:
                raise StoreError(f"{self.shown}: already inside write(); use its WriteTx")
            wall = self.wall()
            given = [(etype, version, wall, text) for etype, version, text in map(encode_event, events)]
            self._ready_to_append()
            params = (self.session, self.channel, *row_columns(given))
            # In autocommit, a CALL that fails leaves no transaction open: nothing to end here.
            row = self._guard("append", lambda: self._live().execute(sql.APPEND_RING_SQL, params).fetchone())
            answer = list(zip(*row, strict=True)) if row is not None and row[0] is not None else []
            return [to_event(row) for row in stored_rows(given, answer, self.shown)]

    def append_verbatim(self, stored: list[StoredEvent]) -> list[StoredEvent]:
        with self.write() as tx:
            return tx.append_verbatim(stored)

    def wall(self) -> str:
        """The store's time for the rows of one append."""
        return format_wall(self._clock())

    def _ready_to_append(self) -> None:
        if not self._schema_ok:
            self._guard("prepare to write", self._ensure_tables)

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as tx:
            tx.set_meta(key, value)

    # -- side data ----------------------------------------------------------------------------
    def side(self, kind: str) -> dict[str, SideEntry]:
        rows = self._guard("read side data", lambda: self._live().execute(
            "SELECT key, value, updated FROM ttx_side WHERE session = %s AND kind = %s",
            (self.session, kind)).fetchall())
        return {str(k): SideEntry(str(v), str(u)) for k, v, u in rows}

    def set_side(self, kind: str, key: str, value: str | None) -> None:
        """One side entry set (None: removed) in a short transaction that does not wait for the disk."""
        for name, text in (("kind", kind), ("key", key), ("value", "" if value is None else value)):
            if not isinstance(text, str):
                raise StoreError(f"side data: the {name} must be text, got {type(text).__name__}")
        if len(key.encode("utf-8", "surrogatepass")) > 1024 or len(kind) > 64:
            raise StoreError(f"side data: kind or key too long ({kind[:64]!r})")
        if value is not None and len(value.encode("utf-8", "surrogatepass")) > MAX_SIDE_BYTES:
            raise StoreError(f"side data: a value of over {MAX_SIDE_BYTES:,} bytes is not kept")
        wall = format_wall(self._clock())
        with self._guard_tx("write side data") as conn:
            def put() -> None:
                conn.execute("SET LOCAL synchronous_commit = off")
                if value is None:
                    conn.execute("DELETE FROM ttx_side WHERE session = %s AND kind = %s AND key = %s",
                                 (self.session, kind, key))
                else:
                    conn.execute("INSERT INTO ttx_side (session, kind, key, value, updated) VALUES (%s, %s, %s, %s,"
                                 " %s) ON CONFLICT (session, kind, key) DO UPDATE SET value = EXCLUDED.value,"
                                 " updated = EXCLUDED.updated", (self.session, kind, key, value, wall))

            self._guard("write side data", put)

    # -- hearing of others' events ------------------------------------------------------------
    def has_news(self, known: int) -> bool:
        """Whether the log has events past `known`: answered by the doorbell, without a query, while it listens."""
        bell = self._doorbell()
        epoch, listening, top = bell.snapshot()
        if top is not None:
            return top > known
        if bell.away():  # no query: it would wait for a server the doorbell cannot reach either
            raise StoreError(f"{self.shown}: {AWAY}")
        seq = self.last_seq()
        if listening:
            bell.settle(epoch, seq)
        return seq > known

    def wait_for_news(self, known: int, timeout: float) -> bool:
        """Block until events past `known` exist (True) or `timeout` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        bell = self._doorbell()
        bell.ready(min(timeout, 2.0))
        while True:
            try:
                if self.has_news(known):
                    return True
            except StoreError:
                pass  # the server is away: the doorbell listens again when it is back
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            bell.wait_change(min(left, 0.5))

    def _doorbell(self) -> Doorbell:
        with self._lock:
            if self._closed:
                raise StoreError(f"{self.shown}: store is closed")
            if self._bell is None:
                self._bell = Doorbell(self.location.conninfo, self.channel, connect)
            return self._bell

    # -- plumbing -----------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._closed = True
            bell, self._bell = self._bell, None
            conn, self._conn = self._conn, None
        if bell is not None:
            bell.close()
        if conn is not None:
            with suppress(Exception):  # a connection the server dropped may fail to close
                conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.shown!r})"

    def _live(self) -> Any:
        """The connection, opened again if the server dropped it (not inside a write: that one is lost)."""
        if self._closed:
            raise StoreError(f"{self.shown}: store is closed")
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            return conn
        if self._tx is not None:
            raise StoreError(f"{self.shown}: the connection to the database was lost during a write")
        bell = self._bell
        if time.monotonic() < self._retry_at or (bell is not None and bell.away()):
            raise StoreError(f"{self.shown}: {AWAY}")
        self._conn = None
        try:
            self._conn = connect(self.location.conninfo)
        except StoreError:
            raise
        except Exception as exc:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            raise StoreError(f"{self.shown}: cannot connect to the database server ({one_line(exc, first=True)})"
                             ) from None
        self._retry_at = 0.0
        return self._conn

    @contextmanager
    def _guard_tx(self, action: str) -> Iterator[Any]:
        """One transaction on the store's connection, under the store's lock; committed when the block ends."""
        with self._lock:
            conn = self._guard(action, self._live)
            psycopg = psycopg_module()
            try:
                with conn.transaction():
                    yield conn
            except psycopg.Error as exc:
                raise self._failure(action, exc) from None

    def _failure(self, action: str, exc: BaseException) -> StoreError:
        return StoreError(f"{self.shown}: {action} failed: {failure_words(psycopg_module(), exc)}")

    def _guard(self, action: str, work: Callable[[], _T]) -> _T:
        psycopg = psycopg_module()
        with self._lock:
            try:
                return work()
            except StoreError:
                raise
            except psycopg.Error as exc:
                raise self._failure(action, exc) from None
            except MemoryError:
                raise StoreError(f"{self.shown}: {action} failed: the log is too large to read into memory") from None


def _select_after(conn: Any, session: str, seq: int) -> list[StoredEvent]:
    return [to_event(row) for row in conn.execute(sql.AFTER_SQL, (session, seq))]


__all__ = ["PgWriteTx", "PostgresStore", "connect"]
