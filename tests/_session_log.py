"""A session's log (a file or PostgreSQL) as `tabletop log --json` gives it, for tests that compare two runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def log_without_wall(db: Path | str, *, via_cli: bool = False) -> list[dict[str, Any]]:
    """The log without what differs between two runs (wall time, and so the hashes). Read in this
    process by default (the same records: `log_record` is what the command prints), which keeps the
    suite fast; `via_cli` goes through `tabletop log --json` itself."""
    if via_cli:
        from harness import tabletop

        done = tabletop("log", db, "--json")
        assert done.returncode == 0, done.stderr
        records = [json.loads(line) for line in done.stdout.splitlines()]
    else:
        from exercise.cli.sessions import log_record
        from exercise.store import open_store

        with open_store(db) as store:
            records = [json.loads(json.dumps(log_record(row))) for row in store.read()]
    return [{k: v for k, v in r.items() if k not in ("wall", "hash")} for r in records]


def verified(db: Path | str) -> bool:
    from exercise.store import open_store

    with open_store(db) as store:
        return store.verify().ok
