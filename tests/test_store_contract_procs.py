"""The store contract with real processes, once for each store: writers that contend, a subscriber that follows
them, clients killed with SIGKILL, and (PostgreSQL) a server that crashes and comes back.

Processes, not threads: the point is separate connections with nothing shared but the store.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from _postgres import drop_session, fresh_session, throwaway_server
from _session_log import log_without_wall, verified
from harness import REPO, cli_env, command, in_process, tabletop

from exercise.store import StoreError, create_store, open_store

TUTORIAL = REPO / "scenarios" / "tutorial" / "scenario.yaml"
TIMEOUT_S = 120  # generous for a loaded machine; a deadlock still fails rather than hangs
PER_WRITER = 60

pytestmark = pytest.mark.xdist_group("store-procs")

# Each writer derives its next event from the log it has folded (a counter), inside the write lock: `counter`
# can equal `seq` on every row only if no writer ever decided on a stale view.
WRITER = """
import sys, time
from pathlib import Path
from exercise.store import open_store

db, writer, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
Path(f"{go}.{writer}.ready").touch()
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("never got the go signal")
    time.sleep(0.002)
seen = last = 0
with open_store(db) as store:
    for i in range(count):
        with store.write() as tx:
            for event in tx.read_after(seen):
                assert event.payload["counter"] == last + 1, "the log skipped or repeated a counter"
                last, seen = event.payload["counter"], event.seq
            (row,) = tx.append([{"type": "Tick", "v": 1, "writer": writer, "i": i, "counter": last + 1}])
            last, seen = last + 1, row.seq
        time.sleep(0.001)  # terminals pause between commands
"""

# Follows the log as a console does: wait for the doorbell (SQLite: the cheap check), then catch up by seq.
# Prints each seq with how long after its commit it was seen.
SUBSCRIBER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from exercise.store import open_store

db, total, ready = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
seen = 0
with open_store(db) as store:
    store.has_news(0)  # starts listening before the writers start
    ready.touch()
    deadline = time.monotonic() + 120
    while seen < total and time.monotonic() < deadline:
        if store.wait_for_news(seen, 1.0):
            for row in store.read(after=seen):
                at = datetime.fromisoformat(row.wall.replace("Z", "+00:00"))
                late = (datetime.now(timezone.utc) - at).total_seconds()
                print(row.seq, round(late, 3), flush=True)
                seen = row.seq
"""

# Prints each seq only once append returned, i.e. once the commit was acknowledged.
APPENDER = """
import sys
from exercise.store import open_store

with open_store(sys.argv[1]) as store:
    for i in range(100_000):
        (event,) = store.append([{"type": "Tick", "v": 1, "i": i}])
        print(event.seq, flush=True)
"""


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *args], env=cli_env(), cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def new_session(db: str) -> None:
    create_store(db, meta={"main": "x.yaml"}, sources={"x.yaml": "x"}).close()


def run_writers(db: str, tmp_path: Path, writers: int) -> list[subprocess.Popen[str]]:
    go = tmp_path / "go"
    procs = [spawn(WRITER, db, f"w{n}", str(PER_WRITER), str(go)) for n in range(writers)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"go.w{n}.ready").exists() for n in range(writers)):
        assert time.monotonic() < deadline, "writers never started"
        time.sleep(0.01)
    go.touch()
    return procs


def finish(procs: list[subprocess.Popen[str]]) -> list[str]:
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT_S)
        assert proc.returncode == 0, err
        outs.append(out)
    return outs


@pytest.mark.parametrize("writers", [2, 3])
def test_writers_in_separate_processes_decide_on_the_latest_state(store_db: str, tmp_path: Path,
                                                                   writers: int) -> None:
    new_session(store_db)
    finish(run_writers(store_db, tmp_path, writers))
    with open_store(store_db) as store:
        rows = store.read()
        assert store.verify().ok
    assert [r.seq for r in rows] == list(range(1, writers * PER_WRITER + 1))
    assert all(r.payload["counter"] == r.seq for r in rows)
    assert Counter(r.payload["writer"] for r in rows) == {f"w{n}": PER_WRITER for n in range(writers)}
    for n in range(writers):  # each writer's own events in its order
        mine = [r.payload["i"] for r in rows if r.payload["writer"] == f"w{n}"]
        assert mine == sorted(mine)
    switches = sum(a.payload["writer"] != b.payload["writer"] for a, b in pairwise(rows))
    assert switches > writers, "the writers never interleaved: the test did not test contention"


def test_a_subscriber_sees_every_event_once_in_order_within_a_second(store_db: str, tmp_path: Path) -> None:
    new_session(store_db)
    ready = tmp_path / "subscribed"
    follower = spawn(SUBSCRIBER, store_db, str(2 * PER_WRITER), str(ready))
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert follower.poll() is None, follower.communicate()[1]
        assert time.monotonic() < deadline, "the subscriber never started"
        time.sleep(0.01)
    finish(run_writers(store_db, tmp_path, 2))
    (out,) = finish([follower])
    lines = [line.split() for line in out.splitlines()]
    assert [int(seq) for seq, _ in lines] == list(range(1, 2 * PER_WRITER + 1))
    lateness = sorted(float(late) for _, late in lines)
    assert lateness[len(lateness) // 2] < 1.0, f"half the events took over a second to be seen: {lateness}"


def test_acknowledged_events_survive_kill_9_of_the_client(store_db: str) -> None:
    new_session(store_db)
    proc = spawn(APPENDER, store_db)
    assert proc.stdout is not None
    acknowledged = 0
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 40:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with open_store(store_db) as store:
        assert store.last_seq() >= acknowledged  # one more may have committed before its seq was printed
        assert store.verify().ok
        (row,) = store.append([{"type": "Tick", "v": 1, "i": -1}])  # and the session goes on
        assert row.seq == store.last_seq()


def kill_run_after(args: list[object], db: str, events: int) -> None:
    proc = subprocess.Popen(command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO,
                            env=cli_env())
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the run finished before it could be killed: slow it with --pace"
            try:
                with open_store(db, write=False) as store:
                    count = store.last_seq()
            except StoreError:  # not created yet
                count = 0
            if count >= events:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
        else:
            pytest.fail("the run never reached the kill point")
    finally:
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def bots_reference(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    db = tmp_path_factory.mktemp("ref") / "b.sqlite"
    assert in_process("run", TUTORIAL, "--db", db, "--bots", "--seed", "5").returncode == 0
    return log_without_wall(db)


def test_a_run_killed_and_resumed_ends_as_the_uninterrupted_one(store_db: str,
                                                                bots_reference: list[dict[str, Any]]) -> None:
    args: list[object] = ["run", TUTORIAL, "--db", store_db, "--bots", "--seed", "5"]
    kill_run_after([*args, "--pace", "0.15"], store_db, len(bots_reference) // 2)
    resumed = tabletop(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed at turn" in resumed.stdout
    got = log_without_wall(store_db)
    assert got == bots_reference
    assert verified(store_db)


def test_copy_between_stores_is_verbatim_and_never_overwrites(tmp_path: Path, pg_session: str,
                                                              bots_reference: list[dict[str, Any]]) -> None:
    src = tmp_path / "src.sqlite"
    assert in_process("run", TUTORIAL, "--db", src, "--bots", "--seed", "5").returncode == 0
    up = tabletop("copy", src, pg_session)
    assert up.returncode == 0, up.stderr
    back = tmp_path / "back.sqlite"
    down = tabletop("copy", pg_session, back)
    assert down.returncode == 0, down.stderr
    logs = []
    for db in (src, pg_session, back):
        check = tabletop("verify", db)
        assert check.returncode == 0, check.stdout + check.stderr
        done = tabletop("log", db, "--json")
        logs.append([json.loads(line) for line in done.stdout.splitlines()])
    assert logs[0] == logs[1] == logs[2]  # wall times and hashes included
    assert [{k: v for k, v in r.items() if k not in ("wall", "hash")} for r in logs[0]] == bots_reference
    again = tabletop("copy", src, pg_session)
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    onto_file = tabletop("copy", pg_session, back)
    assert onto_file.returncode == 1 and "already exists" in onto_file.stderr


def test_acknowledged_events_survive_a_crash_of_the_server(tmp_path: Path) -> None:
    """A throwaway server (never the shared one) stopped with -m immediate mid-session and started again: what
    append acknowledged is there, and the same store carries on once it can reach the server."""
    server = throwaway_server()
    db = fresh_session(server.url, "crash")
    try:
        store = create_store(db, meta={"main": "x.yaml"}, sources={"x.yaml": "x"})
        acked = [store.append([{"type": "Tick", "v": 1, "i": i}])[0].seq for i in range(30)]
        server.stop(immediate=True)
        with pytest.raises(StoreError, match=r"cannot be reached|cannot connect"):
            store.append([{"type": "Tick", "v": 1, "i": 99}])
        server.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                assert store.last_seq() == acked[-1]
                break
            except StoreError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        (row,) = store.append([{"type": "Tick", "v": 1, "i": 30}])
        assert row.seq == 31 and store.verify().ok
        store.close()
    finally:
        drop_session(db)
        server.close()
