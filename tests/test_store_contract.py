"""The store contract, once for each store: a session file (SQLite) and a session in PostgreSQL behave alike.

Every test takes `store_db` (tests/conftest.py), a DB argument for a new session in one store or the other, and
reaches the store only through `open_store`/`create_store`, as every command does. Processes that write at once
are in test_store_contract_procs.py.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from _postgres import run_sql

from exercise.store import (
    GENESIS_HASH,
    StoreError,
    chain_hash,
    create_store,
    open_store,
    redact,
    session_exists,
)
from exercise.store.chain import canonical_json

META = {"scenario_id": "mini", "main": "mini.yaml"}
SOURCES = {"mini.yaml": "id: mini\n", "lib/x.yaml": "injects: []\n"}


def tick(i: int, **more: Any) -> dict[str, Any]:
    return {"type": "Tick", "v": 1, "i": i, **more}


def tamper(db: str, statement_sqlite: str, statement_pg: str, *params: object) -> None:
    """Change the stored log behind the store's back, as someone with the file or the database could."""
    if "#" in db:
        run_sql(db, statement_pg, db.split("#", 1)[1], *params)
    else:
        conn = sqlite3.connect(db)
        with conn:
            conn.execute(statement_sqlite, params)
        conn.close()


def test_append_and_read_give_back_what_was_stored(store_db: str) -> None:
    assert not session_exists(store_db)
    with create_store(store_db, meta=META, sources=SOURCES) as store:
        assert store.last_seq() == 0 and store.read() == []
        one = store.append([tick(1, text="café ☕ \u202e")])
        two = store.append([tick(2), {"type": "Other", "v": 2, "x": [1, 2]}])
        assert [e.seq for e in one + two] == [1, 2, 3]
        assert two[0].wall == two[1].wall  # one command, one moment
        assert store.read() == one + two
        assert store.read(after=1) == two
        assert [e.seq for e in store.read_types("Other")] == [3]
        assert store.meta == META and store.sources == SOURCES
    assert session_exists(store_db)
    with open_store(store_db, write=False) as again:
        rows = again.read()
    assert rows == one + two
    prev = GENESIS_HASH
    for row in rows:  # the same chain on both stores: the hash of (prev, seq, wall, canonical payload)
        assert row.hash == chain_hash(prev, row.seq, row.wall, canonical_json(row.payload))
        prev = row.hash


def test_a_bad_event_leaves_no_trace(store_db: str) -> None:
    with create_store(store_db, meta=META, sources=SOURCES) as store:
        store.append([tick(1)])
        with pytest.raises(StoreError):
            store.append([tick(2), {"type": "Bad", "v": 1, "x": float("nan")}])
        with pytest.raises(RuntimeError), store.write() as tx:
            tx.append([tick(3)])
            raise RuntimeError("the command failed after appending: the whole transaction goes")
        assert store.last_seq() == 1 and store.verify().ok


def test_write_reads_the_latest_log_under_its_lock(store_db: str) -> None:
    with create_store(store_db, meta=META, sources=SOURCES) as mine, open_store(store_db) as theirs:
        mine.append([tick(1)])
        theirs.append([tick(2)])
        with mine.write() as tx:
            assert [e.seq for e in tx.read_after(1)] == [2]
            (row,) = tx.append([tick(3)])
        assert row.seq == 3 and theirs.last_seq() == 3


def test_a_write_that_raises_lets_go_of_the_lock(store_db: str) -> None:
    """A command refused inside the write (the engine raises after reading) ends its transaction: another writer
    is not kept waiting, and the same store writes on."""
    import threading

    with create_store(store_db, meta=META, sources=SOURCES) as mine, open_store(store_db) as theirs:
        mine.append([tick(1)])
        with pytest.raises(RuntimeError), mine.write() as tx:
            assert [e.seq for e in tx.read_after(0)] == [1]
            raise RuntimeError("refused")
        done: list[int] = []
        other = threading.Thread(target=lambda: done.extend(e.seq for e in theirs.append([tick(2)])), daemon=True)
        other.start()
        other.join(30)
        assert done == [2], "the other writer waited for a lock the refused write should have let go"
        with mine.write() as tx:
            assert [e.seq for e in tx.read_after(1)] == [2]
            (row,) = tx.append([tick(3)])
        assert row.seq == 3 and theirs.verify().ok


def test_verify_passes_then_names_the_first_tampered_event(store_db: str) -> None:
    with create_store(store_db, meta=META, sources=SOURCES) as store:
        for i in range(1, 6):
            store.append([tick(i)])
        good = store.verify()
        assert good.ok and good.events == 5 and good.first_bad_seq is None
    tamper(store_db, "UPDATE events SET payload = replace(payload, '\"i\":3', '\"i\":33') WHERE seq = ?",
           "UPDATE ttx_events SET payload = replace(payload, '\"i\":3', '\"i\":33') WHERE session = %s AND seq = %s",
           3)
    with open_store(store_db, write=False) as store:
        bad = store.verify()
    assert not bad.ok and bad.first_bad_seq == 3 and "seq 3" in bad.message


def test_verify_notices_events_removed_from_the_end_and_writes_stop(store_db: str) -> None:
    with create_store(store_db, meta=META, sources=SOURCES) as store:
        store.append([tick(i) for i in range(1, 5)])
    tamper(store_db, "DELETE FROM events WHERE seq = ?", "DELETE FROM ttx_events WHERE session = %s AND seq = %s", 4)
    with open_store(store_db) as store:
        result = store.verify()
        assert not result.ok and result.first_bad_seq == 4 and "truncated" in result.message
        with pytest.raises(StoreError, match="damaged log"):
            store.append([tick(5)])  # writing on would move the head over the hole and hide it


def test_side_data_is_beside_the_log_never_in_it(store_db: str) -> None:
    with create_store(store_db, meta=META, sources=SOURCES) as store:
        store.append([tick(1)])
        head = store.verify().message
        store.set_side("presence", "team-a", '{"at": 1}')
        store.set_side("draft", "maren", "half a reason")
        store.set_side("presence", "team-a", '{"at": 2}')
        assert {k: e.value for k, e in store.side("presence").items()} == {"team-a": '{"at": 2}'}
        store.set_side("draft", "maren", None)
        assert store.side("draft") == {}
        assert store.last_seq() == 1 and store.verify().message == head


def test_creating_over_a_session_with_events_is_refused(store_db: str) -> None:
    with create_store(store_db, meta=META, sources=SOURCES) as store:
        store.append([tick(1)])
    with pytest.raises(StoreError, match="already holds 1 events"):
        create_store(store_db, meta=META, sources=SOURCES)
    with open_store(store_db) as store:
        assert store.last_seq() == 1


def test_news_of_another_writer(store_db: str) -> None:
    """`has_news` is what a console asks several times a second; `wait_for_news` what a server's bots wait on."""
    with create_store(store_db, meta=META, sources=SOURCES) as watcher, open_store(store_db) as writer:
        assert not watcher.has_news(0)
        assert not watcher.wait_for_news(0, 0.2)
        writer.append([tick(1)])
        assert watcher.wait_for_news(0, 5.0)
        assert watcher.has_news(0) and not watcher.has_news(1)


def test_passwords_never_appear_in_what_names_a_database() -> None:
    assert redact("postgresql://ann:s3cr%40t@db.example:5433/ttx#w1") == "postgresql://ann:***@db.example:5433/ttx#w1"
    assert redact("connect to postgres://bo:pw@h/d failed") == "connect to postgres://bo:***@h/d failed"
    assert redact("host=h password='a b' user=x") == "host=h password=*** user=x"
    assert redact("postgresql://h/db?password=hunter2&sslmode=require#s") == \
        "postgresql://h/db?password=***&sslmode=require#s"
    assert redact("postgresql://ann@h/db#s") == "postgresql://ann@h/db#s"  # no password: nothing to hide
    assert redact("sessions/a:b@c.sqlite") == "sessions/a:b@c.sqlite"  # not a URL


@pytest.mark.parametrize(("url", "says"), [
    ("postgresql://127.0.0.1:5432/test", "names no session"),
    ("postgresql://127.0.0.1:notaport/test#s", "not a PostgreSQL URL"),
    ("postgresql:/127.0.0.1/test#s", "not a PostgreSQL URL"),
    ("postgresql://ann:hunter2@127.0.0.1:1/test#s", "cannot connect"),
])
def test_a_bad_url_is_one_line_without_its_password(url: str, says: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert says in message and "hunter2" not in message and "\n" not in message


def test_an_unknown_session_is_named(pg_session: str) -> None:
    with pytest.raises(StoreError, match="no such session in this database"):
        open_store(pg_session)
