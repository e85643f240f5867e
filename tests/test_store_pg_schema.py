"""A PostgreSQL database made by an earlier tabletop: it has the tables and the append function but not the
procedure a lone append now calls (the append, its commit and the doorbell in one statement). Its first write
makes what is missing, and the log goes on chaining where it stood. Each test works in a schema of its own (the
URL's search_path), so the shared test database's other sessions never see a procedure missing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from _postgres import run_sql, server_url

from exercise.store import create_store, open_store
from exercise.store import postgres_schema as sql


@pytest.fixture
def schema_url() -> Iterator[str]:
    base = server_url()
    schema = f"ttx_test_{uuid.uuid4().hex[:12]}"
    run_sql(base + "#x", f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        run_sql(base + "#x", f"DROP SCHEMA {schema} CASCADE")


def test_a_database_without_the_append_procedure_gains_it_at_its_first_write(schema_url: str) -> None:
    db = f"{schema_url}#upgrade"
    store = create_store(db, meta={"main": "x.yaml"}, sources={"x.yaml": "x"})
    first = store.append([{"type": "Note", "v": 1, "text": "before"}])
    store.close()
    run_sql(db, f"DROP PROCEDURE {sql.APPEND_RING_SIGNATURE}")  # as an earlier tabletop left the database

    store = open_store(db)
    try:
        then = store.append([{"type": "Note", "v": 1, "text": "after"}, {"type": "Note", "v": 1, "text": "and"}])
        assert [e.seq for e in then] == [first[-1].seq + 1, first[-1].seq + 2]
        assert [e.payload["text"] for e in store.read()] == ["before", "after", "and"]
        assert store.verify().ok
    finally:
        store.close()


def test_a_database_with_everything_is_not_made_again(schema_url: str) -> None:
    """The check that the database has what tabletop needs names each function as PostgreSQL does (a procedure's
    INOUT parameters are part of its name), or every first write would make them all again."""
    db = f"{schema_url}#whole"
    create_store(db, meta={"main": "x.yaml"}, sources={"x.yaml": "x"}).close()
    import psycopg

    with psycopg.connect(schema_url, autocommit=True) as conn:
        row = conn.execute(sql.HAS_SCHEMA_SQL).fetchone()
    assert row is not None and row[0] is True
