"""Several real processes on one session file, as team terminals are: nothing lost, doubled or stale.

Threads would not do: the point is SQLite's file locking between processes with separate connections.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from exercise.store import EventStore

REPO = Path(__file__).resolve().parents[1]
WRITERS = 3
PER_WRITER = 200
TIMEOUT_S = 120  # generous: a loaded CI box may be slow, a deadlock should still fail, not hang

# Each writer folds the log it has seen (here: counts it) and derives its next event from that state,
# inside the write lock. `counter` can equal `seq` for every row only if no writer ever decided on a
# stale view; with a read outside the lock, two writers would both claim the same counter.
WRITER = """
import sys, time
from pathlib import Path
from exercise.store import EventStore

path, writer, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
Path(f"{go}.{writer}.ready").touch()
deadline = time.monotonic() + 60
while not go.exists():  # start together, so that the writers really contend
    if time.monotonic() > deadline:
        sys.exit("never got the go signal")
    time.sleep(0.002)
seen = 0
last_counter = 0
with EventStore.open(path) as store:
    for i in range(count):
        with store.write() as tx:
            for event in tx.read_after(seen):
                assert event.payload["counter"] == last_counter + 1, "the log skipped or repeated a counter"
                last_counter = event.payload["counter"]
                seen = event.seq
            written = tx.append([{"type": "Tick", "v": 1, "writer": writer, "i": i, "counter": last_counter + 1}])
            last_counter += 1
            seen = written[-1].seq
        # Terminals pause between commands. Without a pause, SQLite's busy handler (a sleeping back-off,
        # not a queue) lets the writer that holds the lock take it again and again, and the writers would
        # mostly run one after the other instead of contending.
        time.sleep(0.001)
"""

# Prints each seq only after append returned, i.e. after the commit was acknowledged.
APPENDER = """
import sys
from exercise.store import EventStore

with EventStore.open(sys.argv[1]) as store:
    for i in range(100_000):
        (event,) = store.append([{"type": "Tick", "v": 1, "i": i}])
        print(event.seq, flush=True)
"""


def child_env() -> dict[str, str]:
    """Children import `exercise` from this checkout whether or not it is pip-installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_writers_decide_on_the_latest_state(tmp_path: Path) -> None:
    db = tmp_path / "shared.ttx"
    go = tmp_path / "go"
    EventStore.create(db, meta={"scenario_id": "two-writers"}, sources={}).close()
    procs = [spawn(WRITER, str(db), f"w{n}", str(PER_WRITER), str(go)) for n in range(WRITERS)]
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not all(Path(f"{go}.w{n}.ready").exists() for n in range(WRITERS)):
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
            assert time.monotonic() < deadline, "writers never became ready"
            time.sleep(0.01)
        go.touch()
        for proc in procs:
            _out, err = proc.communicate(timeout=TIMEOUT_S)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    with EventStore.open(db) as store:
        events = store.read()
        result = store.verify()
    total = WRITERS * PER_WRITER
    assert result.ok, result.message
    assert result.events == total
    assert [e.seq for e in events] == list(range(1, total + 1))
    assert [e.payload["counter"] for e in events] == list(range(1, total + 1))
    keys = Counter((e.payload["writer"], e.payload["i"]) for e in events)
    assert keys == Counter({(f"w{n}", i): 1 for n in range(WRITERS) for i in range(PER_WRITER)})
    for n in range(WRITERS):  # each writer's own events stay in the order it wrote them
        assert [e.payload["i"] for e in events if e.payload["writer"] == f"w{n}"] == list(range(PER_WRITER))
    # The test proves something only if the writers contended: run one after the other, they would
    # switch WRITERS-1 times along the log (several hundred switches is typical here).
    writers_in_order = [e.payload["writer"] for e in events]
    switches = sum(a != b for a, b in pairwise(writers_in_order))
    assert switches >= 2 * WRITERS, f"writers barely interleaved ({switches} switches); no contention tested"


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is a POSIX notion")
def test_acknowledged_events_survive_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "killed.ttx"
    EventStore.create(db, meta={}, sources={}).close()
    proc = spawn(APPENDER, str(db))
    acknowledged: list[int] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= 100:
                break
        assert len(acknowledged) >= 100, proc.stderr.read() if proc.stderr else ""
        proc.kill()  # SIGKILL: no atexit, no close, possibly mid-transaction
        rest, _err = proc.communicate(timeout=TIMEOUT_S)
        acknowledged += [int(line) for line in rest.split()]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    with EventStore.open(db) as store:
        result = store.verify()
        present = [e.seq for e in store.read()]
        assert result.ok, result.message
        assert set(acknowledged) <= set(present)
        assert present == list(range(1, len(present) + 1))
        # The log goes on from where the killed writer stopped.
        assert store.append([{"type": "Resumed", "v": 1}])[0].seq == len(present) + 1
