"""Appends per second to a PostgreSQL session against bare psycopg inserts with the same settings (target: 0.7x).

Both sides commit one event per transaction with synchronous_commit on, into a table of the same shape, the
same bytes; so the ratio is the store's own work: the session's advisory lock, the head check, the chain hash,
the head record and the NOTIFY. With 3 writer processes the store's writers share one session and so take turns
at its lock (that is the promise: each decides on the latest log); the bare writers share one table and never
wait for each other, which is the most a database gives to writers that coordinate nothing.

    python -m bench.postgres_appends
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._postgres_server import drop, server_url, session_url

N = 400  # commits per writer per round
ROUNDS = 2
TARGET_RATIO = 0.7
REPO = Path(__file__).resolve().parents[1]

BARE_TABLE = (
    "CREATE TABLE IF NOT EXISTS ttx_bench_bare (session text NOT NULL, seq bigint NOT NULL, type text NOT NULL,"
    " v integer NOT NULL, wall text NOT NULL, payload text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,"
    " PRIMARY KEY (session, seq))"
)

# One writer process: `store` appends through the store, `bare` inserts precomputed rows; prints commits/s.
WRITER = """
import sys, time
from pathlib import Path
import psycopg
from exercise.store import GENESIS_HASH, canonical_json, chain_hash, open_store

kind, db, n, tag, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], Path(sys.argv[5])

def event(i):
    return {"type": "MessageSent", "v": 1, "from": "norvia", "to": ["kessland", "aldmark"], "channel": "diplomatic",
            "text": f"Message {i}: we share the grid-attack indicators with all partners now. " * 3}

if kind == "store":
    target = open_store(db)
    target.last_seq()
else:
    conn = psycopg.connect(db.split("#", 1)[0], autocommit=True)
    conn.execute("SET synchronous_commit = on")
    rows, prev, wall = [], GENESIS_HASH, "2025-03-01T09:30:05.123Z"
    for seq in range(1, n + 1):
        text = canonical_json(event(seq))
        digest = chain_hash(prev, seq, wall, text)
        rows.append((tag, seq, "MessageSent", 1, wall, text, prev, digest))
        prev = digest
Path(f"{go}.{tag}").touch()
while not go.exists():
    time.sleep(0.001)
t0 = time.perf_counter()
if kind == "store":
    for i in range(n):
        target.append([event(i)])
else:
    sql = ("INSERT INTO ttx_bench_bare (session, seq, type, v, wall, payload, prev_hash, hash)"
           " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
    for row in rows:
        with conn.transaction():
            conn.execute(sql, row)
print(n / (time.perf_counter() - t0))
"""


def _round(kind: str, writers: int, tmp: Path) -> float:
    import psycopg

    from exercise.store import create_store

    db = session_url(kind)
    if kind == "store":
        create_store(db, meta={"main": "x.yaml"}, sources={"x.yaml": "x"}).close()
    go = tmp / f"go-{kind}-{writers}-{time.monotonic_ns()}"
    tags = [f"{db.split('#', 1)[1]}-{w}" for w in range(writers)]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, kind, db, str(N), tag, str(go)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True) for tag in tags]
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
    if kind == "store":
        drop(db)
    else:
        with psycopg.connect(server_url(), autocommit=True) as conn:
            conn.execute("DELETE FROM ttx_bench_bare WHERE session = ANY(%s)", (tags,))
    return writers * N / elapsed


def run() -> list[tuple[str, float, str]]:
    import tempfile

    import psycopg

    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(BARE_TABLE)
    out: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        for writers in (1, 3):
            best: dict[str, float] = {"store": 0.0, "bare": 0.0}
            for _ in range(ROUNDS):  # alternate, so a busy moment of the machine hits both sides alike
                for kind in ("bare", "store"):
                    best[kind] = max(best[kind], _round(kind, writers, Path(folder)))
            ratio = best["store"] / best["bare"]
            out.append((f"PostgreSQL store, {writers} writer(s): appends/s", best["store"], "one event a commit"))
            out.append((f"bare psycopg insert, {writers} writer(s): inserts/s", best["bare"], "same settings"))
            verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
            out.append((f"ratio store/bare, {writers} writer(s)", ratio, f"target >= {TARGET_RATIO}: {verdict}"))
    return out


def _print(rows: list[tuple[str, float, Any]]) -> None:
    for label, value, note in rows:
        print(f"   {label:55s} {value:12.2f}   {note}")


if __name__ == "__main__":
    _print(run())
