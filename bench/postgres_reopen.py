"""Reopening a 100,000-event session: PostgreSQL against a session file (SQLite), as a ratio (time, PG/SQLite).

Both hold the same rows (the PostgreSQL one is a `tabletop copy` of the file's); reopening is what a console or
a report does first: open the store and read the whole log back as events.

    python -m bench.postgres_reopen
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._postgres_server import drop, session_url

EVENTS = 100_000
BATCH = 5_000
ROUNDS = 3


def _event(i: int) -> dict[str, object]:
    return {"type": "MessageSent", "v": 1, "from": "norvia", "to": ["kessland"], "channel": "diplomatic",
            "text": f"Message {i}: we share the indicators now."}


def _reopen(db: str) -> float:
    from exercise.store import open_store

    t0 = time.perf_counter()
    with open_store(db, write=False) as store:
        rows = store.read()
    assert len(rows) == EVENTS
    return time.perf_counter() - t0


def run() -> list[tuple[str, float, str]]:
    from exercise.store import create_store

    with tempfile.TemporaryDirectory() as folder:
        file_db = str(Path(folder) / "big.sqlite")
        pg_db = session_url("reopen")
        meta, sources = {"main": "x.yaml"}, {"x.yaml": "x"}
        with create_store(file_db, meta=meta, sources=sources) as store:
            for start in range(0, EVENTS, BATCH):
                store.append([_event(i) for i in range(start, start + BATCH)])
            rows = store.read()
        try:
            with create_store(pg_db, meta=meta, sources=sources) as pg:
                for start in range(0, EVENTS, BATCH):
                    pg.append_verbatim(rows[start:start + BATCH])
            sqlite_s = min(_reopen(file_db) for _ in range(ROUNDS))
            pg_s = min(_reopen(pg_db) for _ in range(ROUNDS))
        finally:
            drop(pg_db)
    return [(f"reopen {EVENTS:,} events, SQLite file: seconds", sqlite_s, "open + read the log"),
            (f"reopen {EVENTS:,} events, PostgreSQL: seconds", pg_s, "same rows"),
            ("ratio PostgreSQL/SQLite (time)", pg_s / sqlite_s, "lower is better")]


if __name__ == "__main__":
    for label, value, note in run():
        print(f"   {label:55s} {value:12.2f}   {note}")
