"""`tabletop play SCENARIO --db DB --facilitate [--bot NATION=PROFILE]... [--seed N]`: the facilitator's console
on a new session, no launcher; a line that cannot do that is one clear line and exit 1, before any screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import tabletop
from test_play_terminal import Terminal, play


@pytest.mark.parametrize(("args", "says"), [
    (["--facilitate", "--db", "w.sqlite"], "--facilitate starts a new session: give the SCENARIO to run"),
    (["tutorial", "--facilitate"], "--facilitate needs the new session's file: --db FILE"),
    (["tutorial", "--db", "w.sqlite", "--bot", "maren=cautious"], "--bot chooses the bots of a new facilitated "
     "session: give --facilitate too"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--solo", "maren"], "give one of them"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--bot", "narnia=cautious"],
     "--bot narnia=cautious: 'narnia' is not a nation of Tutorial: Harbour Lights (nations: maren, ostrand, tarvos)"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--bot", "maren=sleepy"],
     "--bot maren=sleepy: 'sleepy' is not a bot profile (profiles: cautious, cooperative, self-interested, "
     "hawkish, random)"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--bot", "maren"], "--bot maren: give NATION=PROFILE"),
    (["tutorial", "--db", "w.sqlite", "--facilitate", "--bot", "maren=cautious", "--bot", "maren=hawkish"],
     "--bot names maren twice"),
])
def test_a_line_play_facilitate_cannot_run_is_one_line_and_exit_1(tmp_path: Path, args: list[str], says: str) -> None:
    done = tabletop("play", *args, cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr and "ttx" not in done.stderr
    assert not (tmp_path / "w.sqlite").exists()  # nothing was created


def test_an_existing_file_is_never_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    db.write_bytes(b"a facilitator's notes, not a session")
    done = tabletop("play", "tutorial", "--db", "w.sqlite", "--facilitate", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["error: w.sqlite already exists: --facilitate starts a new session in a new "
                                        "file (tabletop play --db w.sqlite returns to this one)"]
    assert db.read_bytes() == b"a facilitator's notes, not a session"


@pytest.fixture
def consoles() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        t.close()


def test_play_facilitate_opens_the_facilitators_console_on_a_new_file(tmp_path: Path,
                                                                      consoles: list[Terminal]) -> None:
    t = play(consoles, tmp_path, "tutorial", "--db", "w.sqlite", "--facilitate", "--bot", "maren=cautious",
             "--seed", "3")
    t.shows("MSEL")  # the facilitator's console itself, not the launcher
    assert "Sessions to resume" not in t.text()
    t.send(b"\x11")  # ctrl+q: asks first, with a session open
    t.shows("Quit?")
    t.send(b"y")
    assert t.finish() == 0
    assert t.after_the_app() == ["The session is saved in w.sqlite: `tabletop play --db w.sqlite` returns to it."]
    log = tabletop("log", "w.sqlite", "--json", cwd=tmp_path)
    assert log.returncode == 0, log.stderr
    events = [json.loads(line) for line in log.stdout.splitlines()]
    started = events[0]
    assert started["type"] == "SessionStarted" and started["mode"] == "facilitated" and started["seed"] == 3
    assert started["teams"] == {"maren": "bot:cautious", "ostrand": "human", "tarvos": "human"}
    # Maren's turn-1 decision was taken by its bot as the console opened, before any advance.
    assert any(e["type"] == "DecisionTaken" and e["team"] == "maren" and e["by"] == "bot" for e in events)
    assert not any(e["type"] == "ClockAdvanced" for e in events)
