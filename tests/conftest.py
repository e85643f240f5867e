"""Fixtures shared by the suite. Command-line runs: tests/harness.py; PostgreSQL: tests/_postgres.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _postgres import drop_session, fresh_session, server_url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL server (TTX_TEST_POSTGRES, else a throwaway embedded one), without a session."""
    return server_url()


@pytest.fixture
def pg_session(postgres_url: str) -> Iterator[str]:
    """`postgresql://...#<a session of this test's own>`, removed afterwards."""
    db = fresh_session(postgres_url)
    yield db
    drop_session(db)


@pytest.fixture(params=["sqlite", "postgres"])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A DB argument for a session that does not exist yet, once in each store: the store contract runs on both."""
    if request.param == "sqlite":
        yield str(tmp_path / "s.sqlite")
    else:
        db = fresh_session(request.getfixturevalue("postgres_url"))
        yield db
        drop_session(db)
