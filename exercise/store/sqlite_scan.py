"""One streaming read of a session file's log: the rows in order a batch at a time, in one read transaction, with
the head record of the same snapshot.

Why a scan rather than `read()`: a reader that writes as it goes (`tabletop log --json`, `export`) then holds
one batch of rows, never the log (a million events read whole took 1.6 GB); and a reader that needs every row
anyway (opening a session for a report) checks the hash chain on the rows it is given (`chain.ChainWalk`)
instead of reading the log a second time to verify it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Protocol, TypeVar

from exercise.store import sqlite_file as fmt
from exercise.store.chain import Row
from exercise.store.sqlite_access import CACHE_KIB

SCAN_CACHE_KIB = 1024

_T = TypeVar("_T")


@contextmanager
def small_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A small page cache for a read that walks the whole table once (a scan, a lookup by type): each page is read
    once, in order, and a cache the size of the usual one would only make a long log's reader grow by it (16 MB
    of the 17 a streaming export grew from 1,000 to 100,000 events)."""
    conn.execute(f"PRAGMA cache_size = -{SCAN_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


class Guard(Protocol):
    """`EventStore._guard`: runs work under the store's lock, its sqlite3 errors turned into one StoreError line."""

    def __call__(self, action: str, work: Callable[[], _T]) -> _T: ...


class LogScan:
    """`with store.scan() as scan: for row in scan: ...`, then `scan.head` is the head record (seq, hash) read in
    the same snapshot as the rows (None where the file has none).

    Rows are checked for the types the store writes (a crafted value is refused as `read()` refuses it) and
    handed out raw, so a caller decodes each payload once, however it needs it. The store's lock is held from
    `with` to its end: the connection is this scan's until then, so no other thread's write can interleave with
    its read transaction.
    """

    def __init__(self, guard: Guard, conn: sqlite3.Connection, lock: threading.RLock, after: int) -> None:
        self._guard = guard
        self._conn = conn
        self._lock = lock
        self._after = after
        self._open = False
        self.head: tuple[int | None, str | None] = (None, None)

    def __enter__(self) -> LogScan:
        self._lock.acquire()
        try:
            conn = self._conn
            self._guard("read", lambda: conn.execute(f"PRAGMA cache_size = -{SCAN_CACHE_KIB}"))  # see small_cache
            self._guard("read", lambda: conn.execute("BEGIN"))
            self._open = True
            head = self._guard("read", lambda: fmt.read_head_record(conn))
            seq = head.get(fmt.HEAD_SEQ)
            self.head = (int(seq) if seq is not None and seq.isdigit() else None, head.get(fmt.HEAD_HASH))
        except BaseException:
            self._end()
            raise
        return self

    def __iter__(self) -> Iterator[Row]:
        if not self._open:
            raise RuntimeError("LogScan is read inside `with store.scan() as scan:`")
        conn, after, guard = self._conn, self._after, self._guard
        sql = f"SELECT {fmt.COLUMNS} FROM events WHERE seq > ? ORDER BY seq"
        cursor = guard("read", lambda: conn.execute(sql, (after,)))
        while True:
            batch = guard("read", lambda: [fmt.check_types(r) for r in cursor.fetchmany(fmt.SCAN_BATCH)])
            if not batch:
                return
            yield from batch

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._end()

    def _end(self) -> None:
        try:
            if self._open and self._conn.in_transaction:
                self._open = False
                self._guard("read", lambda: self._conn.execute("COMMIT"))
        finally:
            self._open = False
            try:
                self._guard("read", lambda: self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}"))
            finally:
                self._lock.release()
