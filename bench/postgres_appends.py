"""Appends per second to a PostgreSQL session against bare psycopg inserts with the same settings (target: 0.7x).

The baseline is the fastest a bare client writes one row a transaction: one INSERT in autocommit (its own
transaction, one round trip), synchronous_commit on, into a table of the same shape, the same bytes. The store's
side does the same number of commits, so the ratio is the store's own work: the session's advisory lock, the head
check, the chain hash, the head record and the NOTIFY. Two kinds of append are timed:

- `append`: a lone append (one statement calling the append function: one round trip);
- `command`: what every command of the consoles does (live.py): the lock, the events since the writer last
  looked, then the append, in one transaction (two round trips, the second with the COMMIT).

With 3 writer processes, two cases. Each writer on a session of its own (a hosted serve with several seminar
groups) is the like-for-like comparison with 3 bare writers, which coordinate nothing. The 3 writers on one
session take turns at its lock, and the lock is held until the commit is on disk: that is the promise (each
command decided on the latest log, in one order), so they commit one at a time where the bare writers share
the disk's flushes; that line says what the promise costs, next to the same bare figure.

Where a lone append's time goes beyond the bare INSERT (December 2026, a quiet 2-core machine, the server on
loopback; bare about 280 us a commit): the append's arrays about 25 us at the client and 20 at the server (a plpgsql
INSERT of scalars costs what the bare INSERT does); the lock, the head record and the last row read, the chain hash
and the head moved, 10 to 40 us each; the ring in a transaction of its own, about 40 us. A one-event procedure of
scalars measured 0.70x alone, before the store's own Python: the 0.7x target is not met, and the doorbell and the
head check are the promise, not overhead to remove.

    python -m bench.postgres_appends
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._postgres_server import drop, server_url, session_url

N = 400  # commits per writer per round
ROUNDS = 5
TARGET_RATIO = 0.7
REPO = Path(__file__).resolve().parents[1]

BARE_TABLE = (
    "CREATE TABLE IF NOT EXISTS ttx_bench_bare (session text NOT NULL, seq bigint NOT NULL, type text NOT NULL,"
    " v integer NOT NULL, wall text NOT NULL, payload text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,"
    " PRIMARY KEY (session, seq))"
)

# One writer process: `append`/`command` write through the store, `bare` inserts precomputed rows; prints commits/s.
WRITER = """
import sys, time
from pathlib import Path
import psycopg
from exercise.store import GENESIS_HASH, canonical_json, chain_hash, open_store

kind, db, n, tag, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], Path(sys.argv[5])

def event(i):
    return {"type": "MessageSent", "v": 1, "from": "norvia", "to": ["kessland", "aldmark"], "channel": "diplomatic",
            "text": f"Message {i}: we share the grid-attack indicators with all partners now. " * 3}

if kind == "bare":
    conn = psycopg.connect(db.split("#", 1)[0], autocommit=True)
    conn.execute("SET synchronous_commit = on")
    rows, prev, wall = [], GENESIS_HASH, "2025-03-01T09:30:05.123Z"
    for seq in range(1, n + 1):
        text = canonical_json(event(seq))
        digest = chain_hash(prev, seq, wall, text)
        rows.append((tag, seq, "MessageSent", 1, wall, text, prev, digest))
        prev = digest
else:
    target = open_store(db)
    target.append([{"type": "Warm", "v": 1}])  # the connection, and the append function looked up once
    seen = target.last_seq()
Path(f"{go}.{tag}").touch()
while not go.exists():
    time.sleep(0.001)
t0 = time.perf_counter()
if kind == "append":
    for i in range(n):
        target.append([event(i)])
elif kind == "command":
    for i in range(n):
        with target.write() as tx:
            for row in tx.read_after(seen):
                seen = row.seq
            seen = tx.append([event(i)])[-1].seq
else:
    sql = ("INSERT INTO ttx_bench_bare (session, seq, type, v, wall, payload, prev_hash, hash)"
           " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
    for row in rows:
        conn.execute(sql, row)
print(n / (time.perf_counter() - t0))
"""


def _round(kind: str, writers: int, shared: bool, tmp: Path) -> float:
    """Commits per second of `writers` processes of one kind, all at once: on one session when `shared`."""
    import psycopg

    from exercise.store import create_store

    dbs = [session_url(kind)] * writers if shared else [session_url(kind) for _ in range(writers)]
    if kind != "bare":
        for db in set(dbs):
            create_store(db, meta={"main": "x.yaml"}, sources={"x.yaml": "x"}).close()
    go = tmp / f"go-{kind}-{writers}-{time.monotonic_ns()}"
    tags = [f"{db.split('#', 1)[1]}-{w}" for w, db in enumerate(dbs)]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, kind, db, str(N), tag, str(go)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True) for db, tag in zip(dbs, tags, strict=True)]
    while not all(Path(f"{go}.{tag}").exists() for tag in tags):
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a writer stopped before it started")
        time.sleep(0.01)
    t0 = time.perf_counter()
    go.touch()
    for p in procs:
        p.communicate(timeout=600)
        if p.returncode:
            raise RuntimeError(f"a {kind} writer failed")
    elapsed = time.perf_counter() - t0
    if kind != "bare":
        for db in set(dbs):
            drop(db)
    else:
        with psycopg.connect(server_url(), autocommit=True) as conn:
            conn.execute("DELETE FROM ttx_bench_bare WHERE session = ANY(%s)", (tags,))
    return writers * N / elapsed


CASES = (  # (label, writers, on one session)
    ("1 writer", 1, True),
    ("3 writers, a session each", 3, False),
    ("3 writers, one session", 3, True),
)


def run() -> list[tuple[str, float, str]]:
    import tempfile

    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(BARE_TABLE)
    out: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        for label, writers, shared in CASES:
            rates: dict[str, list[float]] = {"bare": [], "append": [], "command": []}
            kinds = list(rates)
            for n in range(ROUNDS):  # each round times every side back to back, in a turning order
                for kind in kinds[n % 3:] + kinds[:n % 3]:
                    rates[kind].append(_round(kind, writers, shared, Path(folder)))
            out.append((f"bare psycopg insert, {label}: inserts/s", max(rates["bare"]),
                        "autocommit, synchronous_commit on"))
            for kind, what in (("append", "lone append"), ("command", "command (read, then append)")):
                # the median of each round's own ratio: a busy moment of a shared machine hits both sides of it
                ratio = statistics.median(a / b for a, b in zip(rates[kind], rates["bare"], strict=True))
                out.append((f"PostgreSQL store, {label}: {what}/s", max(rates[kind]), "one event a commit"))
                if writers > 1 and shared:
                    verdict = "one commit at a time under the session's lock"
                else:
                    verdict = f"target >= {TARGET_RATIO}: {'ok' if ratio >= TARGET_RATIO else 'BELOW TARGET'}"
                out.append((f"  ratio {what} / bare, {label}", ratio, verdict))
    return out


def _print(rows: list[tuple[str, float, Any]]) -> None:
    for label, value, note in rows:
        print(f"   {label:62s} {value:10.2f}   {note}")


if __name__ == "__main__":
    _print(run())
