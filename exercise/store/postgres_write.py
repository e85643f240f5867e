"""Writing a PostgreSQL session: every append is one call of the server's append function (postgres_schema.py),
which takes the session's lock, checks the head, chains, inserts and moves the head record; after the commit the
ring function rings the doorbell in a transaction of its own.

Round trips, which are most of an append's time and all of the time the session's lock is held:
- a lone append (`PostgresStore.append`): one CALL of the append procedure: the append, its COMMIT, then the ring: one
  statement, one round trip;
- a command checked against the latest log (`write()`, `read_after`, `append`, as live.py gives every command), in
  libpq's pipeline mode with BEGIN and COMMIT sent as statements: BEGIN, the lock, the last row and the events
  after ours go in one round trip; the client then chains its rows onto that last row itself, and the append, COMMIT
  and the ring go in the second. The server computes every hash again and stores nothing unless each is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from exercise.store import postgres_schema as sql
from exercise.store.base import StoredEvent, StoreError
from exercise.store.chain import GENESIS_HASH, Row, canonical_json, chain_hash, encode_event

if TYPE_CHECKING:
    from exercise.store.postgres import PostgresStore


def new_rows(events: list[dict[str, Any]], wall: str, seq: int, prev: str) -> list[Row]:
    """The rows of `events` chained onto (seq, prev), all stamped `wall`: what the server will compute too."""
    out: list[Row] = []
    for etype, version, text in (encode_event(event) for event in events):
        seq += 1
        digest = chain_hash(prev, seq, wall, text)
        out.append((seq, etype, version, wall, text, prev, digest))
        prev = digest
    return out


def row_columns(rows: Sequence[tuple[str, int, str, str]]) -> tuple[list[str], list[int], list[str], list[str]]:
    """Rows of (type, v, wall, payload) as the four arrays the append function and procedure take."""
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]


def append_params(session: str, rows: Sequence[tuple[str, int, str, str]], hashes: list[str] | None
                  ) -> tuple[Any, ...]:
    """The arguments of the append function for rows of (type, v, wall, payload) and, when the client chained
    them itself, their hashes."""
    return (session, *row_columns(rows), hashes)


def stored_rows(given: Sequence[tuple[str, int, str, str]], answer: list[Any], where: str) -> list[Row]:
    """The server's answer (seq, prev, hash per row) joined to what was sent; each hash checked against chain.py's,
    so a server that hashed otherwise is said, not trusted."""
    if len(answer) != len(given):
        raise StoreError(f"{where}: the database stored {len(answer)} rows of {len(given)}; run tabletop verify")
    out: list[Row] = []
    for (etype, version, wall, text), (seq, prev, digest) in zip(given, answer, strict=True):
        if chain_hash(str(prev), int(seq), wall, text) != digest:
            raise StoreError(f"{where}: the database hashed event {seq} otherwise than tabletop does; run tabletop "
                             "verify")
        out.append((int(seq), etype, version, wall, text, str(prev), str(digest)))
    return out


class PgWriteTx:
    """Handle on one open write transaction holding the session's advisory lock."""

    def __init__(self, store: PostgresStore, conn: Any) -> None:
        self._store = store
        self._conn = conn
        self._open = True
        self._head: tuple[int, str] | None = None  # the last row, read under the lock: new rows chain onto it
        self.appended = False  # the doorbell rings after the commit

    def read_after(self, seq: int) -> list[StoredEvent]:
        """The events after `seq`, read under the session's lock (with the last row, for the append to chain onto):
        one round trip with the BEGIN and the lock queued before it."""
        self._check_open()
        store = self._store

        def read() -> list[StoredEvent]:
            last = self._conn.execute(sql.LAST_SQL, (store.session,))
            after = self._conn.execute(sql.AFTER_SQL, (store.session, seq))
            rows = after.fetchall()
            found = last.fetchone()
            self._head = (int(found[0]), str(found[1])) if found else (0, GENESIS_HASH)
            return [to_event(row) for row in rows]

        return store._guard("read", read)

    def append(self, events: list[dict[str, Any]]) -> list[StoredEvent]:
        self._check_open()
        if not events:
            return []
        wall = self._store.wall()
        if self._head is None:  # nothing read yet: the server chains, and says what it stored
            given = [(etype, version, wall, text) for etype, version, text in map(encode_event, events)]
            return self._call(given, None, wait=True)
        rows = new_rows(events, wall, *self._head)
        return self._call([(r[1], r[2], r[3], r[4]) for r in rows], [r[6] for r in rows], wait=False, rows=rows)

    def append_verbatim(self, stored: list[StoredEvent]) -> list[StoredEvent]:
        """Rows of another store, as they were (wall times, hashes): `tabletop copy`. Each must chain onto the
        one before and hash as it says, or nothing is written."""
        self._check_open()
        if not stored:
            return []
        # The server chains them onto its last row and compares: a row copied out of order, or onto another log,
        # hashes otherwise (the hash covers seq and the previous hash) and nothing is stored.
        given = [(event.type, event.v, event.wall, canonical_json(event.payload)) for event in stored]
        done = self._call(given, [event.hash for event in stored], wait=True)
        if [e.seq for e in done] != [e.seq for e in stored]:
            raise StoreError(f"{self._store.shown}: the copied events were stored under other numbers")
        return done

    def _call(self, given: list[tuple[str, int, str, str]], hashes: list[str] | None, *, wait: bool,
              rows: list[Row] | None = None) -> list[StoredEvent]:
        """One call of the append function. `wait`: read its answer now (a round trip); otherwise it goes with the
        COMMIT, and a refusal (the log moved without the lock, a hash otherwise) fails the commit."""
        store = self._store
        params = append_params(store.session, given, hashes)

        def call() -> list[Row]:
            cursor = self._conn.execute(sql.APPEND_SQL, params)
            if not wait and rows is not None:
                return rows
            return stored_rows(given, cursor.fetchall(), store.shown)

        done = store._guard("append", call)
        self._head = (done[-1][0], done[-1][6])
        self.appended = True
        return [to_event(row) for row in done]

    def set_meta(self, key: str, value: str) -> None:
        self._check_open()
        check_meta_item(key, value)
        self._store._guard("set meta", lambda: put_meta(self._conn, self._store.session, {key: value}))

    def _check_open(self) -> None:
        if not self._open:
            raise StoreError(f"{self._store.shown}: write transaction already finished")


def check_meta_item(key: Any, value: Any) -> None:
    if not isinstance(key, str) or not isinstance(value, str):
        raise StoreError(f"meta keys and values must be strings, got {key!r}: {value!r}")
    if key.startswith("store."):
        raise StoreError(f"meta key {key!r} is reserved for the store")


def put_meta(conn: Any, session: str, items: dict[str, str]) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO ttx_meta (session, key, value) VALUES (%s, %s, %s) ON CONFLICT (session, key)"
                        " DO UPDATE SET value = EXCLUDED.value", [(session, k, v) for k, v in items.items()])


def to_event(row: Any) -> StoredEvent:
    import json

    seq, etype, version, wall, text, _prev, digest = row
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise StoreError(f"the payload of event {seq} is not valid JSON") from None
    if not isinstance(payload, dict):
        raise StoreError(f"the payload of event {seq} is not a JSON object")
    return StoredEvent(int(seq), str(etype), int(version), str(wall), payload, str(digest))
