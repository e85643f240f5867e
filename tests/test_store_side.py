"""Side data beside the log (presence, unsent drafts, each console's place): outside the hash chain, in short
transactions of its own, and added to session files of the first schema when they are opened for writing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import MINI, in_process
from test_store import FakeClock, ev, fill, raw

from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.store import SCHEMA_VERSION, EventStore, StoreError
from exercise.store.base import MAX_SIDE_BYTES


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "session.sqlite"


@pytest.fixture
def store(db: Path) -> Iterator[EventStore]:
    with EventStore.create(db, meta={"scenario_id": "x"}, sources={}, clock=FakeClock()) as s:
        yield s


def _as_version_1(db: Path) -> None:
    """The file as tabletop wrote it before side data existed: no side table, schema 1."""
    raw(db, "DROP TABLE side")
    raw(db, "PRAGMA user_version = 1")


def _version(db: Path) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_side_entries_round_trip_by_kind_and_key(store: EventStore) -> None:
    store.set_side("presence", "host:12", '{"nation": "norvia"}')
    store.set_side("presence", "host:13", "second")
    store.set_side("draft", "host:12", "a draft")
    assert {k: e.value for k, e in store.side("presence").items()} == {"host:12": '{"nation": "norvia"}',
                                                                       "host:13": "second"}
    assert [e.value for e in store.side("draft").values()] == ["a draft"]
    assert store.side("nothing") == {}
    store.set_side("presence", "host:12", "replaced")
    store.set_side("presence", "host:13", None)
    store.set_side("presence", "never-there", None)  # removing what is not there is no error
    entries = store.side("presence")
    assert list(entries) == ["host:12"] and entries["host:12"].value == "replaced"
    # The store's clock stamps each write (FakeClock moves a second a call).
    assert entries["host:12"].updated > store.side("draft")["host:12"].updated


def test_side_data_never_touches_the_log_or_its_chain(store: EventStore) -> None:
    fill(store, 3)
    head = store.verify()
    for n in range(20):
        store.set_side("presence", f"k{n % 3}", f"beat {n}")
    assert store.last_seq() == 3
    after = store.verify()
    assert after.ok and after.message == head.message  # same head hash: the chain never saw the writes
    stored = store.append([ev(i=99)])
    assert stored[0].seq == 4 and store.verify().ok


def test_the_log_keeps_syncing_every_commit_after_a_side_write(store: EventStore) -> None:
    own = store._conn
    assert own is not None
    store.set_side("presence", "k", "v")
    assert own.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again, for the next event


def test_tampered_side_data_leaves_the_chain_intact_but_the_file_check_still_covers_the_table(
        db: Path, store: EventStore) -> None:
    fill(store, 2)
    store.set_side("draft", "norvia", "text")
    raw(db, "UPDATE side SET value = 'someone else''s words'")
    assert store.verify().ok  # not the record: nothing to verify in it
    raw(db, "UPDATE side SET value = CAST('x' AS BLOB)")
    with pytest.raises(StoreError, match="not text"):
        store.side("draft")


def test_bad_side_values_are_refused_in_one_line(store: EventStore) -> None:
    with pytest.raises(StoreError, match="over"):
        store.set_side("draft", "k", "x" * (MAX_SIDE_BYTES + 1))
    with pytest.raises(StoreError, match="must be text"):
        store.set_side("draft", "k", 3)  # type: ignore[arg-type]
    assert store.side("draft") == {}


def test_a_store_opened_for_reading_reads_side_data_and_refuses_to_write_it(db: Path, store: EventStore) -> None:
    store.set_side("presence", "k", "v")
    with EventStore.open(db, write=False) as reader:
        assert reader.side("presence")["k"].value == "v"
        with pytest.raises(StoreError, match="read-only"):
            reader.set_side("presence", "k", None)
    assert store.side("presence")["k"].value == "v"


# -- files of the first schema ----------------------------------------------------------------------------


def test_a_version_1_file_is_read_as_it_is_and_gains_the_side_table_when_opened_for_writing(
        db: Path, store: EventStore) -> None:
    fill(store, 2)
    store.close()
    _as_version_1(db)
    with EventStore.open(db, write=False) as reader:  # verify, log, report, export: the file is not changed
        assert reader.side("presence") == {} and reader.verify().ok
    with EventStore.open(db) as maybe:  # writable, but not asked to write: left as it is until it writes
        assert maybe.side("presence") == {}
    assert _version(db) == 1
    with EventStore.open(db, write=True) as writer:
        assert _version(db) == SCHEMA_VERSION
        writer.set_side("presence", "k", "v")
        assert writer.verify().ok and writer.last_seq() == 2


def test_a_version_1_file_gains_the_side_table_at_its_first_side_write(db: Path, store: EventStore) -> None:
    store.close()
    _as_version_1(db)
    with EventStore.open(db) as s:
        s.set_side("place", "hotseat", "{}")
        assert s.side("place")["hotseat"].value == "{}"
    assert _version(db) == SCHEMA_VERSION


def test_a_started_version_1_session_is_read_and_resumed(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    sc = load_scenario(MINI)
    LiveSession.create(db, sc, seed=3, teams={n: f"bot:{v.bot.profile}" for n, v in sc.nations.items()}).close()
    _as_version_1(db)
    before = in_process("log", db, "--json").stdout
    assert in_process("verify", db).returncode == 0 and _version(db) == 1
    done = in_process("run", MINI, "--db", db, "--bots")
    assert done.returncode == 0, done.stderr
    assert _version(db) == SCHEMA_VERSION
    after = in_process("log", db, "--json").stdout
    assert after.startswith(before) and len(after) > len(before)
    assert in_process("verify", db).returncode == 0


def test_a_version_1_file_holding_a_side_table_is_refused(db: Path, store: EventStore) -> None:
    """Ours in a later schema, but a file of the first schema never held it: another tool put it there."""
    store.close()
    _as_version_1(db)
    raw(db, "CREATE TABLE side (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated TEXT NOT NULL,"
            " PRIMARY KEY (kind, key))")
    with pytest.raises(StoreError, match=r"(table 'side'|index 'sqlite_autoindex_side_1'), which tabletop does not"):
        EventStore.open(db)


@pytest.mark.parametrize(("statement", "expected"), [
    ("CREATE INDEX by_kind ON side (kind)", "index 'by_kind', which tabletop does not create"),
    ("CREATE TRIGGER spy AFTER INSERT ON side BEGIN DELETE FROM meta; END", "trigger 'spy', which tabletop"),
    ("CREATE TABLE side2 (kind, key, value, updated)", "table 'side2', which tabletop does not create"),
])
def test_objects_beside_the_side_table_are_refused(db: Path, store: EventStore, statement: str,
                                                   expected: str) -> None:
    store.close()
    raw(db, statement)
    with pytest.raises(StoreError, match=expected):
        EventStore.open(db)


def test_a_side_table_defined_otherwise_is_refused(db: Path, store: EventStore) -> None:
    store.close()
    raw(db, "DROP TABLE side")
    raw(db, "CREATE TABLE side (kind TEXT, key TEXT, value BLOB, updated TEXT, PRIMARY KEY (kind, key))")
    with pytest.raises(StoreError, match="table 'side' is not defined as tabletop defines it"):
        EventStore.open(db)


def test_a_version_2_file_without_its_side_table_is_damaged(db: Path, store: EventStore) -> None:
    store.close()
    raw(db, "DROP TABLE side")
    with pytest.raises(StoreError, match="damaged tabletop session file"):
        EventStore.open(db)
