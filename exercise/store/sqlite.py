"""The SQLite event store: one file per session, safe for several writing processes.

Why the settings:
- WAL lets team terminals poll `last_seq` while another process writes, without blocking either.
- synchronous=FULL fsyncs the WAL at every commit, so an event is on disk before `append` returns.
- Every write runs in BEGIN IMMEDIATE: the write lock is taken before anything is read, so a caller that
  checks its command against the latest events (`WriteTx.read_after`) cannot be overtaken by another
  process between the check and the insert. A deferred transaction that reads and then writes either
  fails with SQLITE_BUSY or decides on a stale view.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from exercise.store import sqlite_file as fmt
from exercise.store.base import Clock, StoredEvent, StoreError, VerifyResult, format_wall, utc_now
from exercise.store.chain import Row, chain_hash, encode_event, verify_chain
from exercise.store.sqlite_file import APPLICATION_ID, BUSY_TIMEOUT_MS, SCHEMA_VERSION

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "EventStore", "WriteTx"]

_T = TypeVar("_T")


class WriteTx:
    """Handle on one open BEGIN IMMEDIATE transaction; only valid inside `with store.write() as tx`."""

    def __init__(self, store: EventStore, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn
        self._open = True

    def read_after(self, seq: int) -> list[StoredEvent]:
        """Everything committed after `seq`, by any process, as seen under the write lock."""
        self._check_open()
        return self._store._guard("read", lambda: fmt.select_after(self._conn, seq))

    def append(self, events: list[dict[str, Any]]) -> list[StoredEvent]:
        """Add events at the end of the log; they are durable once the `with` block commits."""
        self._check_open()
        encoded = [encode_event(event) for event in events]
        if not encoded:
            return []
        wall = format_wall(self._store._clock())  # one command, one moment: all its events share it
        path = self._store.path

        def insert() -> list[StoredEvent]:
            seq, prev = fmt.current_head(path, self._conn)
            rows: list[Row] = []
            for etype, version, text in encoded:
                seq += 1
                digest = chain_hash(prev, seq, wall, text)
                rows.append((seq, etype, version, wall, text, prev, digest))
                prev = digest
            self._conn.executemany(f"INSERT INTO events ({fmt.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            head = (fmt.HEAD_SEQ, str(seq), fmt.HEAD_HASH, prev)
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?), (?, ?)", head)
            return [fmt.to_event(row) for row in rows]

        return self._store._guard("append", insert)

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta entry in this transaction (e.g. a status change atomic with its event)."""
        self._check_open()
        _check_meta_item(key, value)
        sql = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
        self._store._guard("set meta", lambda: self._conn.execute(sql, (key, value)))

    def _check_open(self) -> None:
        if not self._open:
            raise StoreError(f"{self._store.path}: write transaction already finished")


def _check_meta_item(key: Any, value: Any) -> None:
    if not isinstance(key, str) or not isinstance(value, str):
        raise StoreError(f"meta keys and values must be strings, got {key!r}: {value!r}")
    if key.startswith(fmt.RESERVED_PREFIX):
        raise StoreError(f"meta key {key!r} is reserved for the store")


class EventStore:
    """Append-only, hash-chained event log of one session, in one SQLite file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Clock | None) -> None:
        """Use `create` or `open`; this only wraps a connection."""
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self._clock: Clock = clock or utc_now
        # One connection may be shared by a UI's worker threads; the lock serialises them, and is
        # re-entrant so reads inside `write()` on the same thread see the open transaction.
        self._lock = threading.RLock()
        self._tx: WriteTx | None = None

    @classmethod
    def create(
        cls, path: str | Path, *, meta: dict[str, str], sources: dict[str, str], clock: Clock | None = None
    ) -> EventStore:
        """A new session file; an existing tabletop file is reused only while it holds no events."""
        path = Path(path)
        for key, value in meta.items():
            _check_meta_item(key, value)
        for src, text in sources.items():
            if not isinstance(src, str) or not isinstance(text, str):
                raise StoreError(f"{path}: sources must map path strings to text, got {src!r}")
        if path.exists() and not path.is_file():
            raise StoreError(f"{path}: not a file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its directory: {fmt.one_line(exc)}") from None
        store = cls(path, fmt.connect(path, "rwc"), clock)
        try:
            conn = store._live()
            # Look before switching to WAL, so a foreign database is refused without being modified.
            store._guard("open", lambda: fmt.check_header(path, conn, allow_empty=True))
            store._guard("open", lambda: fmt.configure(path, conn))
            with store.write():
                store._guard("create", lambda: fmt.initialise(path, conn, meta, sources))
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open(cls, path: str | Path, *, clock: Clock | None = None) -> EventStore:
        """An existing session file, refused unless it is a tabletop session of a known schema."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"{path}: no such session file")
        if not path.is_file():
            raise StoreError(f"{path}: not a file")
        store = cls(path, fmt.connect(path, "rw"), clock)
        try:
            conn = store._live()
            store._guard("open", lambda: fmt.check_header(path, conn, allow_empty=False))
            store._guard("open", lambda: fmt.configure(path, conn))
        except BaseException:
            store.close()
            raise
        return store

    @property
    def meta(self) -> dict[str, str]:
        rows = self._guard("read meta", lambda: self._live().execute("SELECT key, value FROM meta").fetchall())
        return {str(k): "" if v is None else str(v) for k, v in rows if not str(k).startswith(fmt.RESERVED_PREFIX)}

    @property
    def sources(self) -> dict[str, str]:
        rows = self._guard("read sources", lambda: self._live().execute("SELECT path, text FROM sources").fetchall())
        return {str(p): "" if t is None else str(t) for p, t in rows}

    def last_seq(self) -> int:
        """Highest committed seq, 0 when empty: one probe of the primary key, cheap enough to poll."""
        sql = "SELECT seq FROM events ORDER BY seq DESC LIMIT 1"
        row = self._guard("read", lambda: self._live().execute(sql).fetchone())
        return int(row[0]) if row else 0

    def read(self, after: int = 0) -> list[StoredEvent]:
        return self._guard("read", lambda: fmt.select_after(self._live(), after))

    def read_types(self, *types: str) -> list[StoredEvent]:
        """Only the events of these types, in order: a summary of a long log without decoding all of it."""
        return self._guard("read", lambda: fmt.select_types(self._live(), types))

    def verify(self) -> VerifyResult:
        def walk() -> VerifyResult:
            conn = self._live()
            # One read transaction, so rows and head come from one snapshot even while others append.
            conn.execute("BEGIN")
            try:
                head = fmt.read_head_record(conn)
                head_seq = head.get(fmt.HEAD_SEQ)
                seq = int(head_seq) if head_seq is not None and head_seq.isdigit() else None
                rows = conn.execute(f"SELECT {fmt.COLUMNS} FROM events ORDER BY seq")
                return verify_chain(rows, seq, head.get(fmt.HEAD_HASH))
            finally:
                conn.execute("COMMIT")

        return self._guard("verify", walk)

    @contextmanager
    def write(self) -> Iterator[WriteTx]:
        """BEGIN IMMEDIATE ... COMMIT; ROLLBACK if the block raises (the exception propagates)."""
        with self._lock:
            conn = self._live()
            if self._tx is not None:
                raise StoreError(f"{self.path}: already inside write(); use its WriteTx")
            self._guard("begin a write", lambda: conn.execute("BEGIN IMMEDIATE"))
            tx = self._tx = WriteTx(self, conn)
            try:
                yield tx
                tx._open = False
                self._guard("commit", lambda: conn.execute("COMMIT"))
            except BaseException:
                tx._open = False
                if conn.in_transaction:  # sqlite may already have rolled back (e.g. disk full)
                    with suppress(sqlite3.Error):  # the original exception is the one worth reporting
                        conn.execute("ROLLBACK")
                raise
            finally:
                self._tx = None

    def append(self, events: list[dict[str, Any]]) -> list[StoredEvent]:
        """All `events` in one transaction: one fsync, and nobody else's events in between."""
        with self.write() as tx:
            return tx.append(events)

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as tx:
            tx.set_meta(key, value)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                try:
                    conn.close()
                except sqlite3.Error as exc:
                    raise StoreError(f"{self.path}: close failed: {fmt.one_line(exc)}") from None

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStore({str(self.path)!r})"

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: store is closed")
        return self._conn

    def _guard(self, action: str, work: Callable[[], _T]) -> _T:
        """Run `work` under the lock, turning sqlite3 errors into a one-line StoreError naming the file."""
        with self._lock:
            try:
                return work()
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    seconds = BUSY_TIMEOUT_MS // 1000
                    raise StoreError(
                        f"{self.path}: {action} failed: file busy in another process for {seconds} s"
                    ) from None
                raise StoreError(f"{self.path}: {action} failed: {fmt.one_line(exc)}") from None
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {action} failed: {fmt.one_line(exc)}") from None
            except json.JSONDecodeError:
                raise StoreError(f"{self.path}: {action} failed: a stored payload is not valid JSON") from None
