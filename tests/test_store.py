"""The event store on its own: format, hash chain, refusal of foreign files, transactions."""

from __future__ import annotations

import ast
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from exercise.store import APPLICATION_ID, SCHEMA_VERSION, EventStore, StoreError

T0 = datetime(2025, 3, 1, 9, 30, 5, 123456, tzinfo=UTC)


class FakeClock:
    """Advances one second per call, so every transaction gets a distinct, predictable wall time."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        moment = self.now
        self.now += timedelta(seconds=1)
        return moment


def ev(etype: str = "Tick", **fields: Any) -> dict[str, Any]:
    return {"type": etype, "v": 1, **fields}


def spec_hash(prev_hash: str, seq: int, wall: str, payload: dict[str, Any]) -> str:
    """The documented formula, written out independently of the store's own code."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{wall}\n{body}".encode()).hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "session.ttx"


@pytest.fixture
def store(db: Path) -> Iterator[EventStore]:
    with EventStore.create(db, meta={"scenario_id": "northern-shield"}, sources={}, clock=FakeClock()) as s:
        yield s


def raw(db: Path, sql: str, *params: Any) -> None:
    """Tamper with the file behind the store's back, as an attacker or a bad tool would."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(sql, params)
    conn.close()


def fill(store: EventStore, n: int) -> None:
    for i in range(n):
        store.append([ev(i=i)])


# -- round trip ------------------------------------------------------------------------------


def test_round_trip_keeps_payload_seq_wall_and_chain(db: Path) -> None:
    events = [ev("SessionStarted", seed=7, teams=["norvia", "kessland"]), ev("MessageSent", text="Grüße ✓", n=1.5)]
    with EventStore.create(db, meta={}, sources={}, clock=FakeClock()) as store:
        written = store.append(events)
        assert [e.seq for e in written] == [1, 2]
        assert [e.payload for e in written] == events
        assert [(e.type, e.v) for e in written] == [("SessionStarted", 1), ("MessageSent", 1)]
        # One append is one command: its events share one wall time, in UTC with milliseconds.
        assert {e.wall for e in written} == {"2025-03-01T09:30:05.123Z"}
        assert written[0].hash == spec_hash("0" * 64, 1, written[0].wall, events[0])
        assert written[1].hash == spec_hash(written[0].hash, 2, written[1].wall, events[1])
    with EventStore.open(db) as again:
        assert again.read() == written
        assert again.last_seq() == 2


def test_wall_clock_is_converted_to_utc_and_naive_means_utc(db: Path) -> None:
    moments = iter([datetime(2025, 3, 1, 11, 0, 0, 5000, tzinfo=timezone(timedelta(hours=2))), datetime(2025, 3, 1)])
    with EventStore.create(db, meta={}, sources={}, clock=lambda: next(moments)) as store:
        first, second = store.append([ev()]) + store.append([ev()])
    assert first.wall == "2025-03-01T09:00:00.005Z"
    assert second.wall == "2025-03-01T00:00:00.000Z"


def test_default_clock_is_utc_now(db: Path) -> None:
    with EventStore.create(db, meta={}, sources={}) as store:
        (event,) = store.append([ev()])
    stamp = datetime.fromisoformat(event.wall)
    assert stamp.tzinfo is not None and abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


def test_meta_and_sources_round_trip(db: Path) -> None:
    sources = {"scenarios/ns.yaml": "id: northern-shield\n", "injects/grid.yaml": "injects: []\n"}
    with EventStore.create(db, meta={"scenario_id": "ns", "seed": "7"}, sources=sources) as store:
        store.set_meta("status", "running")
        store.set_meta("seed", "8")
    with EventStore.open(db) as store:
        # The store's own head record shares the table but is not part of the caller's meta.
        assert store.meta == {"scenario_id": "ns", "seed": "8", "status": "running"}
        assert store.sources == sources


def test_meta_refuses_reserved_and_non_string_values(store: EventStore) -> None:
    with pytest.raises(StoreError, match="reserved"):
        store.set_meta("store.head_seq", "99")
    with pytest.raises(StoreError, match="strings"):
        store.set_meta("turn", 3)  # type: ignore[arg-type]
    assert store.verify().ok


def test_meta_can_change_in_the_same_transaction_as_an_event(store: EventStore) -> None:
    with store.write() as tx:
        tx.append([ev("SessionEnded")])
        tx.set_meta("status", "ended")
    assert store.meta["status"] == "ended"


def test_seq_has_no_gaps_across_calls_rollbacks_and_empty_appends(store: EventStore) -> None:
    store.append([ev(i=0), ev(i=1), ev(i=2)])
    assert store.append([]) == []
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.append([ev(i=99)])
        raise RuntimeError("the command failed half way")
    store.append([ev(i=3)])
    events = store.read()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.payload["i"] for e in events] == [0, 1, 2, 3]


def test_read_after_returns_only_later_events(store: EventStore) -> None:
    fill(store, 5)
    assert [e.seq for e in store.read(after=3)] == [4, 5]
    assert store.read(after=5) == []
    with store.write() as tx:
        assert [e.seq for e in tx.read_after(4)] == [5]


def test_read_types_returns_only_those_types_in_order(store: EventStore) -> None:
    store.append([ev("Started"), ev("Tick", i=1), ev("Turn", n=2)])
    store.append([ev("Tick", i=2), ev("Turn", n=3), ev("Ended")])
    got = store.read_types("Turn", "Ended")
    assert [(e.seq, e.type, e.payload.get("n")) for e in got] == [(3, "Turn", 2), (5, "Turn", 3), (6, "Ended", None)]
    assert store.read_types("Nothing") == []


def test_store_sees_appends_from_another_connection(db: Path, store: EventStore) -> None:
    with EventStore.open(db) as other:
        assert other.last_seq() == 0
        store.append([ev(), ev()])
        assert other.last_seq() == 2  # what a polling UI relies on
        with other.write() as tx:
            assert [e.seq for e in tx.read_after(0)] == [1, 2]
            assert tx.append([ev()])[0].seq == 3
    assert store.last_seq() == 3


def test_invalid_events_are_refused_and_leave_no_trace(store: EventStore) -> None:
    bad: list[Any] = [
        {"v": 1},
        {"type": "", "v": 1},
        {"type": "X"},
        {"type": "X", "v": True},
        {"type": "X", "v": "1"},
        {"type": "X", "v": 1, "p": float("nan")},
        {"type": "X", "v": 1, "when": datetime(2025, 1, 1)},
        {"type": "X", "v": 1, "s": "\ud800"},
        ["type", "X"],
    ]
    for event in bad:
        with pytest.raises(StoreError):
            store.append([ev(), event])
    assert store.last_seq() == 0


def test_pragmas_and_header(db: Path, store: EventStore) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    own = store._conn  # synchronous and busy_timeout are per connection: look at the store's own
    assert own is not None
    assert own.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert own.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


# -- verify ----------------------------------------------------------------------------------


def test_verify_ok(store: EventStore) -> None:
    assert store.verify().ok
    fill(store, 42)
    result = store.verify()
    assert (result.ok, result.events, result.first_bad_seq) == (True, 42, None)
    assert result.message.startswith("chain intact: 42 events, head ")


def test_verify_detects_tampered_payload(db: Path, store: EventStore) -> None:
    fill(store, 10)
    raw(db, "UPDATE events SET payload = ? WHERE seq = 6", json.dumps(ev(i=600)))
    result = store.verify()
    assert (result.ok, result.first_bad_seq, result.events) == (False, 6, 10)
    assert result.message == "broken at seq 6: hash does not match its contents"


def test_verify_judges_the_payload_not_its_formatting(db: Path, store: EventStore) -> None:
    """A row whose text a tool re-formatted (same JSON, other spacing and key order) still verifies;
    the same re-formatting with one value changed does not."""
    fill(store, 3)
    raw(db, "UPDATE events SET payload = ? WHERE seq = 2", '{ "v": 1, "i": 1, "type": "Tick" }')
    assert store.verify().ok
    raw(db, "UPDATE events SET payload = ? WHERE seq = 2", '{ "v": 1, "i": 9, "type": "Tick" }')
    result = store.verify()
    assert not result.ok and result.first_bad_seq == 2 and "hash does not match" in result.message


def test_verify_detects_a_rewritten_hash_at_the_next_link(db: Path, store: EventStore) -> None:
    fill(store, 10)
    (row6,) = store.read(after=5)[:1]
    forged = ev(i=600)
    prev = store.read(after=4)[0].hash
    raw(
        db,
        "UPDATE events SET payload = ?, hash = ? WHERE seq = 6",
        json.dumps(forged),
        spec_hash(prev, 6, row6.wall, forged),
    )
    result = store.verify()
    assert (result.ok, result.first_bad_seq) == (False, 7)
    assert "prev_hash" in result.message


def test_verify_detects_edited_type_column(db: Path, store: EventStore) -> None:
    fill(store, 3)
    raw(db, "UPDATE events SET type = 'Forged' WHERE seq = 2")
    result = store.verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_verify_detects_truncation_and_appends_stop(db: Path, store: EventStore) -> None:
    fill(store, 10)
    raw(db, "DELETE FROM events WHERE seq > 8")
    result = store.verify()
    assert (result.ok, result.first_bad_seq, result.events) == (False, 9, 8)
    assert result.message == "truncated: head says 10 events, 8 present"
    # Appending would move the head over the hole and hide it, so writes are refused.
    with pytest.raises(StoreError, match="damaged"):
        store.append([ev()])
    assert store.verify().first_bad_seq == 9


def test_verify_detects_a_gap(db: Path, store: EventStore) -> None:
    fill(store, 10)
    raw(db, "DELETE FROM events WHERE seq = 4")
    result = store.verify()
    assert (result.ok, result.first_bad_seq, result.events) == (False, 4, 9)
    assert result.message == "gap: seq 4 missing"


def test_verify_detects_rows_added_behind_the_stores_back(db: Path, store: EventStore) -> None:
    fill(store, 3)
    last = store.read()[-1]
    forged = ev(i=3)
    raw(
        db,
        "INSERT INTO events VALUES (4, 'Tick', 1, ?, ?, ?, ?)",
        last.wall,
        json.dumps(forged),
        last.hash,
        spec_hash(last.hash, 4, last.wall, forged),
    )
    result = store.verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)


# -- refusing what is not a session ----------------------------------------------------------


def test_missing_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.ttx"
    with pytest.raises(StoreError, match=r"nowhere\.ttx: no such session file"):
        EventStore.open(path)
    assert not path.exists()  # open never creates


@pytest.mark.parametrize("content", [b"this is not a database\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_garbage_file_is_refused_with_its_name(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.ttx"
    path.write_bytes(content)
    for attempt in (lambda: EventStore.open(path), lambda: EventStore.create(path, meta={}, sources={})):
        with pytest.raises(StoreError) as info:
            attempt()
        message = str(info.value)
        assert "garbage.ttx" in message and "not a tabletop session file" in message and "\n" not in message
    assert path.read_bytes() == content


def test_foreign_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE events (x)")
    conn.commit()
    conn.close()
    for attempt in (lambda: EventStore.open(path), lambda: EventStore.create(path, meta={}, sources={})):
        with pytest.raises(StoreError, match=r"other\.db: not a tabletop session file"):
            attempt()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    conn.close()


def test_empty_file_cannot_be_opened_but_can_be_created(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttx"
    path.touch()
    with pytest.raises(StoreError, match=r"empty\.ttx: not a tabletop session file"):
        EventStore.open(path)
    with EventStore.create(path, meta={"a": "b"}, sources={}) as store:
        assert store.meta == {"a": "b"}


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a file"):
        EventStore.open(tmp_path)
    with pytest.raises(StoreError, match="not a file"):
        EventStore.create(tmp_path, meta={}, sources={})


def test_newer_schema_is_refused(db: Path, store: EventStore) -> None:
    store.close()
    raw(db, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer tabletop"):
        EventStore.open(db)


def test_create_refuses_a_session_with_events_but_reuses_an_empty_one(db: Path) -> None:
    with EventStore.create(db, meta={"try": "1"}, sources={"a": "x"}):
        pass
    with EventStore.create(db, meta={"try": "2"}, sources={"b": "y"}) as store:
        assert (store.meta, store.sources) == ({"try": "2"}, {"b": "y"})
        store.append([ev()])
    with pytest.raises(StoreError, match="already holds 1 events"):
        EventStore.create(db, meta={}, sources={})
    with EventStore.open(db) as store:
        assert store.last_seq() == 1 and store.meta == {"try": "2"}


def test_create_makes_missing_directories(tmp_path: Path) -> None:
    with EventStore.create(tmp_path / "a" / "b" / "s.ttx", meta={}, sources={}) as store:
        assert store.path.exists()


# -- transactions and lifetime ---------------------------------------------------------------


def test_write_rolls_back_on_exception(db: Path, store: EventStore) -> None:
    store.append([ev(i=0)])
    with pytest.raises(ValueError, match="refused"), store.write() as tx:
        tx.append([ev(i=1), ev(i=2)])
        tx.set_meta("status", "half-done")
        assert [e.seq for e in tx.read_after(0)] == [1, 2, 3]  # visible inside the transaction...
        raise ValueError("command refused")
    assert [e.payload["i"] for e in store.read()] == [0]  # ...and gone after it
    assert "status" not in store.meta
    with EventStore.open(db) as other:
        assert other.last_seq() == 1 and other.verify().ok


def test_transaction_handle_dies_with_its_block(store: EventStore) -> None:
    with store.write() as tx:
        tx.append([ev()])
    with pytest.raises(StoreError, match="already finished"):
        tx.append([ev()])


def test_nested_write_is_refused_clearly(store: EventStore) -> None:
    with pytest.raises(StoreError, match="already inside write"), store.write():
        store.append([ev()])
    assert store.last_seq() == 0


def test_closed_store_refuses_use(db: Path) -> None:
    store = EventStore.create(db, meta={}, sources={})
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.last_seq()


def test_store_imports_nothing_else_from_exercise() -> None:
    """The store is the bottom layer; import-linter checks this too, this runs with plain pytest."""
    package = Path(__file__).resolve().parents[1] / "exercise" / "store"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{module.name} imports from above exercise.store"
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                inside = name == "exercise.store" or name.startswith("exercise.store.")
                assert inside or name.split(".")[0] != "exercise", f"{module.name} imports {name}"


# -- the file as tabletop reaches it -----------------------------------------------------------


def test_an_event_longer_than_the_store_keeps_is_refused_before_writing(store: EventStore) -> None:
    from exercise.store.base import MAX_VALUE_BYTES

    with pytest.raises(StoreError, match="at most"):
        store.append([ev(i=0), ev(text="x" * MAX_VALUE_BYTES)])
    assert store.last_seq() == 0


def test_a_store_opened_for_reading_refuses_writes_and_says_why(db: Path, store: EventStore) -> None:
    store.append([ev()])
    with EventStore.open(db, write=False) as reader:
        assert reader.read_only == "it was opened for reading only"
        with pytest.raises(StoreError, match="read-only"):
            reader.append([ev()])
        assert reader.verify().ok
    assert store.last_seq() == 1


def test_create_never_follows_a_link_to_where_someone_else_chose(tmp_path: Path) -> None:
    target = tmp_path / "chosen-by-someone-else.ttx"
    link = tmp_path / "s.ttx"
    link.symlink_to(target)
    with pytest.raises(StoreError, match="symbolic link"):
        EventStore.create(link, meta={}, sources={})
    assert not target.exists()


def test_rows_the_store_never_writes_are_refused_with_the_seq(db: Path, store: EventStore) -> None:
    fill(store, 3)
    raw(db, "UPDATE events SET payload = CAST(payload AS BLOB) WHERE seq = 2")
    with pytest.raises(StoreError, match="event 2 holds a value of the wrong type"):
        store.read()
    result = store.verify()
    assert (result.ok, result.first_bad_seq, result.damage) == (False, 2, None)
    raw(db, "UPDATE events SET payload = '[2]' WHERE seq = 2")
    with pytest.raises(StoreError, match="payload of event 2 is not a JSON object"):
        store.read()


def test_a_trigger_in_the_file_is_refused_before_it_can_run(db: Path, store: EventStore) -> None:
    store.append([ev()])
    store.close()
    raw(db, "CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM meta; END")
    for attempt in (lambda: EventStore.open(db), lambda: EventStore.create(db, meta={}, sources={})):
        with pytest.raises(StoreError, match="trigger 'wipe', which tabletop does not create"):
            attempt()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] > 0
    conn.close()
