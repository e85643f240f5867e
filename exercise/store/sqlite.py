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

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from exercise.store import sqlite_access as access
from exercise.store import sqlite_file as fmt
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
from exercise.store.chain import Row, chain_hash, encode_event, verbatim_rows, verify_chain
from exercise.store.sqlite_access import BUSY_TIMEOUT_MS
from exercise.store.sqlite_file import APPLICATION_ID, SCHEMA_VERSION
from exercise.store.sqlite_scan import LogScan, small_cache

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "EventStore", "WriteTx"]

_T = TypeVar("_T")
WAIT_STEP_S = 0.05  # how often `wait_for_news` looks: a primary-key probe costs microseconds


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

    def append_verbatim(self, stored: list[StoredEvent]) -> list[StoredEvent]:
        """Rows of another store as they were (wall times, hashes), for `tabletop copy`: each must chain onto the
        one before and hash as it says, or nothing is written."""
        self._check_open()
        path = self._store.path

        def insert() -> list[StoredEvent]:
            seq, prev = fmt.current_head(path, self._conn)
            rows = verbatim_rows(stored, seq, prev, str(path))
            if not rows:
                return []
            self._conn.executemany(f"INSERT INTO events ({fmt.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            head = (fmt.HEAD_SEQ, str(rows[-1][0]), fmt.HEAD_HASH, rows[-1][6])
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

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Clock | None, read_only: str | None = None) -> None:
        """Use `create` or `open`; this only wraps a connection."""
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self._clock: Clock = clock or utc_now
        self._read_only = read_only
        # One connection may be shared by a UI's worker threads; the lock serialises them, and is
        # re-entrant so reads inside `write()` on the same thread see the open transaction.
        self._lock = threading.RLock()
        self._tx: WriteTx | None = None
        self._version = SCHEMA_VERSION  # the file's schema version: an older one has no side table until migrated

    @classmethod
    def create(
        cls, path: str | Path, *, meta: dict[str, str], sources: dict[str, str], clock: Clock | None = None
    ) -> EventStore:
        """A new session file (mode 0600, in folders made 0700); an existing tabletop file is reused only while
        it holds no events, and keeps its mode."""
        path = Path(path)
        for key, value in meta.items():
            _check_meta_item(key, value)
        for src, text in sources.items():
            if not isinstance(src, str) or not isinstance(text, str):
                raise StoreError(f"{path}: sources must map path strings to text, got {src!r}")
            if len(text.encode("utf-8", "surrogatepass")) > MAX_VALUE_BYTES:
                raise StoreError(f"{path}: scenario file {src} is over {MAX_VALUE_BYTES:,} bytes")
        if access.lstat_session(path) is None:
            access.create_private(path)
        st = access.lstat_session(path)  # again: refuses a link planted in its place meanwhile
        if st is None:
            raise StoreError(f"{path}: the file vanished while it was being created; try again")
        conn, _ = access.open_existing(path, st, write=True)
        store = cls(path, conn, clock)
        try:
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
    def open(cls, path: str | Path, *, clock: Clock | None = None, write: bool | None = None) -> EventStore:
        """An existing session file, refused unless it is a tabletop session of a known schema.

        write=True: the caller will append, so a read-only file is refused now, in one plain line.
        write=False: the caller only reads; `write()` is refused. None (the default): read-write when the
        file can be written, else read-only (on read-only media too), with `read_only` saying why.
        """
        path = Path(path)
        st = access.lstat_session(path)
        if st is None:
            raise StoreError(f"{path}: no such session file")
        conn, read_only = access.open_existing(path, st, write)
        store = cls(path, conn, clock, read_only)
        try:
            store._version = store._guard("open", lambda: fmt.check_header(path, conn, allow_empty=False))
            if read_only is None:
                store._guard("open", lambda: fmt.configure(path, conn))
            if write and store._version < SCHEMA_VERSION:
                store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def read_only(self) -> str | None:
        """Why this store refuses writes (e.g. "it is on a read-only file system"), or None when it takes them."""
        return self._read_only

    def privacy_note(self) -> str | None:
        """A warning when users other than the file's owner may open it (tabletop never changes an existing
        file's mode behind its owner's back), or None."""
        return access.privacy_note(self.path)

    @property
    def meta(self) -> dict[str, str]:
        rows = self._guard("read meta", lambda: self._live().execute("SELECT key, value FROM meta").fetchall())
        return {str(k): "" if v is None else str(v) for k, v in rows if not str(k).startswith(fmt.RESERVED_PREFIX)}

    @property
    def sources(self) -> dict[str, str]:
        """The scenario's files as stored at the start, by the path they were included under: only ever text
        in memory, never paths to read or write (a crafted file may name any path here)."""
        return self._guard("read sources", lambda: fmt.read_sources(self._live()))

    def last_seq(self) -> int:
        """Highest committed seq, 0 when empty: one probe of the primary key, cheap enough to poll."""
        sql = "SELECT seq FROM events ORDER BY seq DESC LIMIT 1"
        row = self._guard("read", lambda: self._live().execute(sql).fetchone())
        return int(row[0]) if row else 0

    def read(self, after: int = 0) -> list[StoredEvent]:
        return self._guard("read", lambda: fmt.select_after(self._live(), after))

    def read_types(self, *types: str) -> list[StoredEvent]:
        """Only the events of these types, in order: a summary of a long log without decoding all of it."""
        def select() -> list[StoredEvent]:
            conn = self._live()
            with small_cache(conn):
                return fmt.select_types(conn, types)

        return self._guard("read", select)

    def scan(self, after: int = 0) -> LogScan:
        """The rows after `after`, raw and in order, a batch at a time in one read transaction, with the head
        record of the same snapshot: `with store.scan() as scan: for row in scan: ...` (see `LogScan`)."""
        return LogScan(self._guard, self._live(), self._lock, after)

    def scan_events(self, after: int = 0) -> Iterator[StoredEvent]:
        """What `read(after)` returns, one event at a time: a reader that writes as it goes holds one batch."""
        with self.scan(after) as rows:
            for row in rows:
                yield self.stored(row)

    def stored(self, row: Row) -> StoredEvent:
        """A scanned row as `read` hands it out, its payload decoded, or refused in the words `read` uses."""
        return self._guard("read", partial(fmt.to_event, row))

    def verify(self, chain: VerifyResult | None = None) -> VerifyResult:
        """SQLite's own check of the file's structure, then the hash chain (which it reports even on a damaged
        file, as far as the rows can still be read). `chain`: the chain as a reader already walked it on the rows
        it read (`chain.ChainWalk` over a `scan`), so only the file's structure is checked again."""
        damage = self._guard("check the file", self._damage)
        if chain is not None:
            if damage is None:
                return chain
            return VerifyResult(False, chain.events, chain.first_bad_seq,
                                f"the file is damaged ({damage}); {chain.message}", damage)

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

        if damage is None:
            return self._guard("verify", walk)
        try:
            chain = self._guard("verify", walk)
        except StoreError:
            return VerifyResult(False, 0, None, f"the file is damaged ({damage}); its log cannot be read", damage)
        return VerifyResult(False, chain.events, chain.first_bad_seq,
                            f"the file is damaged ({damage}); {chain.message}", damage)

    def _damage(self) -> str | None:
        """The first problem SQLite's integrity check finds, or None.

        integrity_check rather than quick_check: it also compares each index with its table (the unique path of
        `sources`, the key of `meta`), and it is cheap beside the chain walk that follows. Measured on a
        100,000-event file (51 MB): integrity_check 0.12 s, quick_check 0.14 s, the chain walk 1.1 s.
        """
        conn = self._live()
        with small_cache(conn):  # it reads every page once
            rows = conn.execute("PRAGMA integrity_check(1)").fetchall()
        first = str(rows[0][0]) if rows else "no answer"
        return None if first == "ok" else " ".join(first.encode("ascii", "backslashreplace").decode().split())

    @contextmanager
    def write(self) -> Iterator[WriteTx]:
        """BEGIN IMMEDIATE ... COMMIT; ROLLBACK if the block raises (the exception propagates)."""
        with self._lock:
            conn = self._live()
            if self._read_only is not None:
                raise StoreError(access.read_only_message(self.path, self._read_only))
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

    def append_verbatim(self, stored: list[StoredEvent]) -> list[StoredEvent]:
        with self.write() as tx:
            return tx.append_verbatim(stored)

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as tx:
            tx.set_meta(key, value)

    # -- hearing of others' events: the cheap check, one probe of the primary key -----------------
    def has_news(self, known: int) -> bool:
        return self.last_seq() != known

    def wait_for_news(self, known: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.has_news(known):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, WAIT_STEP_S))
        return True

    @property
    def location(self) -> Path:
        return self.path

    @property
    def shown(self) -> str:
        return str(self.path)

    # -- side data: beside the log, never in its chain -------------------------------------------
    def side(self, kind: str) -> dict[str, SideEntry]:
        """Every side entry of one kind (e.g. "presence"), by key; none in a file of an older schema."""
        if self._version < 2:
            return {}
        return self._guard("read side data", lambda: fmt.select_side(self._live(), kind))

    def set_side(self, kind: str, key: str, value: str | None) -> None:
        """Set (or, with None, remove) one side entry, in a short transaction of its own.

        Side data is what consoles are doing now (a heartbeat every few seconds, a draft as it is typed), so
        its commit does not wait for the disk (synchronous=NORMAL, for this write only): it survives a killed
        process, and a power cut may lose the last second of it, never an event. The next event's commit
        syncs it along with the log. The write lock is held only for the one row.
        """
        for name, text in (("kind", kind), ("key", key), ("value", "" if value is None else value)):
            if not isinstance(text, str):
                raise StoreError(f"side data: the {name} must be text, got {type(text).__name__}")
        if len(key.encode("utf-8", "surrogatepass")) > 1024 or len(kind) > 64:
            raise StoreError(f"side data: kind or key too long ({kind[:64]!r})")
        if value is not None and len(value.encode("utf-8", "surrogatepass")) > MAX_SIDE_BYTES:
            raise StoreError(f"side data: a value of over {MAX_SIDE_BYTES:,} bytes is not kept")
        wall = format_wall(self._clock())
        with self._lock:
            conn = self._live()
            if self._read_only is not None:
                raise StoreError(access.read_only_message(self.path, self._read_only))
            self._guard("write side data", lambda: conn.execute("PRAGMA synchronous = NORMAL"))
            try:
                with self.write():
                    if self._version < SCHEMA_VERSION:
                        self._guard("write side data", lambda: fmt.migrate(self.path, conn))
                        self._version = SCHEMA_VERSION
                    self._guard("write side data", lambda: fmt.write_side(conn, kind, key, value, wall))
            finally:
                self._guard("write side data", lambda: conn.execute("PRAGMA synchronous = FULL"))

    def _migrate(self) -> None:
        with self.write():
            self._guard("update the file's schema", lambda: fmt.migrate(self.path, self._live()))
        self._version = SCHEMA_VERSION

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                try:
                    conn.close()
                except sqlite3.Error as exc:
                    raise StoreError(f"{self.path}: close failed: {access.one_line(exc)}") from None

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
                name = getattr(exc, "sqlite_errorname", "")
                if name.startswith("SQLITE_READONLY"):
                    raise StoreError(access.read_only_message(self.path, "SQLite may not write to it")) from None
                if "locked" in str(exc) or "busy" in str(exc):
                    seconds = BUSY_TIMEOUT_MS // 1000
                    raise StoreError(
                        f"{self.path}: {action} failed: file busy in another process for {seconds} s"
                    ) from None
                raise StoreError(f"{self.path}: {action} failed: {access.one_line(exc)}") from None
            except sqlite3.DataError as exc:  # SQLITE_TOOBIG: a crafted row longer than the store ever writes
                raise StoreError(f"{self.path}: {action} failed: a stored value is too long ({access.one_line(exc)}"
                                 f"; the store keeps values of at most {MAX_VALUE_BYTES:,} bytes)") from None
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {action} failed: {access.one_line(exc)}") from None
            except fmt.BadRow as exc:
                raise StoreError(f"{self.path}: {action} failed: {exc}") from None
            except MemoryError:
                raise StoreError(f"{self.path}: {action} failed: the log is too large to read into memory") from None
