"""The tables tabletop keeps in a PostgreSQL database: every session of the database in the same five tables, a
session's rows keyed by its name (the URL's fragment).

Unqualified names, so the connection's search_path decides the schema (`?options=-csearch_path%3Dworkshops`
in the URL). The payload is stored as the exact canonical JSON text that was hashed (text, not jsonb: jsonb
reorders keys, and the chain is over the text). The head record (head_seq, head_hash) sits in the session's
row and is written in the same transaction as the rows, so rows removed from the end are noticed by `verify`.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
# One advisory lock key space for tabletop: (this, hashtext(session)) is a session's write lock; (this, 0)
# serialises the creation of the tables by two first users of an empty database.
LOCK_CLASS = 0x74747831  # "ttx1", as the SQLite file's application id

TABLES = (
    "CREATE TABLE IF NOT EXISTS ttx_sessions (session text PRIMARY KEY, schema_version integer NOT NULL,"
    " head_seq bigint NOT NULL, head_hash text NOT NULL, created text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ttx_events (session text NOT NULL, seq bigint NOT NULL, type text NOT NULL,"
    " v integer NOT NULL, wall text NOT NULL, payload text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,"
    " PRIMARY KEY (session, seq))",
    "CREATE TABLE IF NOT EXISTS ttx_meta (session text NOT NULL, key text NOT NULL, value text NOT NULL,"
    " PRIMARY KEY (session, key))",
    "CREATE TABLE IF NOT EXISTS ttx_sources (session text NOT NULL, path text NOT NULL, text text NOT NULL,"
    " PRIMARY KEY (session, path))",
    "CREATE TABLE IF NOT EXISTS ttx_side (session text NOT NULL, kind text NOT NULL, key text NOT NULL,"
    " value text NOT NULL, updated text NOT NULL, PRIMARY KEY (session, kind, key))",
)
SESSION_TABLES = ("ttx_events", "ttx_meta", "ttx_sources", "ttx_side", "ttx_sessions")

COLUMNS = "seq, type, v, wall, payload, prev_hash, hash"
LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, hashtext(%s))"
HEAD_SQL = "SELECT head_seq, head_hash, schema_version FROM ttx_sessions WHERE session = %s"
LAST_SQL = "SELECT seq, hash FROM ttx_events WHERE session = %s ORDER BY seq DESC LIMIT 1"
# One statement, because it runs in every write: the head record and the last row side by side.
HEAD_AND_LAST_SQL = (
    "SELECT s.head_seq, s.head_hash, e.seq, e.hash FROM ttx_sessions s LEFT JOIN LATERAL"
    " (SELECT seq, hash FROM ttx_events WHERE session = s.session ORDER BY seq DESC LIMIT 1) e ON true"
    " WHERE s.session = %s"
)
AFTER_SQL = f"SELECT {COLUMNS} FROM ttx_events WHERE session = %s AND seq > %s ORDER BY seq"
# The rows, the head record and the doorbell in one round trip; NOTIFY is delivered only at commit.
WRITE_SQL = (
    "WITH ins AS (INSERT INTO ttx_events (session, seq, type, v, wall, payload, prev_hash, hash)"
    " SELECT %(session)s, * FROM unnest(%(seq)s::bigint[], %(type)s::text[], %(v)s::int[], %(wall)s::text[],"
    " %(payload)s::text[], %(prev)s::text[], %(hash)s::text[])),"
    " upd AS (UPDATE ttx_sessions SET head_seq = %(head_seq)s, head_hash = %(head_hash)s"
    " WHERE session = %(session)s)"
    " SELECT pg_notify(%(channel)s, %(head_seq)s::text)"
)


def channel(session: str) -> str:
    """The NOTIFY channel of a session: a name of its own, short enough for any session name (63 bytes)."""
    import hashlib

    return "ttx_" + hashlib.sha256(session.encode("utf-8", "surrogatepass")).hexdigest()[:40]
