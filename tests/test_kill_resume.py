"""Kill -9 in the middle of `tabletop run`, run it again: the log ends as an uninterrupted run's, nothing doubled.

A command's events are stored in one transaction, bots choose from (seed, position in the log) and a
script's progress is read from the log itself, so a resumed process continues exactly where the killed
one stopped.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from _session_log import log_without_wall, verified
from harness import cli_env, command, in_process, tabletop

REPO = Path(__file__).resolve().parents[1]
TUTORIAL = REPO / "scenarios" / "tutorial" / "scenario.yaml"
MINI = REPO / "tests" / "fixtures" / "mini.yaml"
SHARE = REPO / "tests" / "fixtures" / "scripts" / "mini-share.yaml"

pytestmark = pytest.mark.xdist_group("kill")


def run_here(*args: object) -> int:
    """`tabletop ARGS` through `main()` in this process: the uninterrupted reference runs (also a check that an
    in-process run and a separate process store the same events)."""
    return in_process(*args).returncode


def stored(db: Path) -> tuple[int, bool]:
    """(events committed, ended?), read straight from the file while the writer runs."""
    if not db.exists():
        return 0, False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT max(seq), sum(type = 'SessionEnded') FROM events").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, False  # not created yet
    return int(row[0] or 0), bool(row[1])


def kill_after(args: list[object], db: Path, events: int, limit: float = 60) -> int:
    """Start `tabletop run`, SIGKILL it once at least `events` are stored (the game not yet over)."""
    proc = subprocess.Popen(command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=cli_env())
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            count, ended = stored(db)
            if ended or proc.poll() is not None:
                pytest.fail(f"the run finished before it could be killed (at {count} events); slow it with --pace")
            if count >= events:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        else:
            pytest.fail("the run never reached the kill point")
    finally:
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    count, ended = stored(db)
    assert count >= events and not ended
    return count


@pytest.fixture(scope="module")
def bots_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db = tmp_path_factory.mktemp("ref") / "b.sqlite"
    assert run_here("run", TUTORIAL, "--db", db, "--bots", "--seed", "5") == 0
    events = log_without_wall(db, via_cli=False)
    assert events[-1]["type"] == "SessionEnded" and len(events) > 15
    assert verified(db)
    return db, events


@pytest.mark.parametrize("point", [0.1, 0.45, 0.8])
def test_bots_run_killed_and_resumed_matches_an_uninterrupted_run(
        tmp_path: Path, bots_reference: tuple[Path, list[dict[str, Any]]], point: float) -> None:
    _, want = bots_reference
    db = tmp_path / "a.sqlite"
    at = max(2, int(len(want) * point))
    args: list[object] = ["run", TUTORIAL, "--db", db, "--bots", "--seed", "5"]
    killed_at = kill_after([*args, "--pace", "0.15"], db, at)
    assert killed_at < len(want)
    resumed = tabletop(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed at turn" in resumed.stdout
    got = log_without_wall(db, via_cli=point == 0.1)  # through `tabletop log --json` once; in-process otherwise
    assert [e["seq"] for e in got] == list(range(1, len(got) + 1))  # none doubled, none missing
    assert got == want
    if point == 0.1:
        check = tabletop("verify", db)
        assert check.returncode == 0, check.stdout + check.stderr
    else:
        assert verified(db)
    if point == 0.8:
        again = tabletop(*args)  # a finished session: said so, nothing added
        assert again.returncode == 0 and "already ended" in again.stdout
        assert len(log_without_wall(db, via_cli=False)) == len(want)


def test_script_run_killed_and_resumed_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    ref = tmp_path / "ref.sqlite"
    assert run_here("run", MINI, "--db", ref, "--script", SHARE) == 0
    want = log_without_wall(ref, via_cli=False)
    db = tmp_path / "a.sqlite"
    args: list[object] = ["run", MINI, "--db", db, "--script", SHARE]
    kill_after([*args, "--pace", "0.3"], db, len(want) // 2)
    resumed = tabletop(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed at turn" in resumed.stdout
    assert log_without_wall(db, via_cli=True) == want
    assert verified(db)


def test_two_bot_runners_on_one_file_make_one_game(tmp_path: Path,
                                                   bots_reference: tuple[Path, list[dict[str, Any]]]) -> None:
    """A second `tabletop run --bots` joining a running one: every command decides on the latest state in its
    own transaction, so together they play exactly the game one runner plays alone."""
    _, want = bots_reference
    db = tmp_path / "a.sqlite"
    args: list[object] = ["run", TUTORIAL, "--db", db, "--bots", "--seed", "5"]
    first = subprocess.Popen(command(*args, "--pace", "0.1"), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env())
    try:
        deadline = time.monotonic() + 60
        while stored(db)[0] < 3 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.005)
        second = tabletop(*args)
    finally:
        _, first_err = first.communicate(timeout=120)
    assert second.returncode == 0, second.stderr
    assert first.returncode == 0, first_err
    assert log_without_wall(db, via_cli=False) == want
    assert verified(db)
