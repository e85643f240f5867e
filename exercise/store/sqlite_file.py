"""The session file format: how a tabletop SQLite file is recognised, set up and read at the row level.

Split from `sqlite.py` so the format (header ids, schema, head record) can be read in one place.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from exercise.store.base import SideEntry, StoredEvent, StoreError
from exercise.store.chain import GENESIS_HASH, Row
from exercise.store.sqlite_access import CACHE_KIB, one_line

APPLICATION_ID = 0x74747831  # "ttx1" in the SQLite header: tells a session file from any other database
SCHEMA_VERSION = 2  # PRAGMA user_version; bump with a migration when the tables change
# 1: events, meta, sources. 2: + side (presence, unsent drafts, each console's place): beside the log, outside
# the hash chain, added to a version-1 file when it is opened for writing (`migrate`).
# The head record lives in `meta` under a reserved prefix; it is hidden from `EventStore.meta`.
RESERVED_PREFIX = "store."
HEAD_SEQ = RESERVED_PREFIX + "head_seq"
HEAD_HASH = RESERVED_PREFIX + "head_hash"
COLUMNS = "seq, type, v, wall, payload, prev_hash, hash"
SCAN_BATCH = 1000  # rows fetched at a time by a streaming read: a few hundred KB

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, v INTEGER NOT NULL,"
    " wall TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, text TEXT)",
    "CREATE TABLE IF NOT EXISTS side (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " updated TEXT NOT NULL, PRIMARY KEY (kind, key))",
)
_SIDE = _SCHEMA[3]


class BadRow(Exception):
    """A stored row the store would never have written (wrong types, not JSON); the store adds the file's name."""


def _same_sql(sql: object) -> str | None:
    return " ".join(sql.split()) if isinstance(sql, str) else None


def _objects(schema: tuple[str, ...]) -> dict[tuple[str, str], str | None]:
    tables = {("table", sql.split()[5]): _same_sql(sql.replace(" IF NOT EXISTS", "")) for sql in schema}
    # Each table but events (whose INTEGER PRIMARY KEY is the rowid) has the index SQLite makes for its key.
    keys = {("index", f"sqlite_autoindex_{name}_1"): None for _, name in tables if name != "events"}
    return {**tables, **keys}


# Every object of a file of each version, as sqlite_master records it (SQLite drops the IF NOT EXISTS):
# anything else was put there by another tool, and a trigger would run on our own writes.
_OBJECTS_OF = {1: _objects(_SCHEMA[:3]), 2: _objects(_SCHEMA)}


def check_header(path: Path, conn: sqlite3.Connection, *, allow_empty: bool) -> int:
    """Refuse anything but a tabletop session of a schema we understand (or, for `create`, an empty file);
    the file's schema version (0 for an empty file)."""
    try:
        # First: reading the schema applied the cache size the file suggests, which a crafted file sets huge.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = {(str(t), str(n)): sql for t, n, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a tabletop session file ({one_line(exc)})") from None
    tables = {name for kind, name in objects if kind == "table"}
    if app_id == 0 and not objects and allow_empty:
        return 0  # brand new or empty file: `initialise` sets it up
    if app_id != APPLICATION_ID:
        if app_id or objects:
            what = "an SQLite database of another program"
        else:
            what = "an empty file" if path.stat().st_size == 0 else "an empty SQLite database"
        raise StoreError(f"{path}: not a tabletop session file ({what})")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer tabletop (schema {version}; this version reads up to {SCHEMA_VERSION})"
        )
    known = _OBJECTS_OF.get(version)
    if known is None or not {name for kind, name in known if kind == "table"} <= tables:
        raise StoreError(f"{path}: damaged tabletop session file (schema {version}, tables {sorted(tables)})")
    for (kind, name), sql in sorted(objects.items()):
        if (kind, name) not in known:
            raise StoreError(f"{path}: refused: the file holds {kind} {name!a}, which tabletop does not create "
                             "(a session file altered by another tool)")
        if _same_sql(sql) != known[(kind, name)]:
            raise StoreError(f"{path}: refused: {kind} {name!a} is not defined as tabletop defines it "
                             "(a session file altered by another tool)")
    return int(version)


def configure(path: Path, conn: sqlite3.Connection) -> None:
    """WAL (persistent in the file) and synchronous=FULL (per connection, so on every open)."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(f"{path}: cannot use WAL mode here (journal mode stays {mode!r})")
    conn.execute("PRAGMA synchronous = FULL")


def initialise(path: Path, conn: sqlite3.Connection, meta: dict[str, str], sources: dict[str, str]) -> None:
    """Create the tables and the head record; run inside BEGIN IMMEDIATE so two creators cannot interleave."""
    check_header(path, conn, allow_empty=True)  # again, under the lock: another process may have won
    for statement in _SCHEMA:
        conn.execute(statement)
    count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    if count:
        raise StoreError(f"{path}: already holds {count} events; open it to resume, or choose a new file")
    # The header ids are set in the same transaction as the tables: a file carrying them is complete.
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute("DELETE FROM meta")
    conn.execute("DELETE FROM sources")
    conn.execute("DELETE FROM side")
    head = [(HEAD_SEQ, "0"), (HEAD_HASH, GENESIS_HASH)]
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [*meta.items(), *head])
    conn.executemany("INSERT INTO sources (path, text) VALUES (?, ?)", sources.items())


def migrate(path: Path, conn: sqlite3.Connection) -> None:
    """Bring an older file up to SCHEMA_VERSION, inside the caller's BEGIN IMMEDIATE (so two processes opening
    the same version-1 file cannot both change it). Only tables are added: the log and its chain are untouched,
    and a file that is not ours is refused first, as on every open."""
    if check_header(path, conn, allow_empty=False) < 2:
        conn.execute(_SIDE)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def select_side(conn: sqlite3.Connection, kind: str) -> dict[str, SideEntry]:
    out: dict[str, SideEntry] = {}
    for key, value, updated in conn.execute("SELECT key, value, updated FROM side WHERE kind = ?", (kind,)):
        if not all(isinstance(v, str) for v in (key, value, updated)):
            raise BadRow(f"a side entry of kind {kind!a} holds a value that is not text")
        out[key] = SideEntry(value, updated)
    return out


def write_side(conn: sqlite3.Connection, kind: str, key: str, value: str | None, wall: str) -> None:
    if value is None:
        conn.execute("DELETE FROM side WHERE kind = ? AND key = ?", (kind, key))
    else:
        conn.execute("INSERT OR REPLACE INTO side (kind, key, value, updated) VALUES (?, ?, ?, ?)",
                     (kind, key, value, wall))


def select_after(conn: sqlite3.Connection, seq: int) -> list[StoredEvent]:
    cursor = conn.execute(f"SELECT {COLUMNS} FROM events WHERE seq > ? ORDER BY seq", (seq,))
    return [to_event(row) for row in cursor]


def select_types(conn: sqlite3.Connection, types: tuple[str, ...]) -> list[StoredEvent]:
    marks = ", ".join("?" * len(types))
    cursor = conn.execute(f"SELECT {COLUMNS} FROM events WHERE type IN ({marks}) ORDER BY seq", types)
    return [to_event(row) for row in cursor]


def check_types(row: Row) -> Row:
    """The row, refused when a value is not of the type the store writes (a crafted file may hold any SQLite
    value in any column: a BLOB would otherwise reach a JSON parser as bytes)."""
    seq, etype, version, wall, text, _prev, digest = row
    if type(etype) is not str or type(wall) is not str or type(text) is not str or type(digest) is not str \
            or type(version) is not int:
        raise BadRow(f"event {seq} holds a value of the wrong type")
    return row


def to_event(row: Row) -> StoredEvent:
    """A row as the store hands it out, refusing one whose values the store would never have written."""
    seq, etype, version, wall, text, _prev, digest = check_types(row)
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRow(f"the payload of event {seq} is not valid JSON") from None
    if not isinstance(payload, dict):
        raise BadRow(f"the payload of event {seq} is not a JSON object")
    return StoredEvent(seq, etype, version, wall, payload, digest)


def read_sources(conn: sqlite3.Connection) -> dict[str, str]:
    sources: dict[str, str] = {}
    for name, text in conn.execute("SELECT path, text FROM sources"):
        if not isinstance(name, str) or not isinstance(text, str | None):
            raise BadRow("the stored scenario copy holds a file name or a file that is not text")
        sources[name] = text or ""
    return sources


def read_head_record(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (HEAD_SEQ, HEAD_HASH))
    return {str(k): str(v) for k, v in rows}


def current_head(path: Path, conn: sqlite3.Connection) -> tuple[int, str]:
    """Last (seq, hash) to chain onto, refusing to write past a damaged end.

    Appending after deleted trailing rows would move the head over the hole and erase the evidence, so a
    head record that disagrees with the last row stops every write until someone looks (`tabletop verify`).
    """
    last_seq, last_hash, head_seq, head_hash = conn.execute(_HEAD_SQL, (HEAD_SEQ, HEAD_HASH)).fetchone()
    seq, digest = (int(last_seq), str(last_hash)) if last_seq is not None else (0, GENESIS_HASH)
    if (head_seq or "0") != str(seq) or (head_hash or GENESIS_HASH) != digest:
        raise StoreError(f"{path}: damaged log: head says {head_seq} events, {seq} present; run tabletop verify")
    return seq, digest


# One statement, because it runs in every write transaction: the last row and the head record side by side.
_HEAD_SQL = (
    "SELECT (SELECT seq FROM events ORDER BY seq DESC LIMIT 1), (SELECT hash FROM events ORDER BY seq DESC LIMIT 1),"
    " (SELECT value FROM meta WHERE key = ?1), (SELECT value FROM meta WHERE key = ?2)"
)
