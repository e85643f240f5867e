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
AFTER_SQL = f"SELECT {COLUMNS} FROM ttx_events WHERE session = %s AND seq > %s ORDER BY seq"

# One append is one call of this function: the session's lock, the check of the head record against the last row
# (a damaged end is never written past), the chain hash of each row, the rows and the head record, all in the
# server, so a lone append is one statement. Each statement inside sees what committed before it began (READ
# COMMITTED, a VOLATILE function), so the head is read after the lock is held, as the SQLite store reads after BEGIN
# IMMEDIATE. The hash is chain.py's, byte for byte: sha256 of the UTF-8 of "prev\nseq\nwall\npayload" (convert_to
# gives the text's UTF-8 whatever the database encoding could store). Given `p_hashes` (rows the client chained
# itself, or a copy's rows as they were), each must equal the hash computed here, or nothing is stored.
#
# The doorbell is rung by the ring function, in a transaction of its own after the append's commit: a transaction
# that NOTIFYs holds PostgreSQL's one notify lock for the whole cluster until its commit is on disk, so appends that
# rang inside their own transaction reached the disk one at a time, however many sessions wrote (measured: 3 writers
# on sessions of their own, half the commits of 3 that do not notify). The ring's commit does not wait for the disk
# (nothing in it is the record), so it holds that lock only for a moment.
APPEND_FUNCTION = "ttx_append_v2"  # v1 (never released) rang the doorbell inside the append's transaction
APPEND_SIGNATURE = f"{APPEND_FUNCTION}(text,text[],integer[],text[],text[],text[])"
RING_FUNCTION = "ttx_ring_v1"
RING_SIGNATURE = f"{RING_FUNCTION}(text,text)"
# A lone append (no read before it) is one CALL of this procedure, sent in autocommit: the append function, its
# COMMIT, then the ring in a transaction of its own, all in one statement and one round trip. A procedure may end
# its transaction and begin the next (a function may not); with the ring a statement of its own, or BEGIN and
# COMMIT sent in libpq's pipeline, the client's work per append was about twice a bare INSERT's (bench).
APPEND_RING_PROCEDURE = "ttx_append_ring_v1"
# a procedure's INOUT parameters are part of its name: without them to_regprocedure finds nothing
APPEND_RING_SIGNATURE = f"{APPEND_RING_PROCEDURE}(text,text,text[],integer[],text[],text[],bigint[],text[],text[])"
DAMAGED, NO_SESSION, NOT_CHAINED = "TX001", "TX002", "TX003"  # the SQLSTATEs it raises
FUNCTIONS = (
    f"CREATE OR REPLACE FUNCTION {APPEND_FUNCTION}(p_session text, p_types text[], p_vs integer[],"
    " p_walls text[], p_payloads text[], p_hashes text[])"
    " RETURNS TABLE (r_seq bigint, r_prev text, r_hash text) LANGUAGE plpgsql VOLATILE AS $fn$"
    " DECLARE"
    "  n integer := coalesce(cardinality(p_payloads), 0);"
    "  h_seq bigint; h_hash text; l_seq bigint; l_hash text; s bigint; prev text; d text;"
    "  seqs bigint[] := '{}'; prevs text[] := '{}'; hashes text[] := '{}';"
    " BEGIN"
    f"  PERFORM pg_advisory_xact_lock({LOCK_CLASS}, hashtext(p_session));"
    "  SELECT head_seq, head_hash INTO h_seq, h_hash FROM ttx_sessions WHERE session = p_session;"
    "  IF NOT FOUND THEN"
    f"   RAISE EXCEPTION 'no such session in this database' USING ERRCODE = '{NO_SESSION}';"
    "  END IF;"
    "  SELECT e.seq, e.hash INTO l_seq, l_hash FROM ttx_events e WHERE e.session = p_session"
    "   ORDER BY e.seq DESC LIMIT 1;"
    "  IF NOT FOUND THEN l_seq := 0; l_hash := repeat('0', 64); END IF;"
    "  IF h_seq <> l_seq OR h_hash <> l_hash THEN"
    "   RAISE EXCEPTION 'damaged log: head says % events, % present; run tabletop verify', h_seq, l_seq"
    f"    USING ERRCODE = '{DAMAGED}';"
    "  END IF;"
    "  s := l_seq; prev := l_hash;"
    "  FOR i IN 1..n LOOP"
    "   s := s + 1;"
    "   d := encode(sha256(convert_to(prev || E'\\n' || s::text || E'\\n' || p_walls[i] || E'\\n' || p_payloads[i],"
    "    'UTF8')), 'hex');"
    "   IF p_hashes IS NOT NULL AND p_hashes[i] IS DISTINCT FROM d THEN"
    "    RAISE EXCEPTION 'event % does not chain onto seq % as stored; nothing was stored', s, s - 1"
    f"     USING ERRCODE = '{NOT_CHAINED}';"
    "   END IF;"
    "   seqs := seqs || s; prevs := prevs || prev; hashes := hashes || d; prev := d;"
    "  END LOOP;"
    "  IF n > 0 THEN"
    "   INSERT INTO ttx_events (session, seq, type, v, wall, payload, prev_hash, hash)"
    "    SELECT p_session, * FROM unnest(seqs, p_types, p_vs, p_walls, p_payloads, prevs, hashes);"
    "   UPDATE ttx_sessions SET head_seq = s, head_hash = prev WHERE session = p_session;"
    "  END IF;"
    "  RETURN QUERY SELECT * FROM unnest(seqs, prevs, hashes);"
    " END $fn$",
    f"CREATE OR REPLACE FUNCTION {RING_FUNCTION}(p_session text, p_channel text) RETURNS void LANGUAGE plpgsql"
    " VOLATILE AS $fn$ BEGIN"
    "  PERFORM set_config('synchronous_commit', 'off', true);"
    "  PERFORM pg_notify(p_channel, head_seq::text) FROM ttx_sessions WHERE session = p_session;"
    " END $fn$",
    f"CREATE OR REPLACE PROCEDURE {APPEND_RING_PROCEDURE}(p_session text, p_channel text, p_types text[],"
    " p_vs integer[], p_walls text[], p_payloads text[], INOUT r_seqs bigint[] DEFAULT NULL,"
    " INOUT r_prevs text[] DEFAULT NULL, INOUT r_hashes text[] DEFAULT NULL) LANGUAGE plpgsql AS $fn$ BEGIN"
    "  SELECT array_agg(a.r_seq ORDER BY a.r_seq), array_agg(a.r_prev ORDER BY a.r_seq),"
    "   array_agg(a.r_hash ORDER BY a.r_seq) INTO r_seqs, r_prevs, r_hashes"
    f"   FROM {APPEND_FUNCTION}(p_session, p_types, p_vs, p_walls, p_payloads, NULL) a;"
    "  COMMIT;"
    f"  PERFORM {RING_FUNCTION}(p_session, p_channel);"
    " END $fn$",
)
# The arrays go in binary (%b): psycopg quotes a text array's every element with a regular expression otherwise,
# most of what the client spent on an append beyond a bare INSERT.
APPEND_SQL = f"SELECT r_seq, r_prev, r_hash FROM {APPEND_FUNCTION}(%s, %b, %b, %b, %b, %b)"
APPEND_RING_SQL = f"CALL {APPEND_RING_PROCEDURE}(%s, %s, %b, %b, %b, %b)"
RING_SQL = f"SELECT {RING_FUNCTION}(%s, %s)"  # rings the session's head as it is now, ours or past it
HAS_SCHEMA_SQL = (f"SELECT to_regclass('ttx_side') IS NOT NULL AND to_regprocedure('{APPEND_SIGNATURE}') IS NOT NULL"
                  f" AND to_regprocedure('{RING_SIGNATURE}') IS NOT NULL"
                  f" AND to_regprocedure('{APPEND_RING_SIGNATURE}') IS NOT NULL")


def channel(session: str) -> str:
    """The NOTIFY channel of a session: a name of its own, short enough for any session name (63 bytes)."""
    import hashlib

    return "ttx_" + hashlib.sha256(session.encode("utf-8", "surrogatepass")).hexdigest()[:40]
