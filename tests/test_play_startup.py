"""`tabletop play` starts as fast as Textual allows: what it loads before the launcher's first frame.

Speed itself is measured by `make bench` (bench/bench_launcher.py), never asserted: these machines are shared
and noisy. What is tested is what makes the difference: the plain `play` lines skip typer's parser (which
loads pydantic), and the first frame needs neither the engine's models nor the store.

The plain lines are read by cli/_fast.py from play's own typer signature; each is checked here against what
typer itself gives the command for the same words, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from harness import REPO, TUTORIAL, cli_env, in_process, no_traceback

from exercise.cli import play
from exercise.cli._app import TtxGroup
from exercise.cli._fast import simple_call

# Lines a person types: the fast path must read every one of them, as typer would.
PLAIN = [
    [],
    ["tutorial"],
    ["tutorial", "--solo", "maren", "--seed", "7"],
    ["--seed=0042", "dry-river"],
    ["--db", "sessions/x.sqlite", "--team", "norvia"],
    ["--db=s.sqlite"],
    ["scenario.yaml", "--db", "s.sqlite", "--solo", "[bold]x[/]"],
    ["northern-shield", "--db", "w.sqlite", "--facilitate", "--bot", "estrava=cautious", "--bot=lindmark=hawkish"],
]
# Lines only typer reads: help, checked or odd values, mistakes. Typer says what they mean.
TYPERS = [
    ["--help"],
    ["-h"],
    ["tutorial", "--help"],
    ["--seed", "7.0"],
    ["--seed", "-1"],
    ["--seed", "x"],
    ["--seed"],
    ["--team", ""],
    ["--solo", "a", "--solo", "b"],
    ["--library-path", "."],
    ["--library-path=nowhere"],
    ["a", "b"],
    ["--", "tutorial"],
    ["-"],
    ["--bogus"],
    ["--db"],
    ["--team=-x"],
]


def _as_typer_reads(args: list[str]) -> dict[str, Any]:
    """The keyword arguments typer calls `play` with for these words (play itself is not run)."""
    seen: dict[str, Any] = {}

    @functools.wraps(play.play)
    def record(**kwargs: Any) -> None:
        seen.update(kwargs)

    app = typer.Typer(cls=TtxGroup)
    app.command("play")(record)
    app.command("other")(lambda: None)  # two commands, so that `play` is named on the line as in tabletop
    typer.main.get_command(app).main(["play", *args], standalone_mode=False)
    return seen


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_a_plain_play_line_is_read_as_typer_reads_it(args: list[str]) -> None:
    fast = simple_call(play.play, args)
    assert fast is not None
    assert fast == _as_typer_reads(args)


@pytest.mark.parametrize("args", TYPERS, ids=" ".join)
def test_any_other_play_line_is_left_to_typer(args: list[str]) -> None:
    assert simple_call(play.play, args) is None


def test_a_command_with_a_parameter_that_acts_on_its_own_is_left_to_typer() -> None:
    def with_callback(name: str | None = typer.Option(None, "--name", callback=lambda v: v)) -> None: ...

    def with_envvar(name: str | None = typer.Option(None, "--name", envvar="NAME")) -> None: ...

    def required(name: str = typer.Argument(...)) -> None: ...

    def plain(name: str | None = typer.Option(None, "--name"), on: bool = typer.Option(False, "--on")) -> None: ...

    for command in (with_callback, with_envvar, required):
        assert simple_call(command, []) is None
    assert simple_call(plain, ["--on", "--name", "x"]) == {"name": "x", "on": True}
    assert simple_call(plain, ["--on=yes"]) is None


def test_play_errors_and_help_are_typers_as_before() -> None:
    bogus = in_process("play", "--bogus")
    assert bogus.returncode == 2 and "No such option: --bogus" in bogus.stderr
    no_traceback(bogus)
    seed = in_process("play", "tutorial", "--seed", "x")
    assert seed.returncode == 2 and "'--seed'" in seed.stderr
    helped = in_process("play", "--help")
    assert helped.returncode == 0 and "Usage: tabletop play [OPTIONS] [SCENARIO]" in helped.stdout
    # A plain line goes the fast way and ends in the same words as typer's way did: here, no terminal.
    plain = in_process("play", "tutorial", "--solo", "nobody")
    assert plain.returncode == 1
    assert plain.stderr.startswith("error: 'nobody' is not a nation of ")


# What `tabletop play` has loaded when it hands the app to the terminal, run in a pseudo-terminal (play
# refuses to start without one), with the terminal's part replaced by a note of sys.modules.
HANDED_OVER = """
import json, sys
import exercise.cli.play as play

def handed_over(app):
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(sys.modules), out)

play.run_in_terminal = handed_over
from exercise.cli import main
sys.exit(main(["play", *sys.argv[2:]]))
"""

# What the app has loaded at the launcher's first frame with content (the frame bench_launcher.py times).
FIRST_FRAME = """
import asyncio, json, sys
from pathlib import Path
from exercise.ui.app import make_app
from exercise.ui.config import AppConfig

async def main():
    app = make_app(AppConfig(workdir=Path(sys.argv[2])))
    display, seen = app._display, []

    def shown(screen, renderable):
        display(screen, renderable)
        if renderable is not None and not seen and getattr(screen, "info", None) is not None:
            seen.append(sorted(sys.modules))

    app._display = shown
    async with app.run_test(size=(120, 40)) as pilot:
        while not seen:
            await pilot.pause()
    with open(sys.argv[1], "w") as out:
        json.dump(seen[0], out)

asyncio.run(main())
"""

# Loaded only for what follows the first frame: the set-up form, compiling a scenario, a session.
AFTER_THE_FIRST_FRAME = ("pydantic", "jinja2", "exercise.engine.compile", "exercise.engine.models", "exercise.live",
                         "exercise.store", "sqlite3", "exercise.ui.widgets.setup_form", "exercise.ui.controller")


def _run_in_a_terminal(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    master, slave = os.openpty()
    try:
        return subprocess.run([sys.executable, "-c", script, *args], stdin=slave, stdout=slave, stderr=slave,
                              cwd=cwd, env=cli_env(), timeout=120)
    finally:
        os.close(slave)
        os.close(master)


def test_play_hands_the_launcher_to_the_terminal_without_typers_parser(tmp_path: Path) -> None:
    out = tmp_path / "modules.json"
    done = _run_in_a_terminal(HANDED_OVER, str(out), cwd=tmp_path)
    assert done.returncode == 0
    loaded = set(json.loads(out.read_text()))
    assert "exercise.ui.app" in loaded  # the app was made
    assert "typer._adapters" not in loaded  # typer's parser, which brings pydantic
    other_commands = {"exercise.cli.author", "exercise.cli.run", "exercise.cli.report_cmd", "exercise.cli.simulate"}
    assert not loaded & other_commands
    assert not {m for m in loaded if m.split(".")[0] in {"pydantic", "yaml", "jinja2", "sqlite3"}}


def test_play_with_a_scenario_still_reports_a_broken_one_before_the_screen(tmp_path: Path) -> None:
    """The fast way keeps play's own checks: a scenario is compiled before the terminal is taken over."""
    out = tmp_path / "modules.json"
    done = _run_in_a_terminal(HANDED_OVER, str(out), str(TUTORIAL), "--seed", "7", cwd=tmp_path)
    assert done.returncode == 0
    assert "exercise.engine.compile" in set(json.loads(out.read_text()))


def test_the_launchers_first_frame_needs_neither_the_engines_models_nor_the_store(tmp_path: Path) -> None:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(out), str(tmp_path)], capture_output=True,
                          text=True, cwd=REPO, env=cli_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(out.read_text()))
    assert "exercise.ui.screens.launcher" in loaded
    early = {m for m in loaded if any(m == name or m.startswith(name + ".") for name in AFTER_THE_FIRST_FRAME)}
    assert early == set()
