"""The console a served connection runs: its role's console, and never the launcher."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from _serve_support import facilitated_mini

from exercise.serve.console import DB_VARIABLE, console_argv, console_environment, served_app
from exercise.store import locate
from exercise.ui.config import AppConfig
from exercise.ui.screens import launcher
from exercise.ui.screens.observer import ObserverScreen
from exercise.ui.screens.team import TeamScreen


async def _screens(config: AppConfig, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int | None]:
    """The screens the served app made (by class name) and its exit code."""
    made: list[str] = []
    real = launcher.LauncherScreen.__init__

    def recording(self: launcher.LauncherScreen, *args: Any, **kwargs: Any) -> None:
        made.append("LauncherScreen")
        real(self, *args, **kwargs)

    monkeypatch.setattr(launcher.LauncherScreen, "__init__", recording)
    app = served_app(config)
    async with app.run_test():
        for _ in range(40):
            await asyncio.sleep(0.05)
            if app.return_code is not None or any(isinstance(s, (TeamScreen, ObserverScreen))
                                                  for s in app.screen_stack):
                break
        made += [type(s).__name__ for s in app.screen_stack]
    return made, app.return_code


async def test_a_team_cookie_opens_that_teams_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = facilitated_mini(tmp_path)
    screens, code = await _screens(AppConfig(db=served.db, team="norvia", workdir=tmp_path), monkeypatch)
    assert "TeamScreen" in screens and "LauncherScreen" not in screens
    assert code in (None, 0)


async def test_a_console_that_cannot_open_its_session_stops_instead_of_offering_the_launcher(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = facilitated_mini(tmp_path)
    screens, code = await _screens(AppConfig(db=served.db, team="atlantis", workdir=tmp_path), monkeypatch)
    assert "LauncherScreen" not in screens
    assert code == 1


def test_the_role_reaches_the_console_as_words_on_its_command_line_and_the_session_in_its_environment(
        tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert console_argv("team:norvia")[-3:] == ["exercise.serve.console", "--team", "norvia"]
    assert console_argv("control")[-1] == "--facilitator"
    assert console_argv("observer")[-1] == "--observer"
    assert console_argv("control", "http://h:8000")[-3:] == ["--facilitator", "--served-at", "http://h:8000"]
    with pytest.raises(ValueError, match="no console"):
        console_argv("admin")
    assert console_environment(db) == {DB_VARIABLE: str(db)}
    url = "postgresql://ttx:Sekr3t@db.example/x#seminar 3"
    assert console_environment(locate(url)) == {DB_VARIABLE: "postgresql://ttx:Sekr3t@db.example/x#seminar%203"}
    assert locate(console_environment(locate(url))[DB_VARIABLE]) == locate(url)  # the console reads it back


async def test_an_observer_cookie_opens_the_observers_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = facilitated_mini(tmp_path)
    screens, code = await _screens(AppConfig(db=served.db, observer=True, workdir=tmp_path), monkeypatch)
    assert "ObserverScreen" in screens and "LauncherScreen" not in screens
    assert code in (None, 0)


async def test_the_served_facilitator_says_teams_join_at_the_address_never_with_a_command(
        tmp_path: Path) -> None:
    """Under serve, the Teams panel, the join list (c) and F1 give the address and say each team brings its own
    code; no `tabletop play` command (useless in a browser) and no code (the console may be on a projector)."""
    from textual.widgets import Static

    from exercise.ui.screens.join import JoinScreen
    from exercise.ui.widgets.team_status import TeamStatusPanel

    served = facilitated_mini(tmp_path)
    url = "http://127.0.0.1:8123"
    app = served_app(AppConfig(db=served.db, served_at=url, workdir=tmp_path))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#teams-panel", TeamStatusPanel)
        words = "\n".join(line.plain for line in panel.status_lines())
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, JoinScreen)
        words += "\n" + str(app.screen.query_one("#join-where", Static).render())
        await pilot.press("escape", "f1")
        await pilot.pause()
        words += "\n" + str(app.screen.query_one("#help-session", Static).render())
    assert f"join: {url} with its join code" in words
    assert "in a browser" in words and url in words
    assert "tabletop play" not in words
    for code in (served.codes.facilitator, served.codes.observer, *served.codes.teams.values()):
        assert code not in words


PARENT = """
import os, subprocess, sys, time
console = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
print(console.pid, flush=True)
time.sleep(3)  # the console starts, then its server dies without a word
os._exit(0)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_a_console_whose_server_was_killed_outright_stops(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    from harness import cli_env

    served = facilitated_mini(tmp_path)
    env = cli_env({"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "COLUMNS": "80", "ROWS": "24",
                   **console_environment(served.db)})
    parent = subprocess.Popen([sys.executable, "-c", PARENT, *console_argv("team:norvia")], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    try:
        assert parent.wait(timeout=20) == 0
        time.sleep(0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.1)
        assert not _running(pid)
    finally:
        if _running(pid):
            os.kill(pid, 9)


async def test_served_words_name_no_command_and_the_observer_is_offered_no_facilitators_act(
        tmp_path: Path) -> None:
    """F1 and the quit question in a browser: no `tabletop play` command to type (the page is the way back), and
    the observer's help hands out no join list and no facilitator's key ('c ... copies one')."""
    from textual.widgets import Static

    from exercise.ui.widgets.confirm import ConfirmScreen

    served = facilitated_mini(tmp_path)
    url = "http://127.0.0.1:8123"
    said: dict[str, str] = {}
    for role, kwargs in (("observer", {"observer": True}), ("team", {"team": "norvia"})):
        app = served_app(AppConfig(db=served.db, served_at=url, workdir=tmp_path, **kwargs))  # type: ignore[arg-type]
        async with app.run_test(size=(120, 50)) as pilot:
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            words = "\n".join([*(str(app.screen.query_one(f"#{part}", Static).render())
                                for part in ("help-session", "guide")),
                              *(row.help for row in app.screen.rows)])  # type: ignore[attr-defined]
            await pilot.press("escape", "ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            said[role] = words + "\n" + str(app.screen.query_one(Static).render())
            await pilot.press("escape")
    for role, words in said.items():
        assert "tabletop play" not in words and "reload this page" in words, (role, words)
    assert "copies one" not in said["observer"] and url not in said["observer"]
    assert "You give no commands" in said["observer"] and "pick an option" not in said["observer"]
    assert "with anything you had not sent" in said["team"]
