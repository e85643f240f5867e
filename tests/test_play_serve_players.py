"""`--player NATION="NAME OR ROLE"` on `tabletop play --facilitate` and `tabletop serve SCENARIO`: who plays each
nation, stored in SessionStarted's `players` by the same parser as `tabletop run --player`; a line that cannot
is one clear line and exit 1, before anything is created."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import MINI, in_process, tabletop
from test_play_terminal import Terminal, play

NAMED = 'ostrand=Cdr.  Ada [b]Lovelace[/b], MoD'


def started(cwd: Path, db: str | Path) -> dict[str, object]:
    log = tabletop("log", db, "--json", cwd=cwd)
    assert log.returncode == 0, log.stderr
    first: dict[str, object] = json.loads(log.stdout.splitlines()[0])
    assert first["type"] == "SessionStarted"
    return first


def one_line_exit_1(done: subprocess.CompletedProcess[str], says: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("args", "says"), [
    (["tutorial", "--db", "w.sqlite", "--player", "maren=X"], "--player names who plays a new facilitated "
     "session's nations: give --facilitate too"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--player", "narnia=X"],
     "--player narnia=X: 'narnia' is not a nation of Tutorial: Harbour Lights (nations: maren, ostrand, tarvos)"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--player", "maren"], '--player maren: give NATION="name or '
     'role"'),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--player", "maren=A", "--player", "maren=B"],
     "--player names maren twice"),
])
def test_a_line_play_cannot_run_is_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    one_line_exit_1(tabletop("play", *args, cwd=tmp_path), says)
    assert not (tmp_path / "w.sqlite").exists()


@pytest.fixture
def consoles() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        t.close()


def test_play_facilitate_stores_who_plays_each_nation(tmp_path: Path, consoles: list[Terminal]) -> None:
    t = play(consoles, tmp_path, "tutorial", "--db", "w.sqlite", "--facilitate", "--player", NAMED,
             "--player", "tarvos=Team Tarvos")
    t.shows("MSEL")
    t.send(b"\x11")
    t.shows("Quit?")
    t.send(b"y")
    assert t.finish() == 0
    first = started(tmp_path, "w.sqlite")
    assert first["mode"] == "facilitated"
    assert first["players"] == {"ostrand": "Cdr. Ada [b]Lovelace[/b], MoD", "tarvos": "Team Tarvos"}


@pytest.mark.parametrize(("args", "says"), [
    (["--player", "atlantis=X"], "'atlantis' is not a nation of Mini"),
    (["--player", "norvia="], 'give NATION="name or role"'),
])
def test_a_line_serve_cannot_run_is_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    pytest.importorskip("textual_serve")
    one_line_exit_1(in_process("serve", MINI, "--db", tmp_path / "s.sqlite", *args), says)
    assert not (tmp_path / "s.sqlite").exists()


def test_serve_stores_who_plays_and_an_existing_session_keeps_its_names(tmp_path: Path) -> None:
    pytest.importorskip("textual_serve")
    from test_serve_cli import Serving

    db = tmp_path / "s.sqlite"
    serving = Serving(tmp_path, MINI, "--db", db, "--player", "norvia=Norvia's cabinet", "--bot", "kessland=cautious")
    serving.stop()
    first = started(tmp_path, db)
    assert first["players"] == {"norvia": "Norvia's cabinet"}
    assert first["teams"] == {"norvia": "human", "kessland": "bot:cautious"}
    one_line_exit_1(in_process("serve", "--db", db, "--player", "norvia=Someone else"),
                    "--player names who plays a new session's nations: give the SCENARIO too")
    assert started(tmp_path, db)["players"] == {"norvia": "Norvia's cabinet"}
