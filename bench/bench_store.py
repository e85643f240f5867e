"""What the event store costs over bare SQLite, for durable one-event commits.

Both sides use the same settings (WAL, synchronous=FULL, BEGIN IMMEDIATE, one commit per event) and
write the same bytes, so the ratio isolates the store's own work: validation, canonical JSON, hashing,
the head check and the head record. An fsync dominates on a real disk; on tmpfs (no fsync cost) the
ratio shows pure CPU overhead and comes out lower, so point the benchmark at the disk sessions live on.

    python -m bench.bench_store [DIRECTORY]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if not __package__:  # run as a file: make this checkout importable without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exercise.store import GENESIS_HASH, EventStore, canonical_json, chain_hash

N = 300
ROUNDS = 3  # alternate the two sides so that disk hiccups and warm-up hit both alike
TARGET_RATIO = 0.5


def _event(i: int) -> dict[str, Any]:
    # About the size of a MessageSent or DecisionTaken with a short rationale.
    return {
        "type": "MessageSent",
        "v": 1,
        "from": "norvia",
        "to": ["kessland", "aldmark"],
        "channel": "diplomatic",
        "text": f"Message {i}: we share the grid-attack indicators with all partners now. " * 3,
    }


def _bare_rows(n: int) -> list[tuple[int, str, int, str, str, str, str]]:
    """The rows the store writes for the same events, precomputed so the bare side only inserts."""
    rows = []
    prev = GENESIS_HASH
    wall = "2025-03-01T09:30:05.123Z"
    for seq in range(1, n + 1):
        text = canonical_json(_event(seq))
        digest = chain_hash(prev, seq, wall, text)
        rows.append((seq, "MessageSent", 1, wall, text, prev, digest))
        prev = digest
    return rows


def _bare_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, v INTEGER NOT NULL, wall TEXT NOT NULL,"
        " payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"
    )
    return conn


def run(directory: str | Path | None = None, n: int = N) -> list[tuple[str, float, str]]:
    """(name, value, unit) lines; higher ratio is better, 1.0 would mean the store costs nothing extra."""
    per_round = max(1, n // ROUNDS)
    total = per_round * ROUNDS
    rows = _bare_rows(total)
    store_s = bare_s = 0.0
    with tempfile.TemporaryDirectory(prefix="tabletop-bench-", dir=directory) as tmp:
        conn = _bare_connection(Path(tmp) / "bare.db")
        store = EventStore.create(Path(tmp) / "store.ttx", meta={"bench": "store"}, sources={})
        try:
            for r in range(ROUNDS):
                batch = rows[r * per_round : (r + 1) * per_round]
                start = time.perf_counter()
                for row in batch:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", row)
                    conn.execute("COMMIT")
                bare_s += time.perf_counter() - start

                events = [_event(row[0]) for row in batch]
                start = time.perf_counter()
                for event in events:
                    store.append([event])
                store_s += time.perf_counter() - start
        finally:
            store.close()
            conn.close()
    store_ms = store_s / total * 1000
    bare_ms = bare_s / total * 1000
    return [
        ("store: durable append, 1 event per commit", store_ms, "ms/event"),
        ("bare sqlite3: same row, same settings, 1 per commit", bare_ms, "ms/event"),
        ("store: throughput", 1000 / store_ms, "events/s"),
        (f"store vs bare: bare time / store time (target >= {TARGET_RATIO})", bare_ms / store_ms, "ratio"),
    ]


if __name__ == "__main__":
    for name, value, unit in run(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{name:<70} {value:10.3f} {unit}")
