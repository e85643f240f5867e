"""What reaches a person when something fails inside the app: one line, the details in errors.log, and an exit
status that says so (a clean quit is 0; a stop on an error never is).

Under test (headless) the app re-raises so failures stay loud; these tests turn that off (`_errors_are_loud`)
to see what a terminal session sees. `tabletop play` printing the line and exiting with the status, in a real
terminal, is tests/test_play_terminal.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from _play_support import MINI, app_for, new_session
from textual.widgets import Static

from exercise.ui.app import TtxApp, make_app
from exercise.ui.config import AppConfig

HOSTILE = "widget exploded [bold]x[/] [@click=app.quit]q[/] \x1b[31mred\nsecond line"


class Exploding(Static):
    """A widget with a bug: it fails as soon as it is on the screen."""

    def on_mount(self) -> None:
        raise RuntimeError(HOSTILE)


@pytest.fixture
def as_in_a_terminal() -> Iterator[None]:
    with patch.object(TtxApp, "_errors_are_loud", return_value=False):
        yield


def errors_log(tmp_path: Path) -> str:
    return (tmp_path / "sessions" / "errors.log").read_text(encoding="utf-8")


async def test_a_widget_that_raises_stops_the_app_with_status_1_and_one_line(tmp_path: Path,
                                                                              as_in_a_terminal: None) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.screen.mount(Exploding())  # the app stops: nothing more to wait for on its screen
    assert app.return_code == 1
    assert app.failure is not None and "\n" not in app.failure
    # the exception's words as text: markup brackets kept, the escape character as a picture, the first line only
    assert app.failure.startswith("tabletop stopped after an unexpected error: widget exploded [bold]x[/] "
                                  "[@click=app.quit]q[/] \u241b[31mred.")
    assert "second line" not in app.failure
    where = tmp_path / "sessions" / "errors.log"
    assert app.failure.endswith(f" Details in {where}.")
    log = errors_log(tmp_path)
    assert "Traceback" in log and "RuntimeError: widget exploded" in log and "in on_mount" in log
    assert not app._exit_renderables  # nothing for Textual to print (and wrap) on the way out: the CLI says it


async def test_a_failure_in_a_session_says_how_to_return_to_it(tmp_path: Path, as_in_a_terminal: None) -> None:
    db = new_session(tmp_path / "s.sqlite", MINI)
    app = make_app(AppConfig(db=db, workdir=tmp_path, poll_seconds=0.05))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.controller is not None
        await app.screen.mount(Exploding())  # the app stops: nothing more to wait for on its screen
    assert app.return_code == 1 and app.failure is not None
    # the file as typed from the working folder (tmp_path here), as the quit dialog says it
    assert "The session is saved: `tabletop play --db s.sqlite` returns to it." in app.failure


async def test_a_quit_is_status_0_with_nothing_to_say(tmp_path: Path, as_in_a_terminal: None) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and app.failure is None
    assert not (tmp_path / "sessions" / "errors.log").exists()


async def test_an_action_that_fails_is_a_notification_and_the_app_carries_on(tmp_path: Path,
                                                                              as_in_a_terminal: None) -> None:
    def broken_help(self: TtxApp) -> None:
        raise LookupError("help [b]missing[/b]")

    app = app_for(tmp_path)
    with patch.object(TtxApp, "action_help", broken_help):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            shown = [n.message for n in app._notifications]
            assert any(m.startswith("Something went wrong: help [b]missing[/b]") for m in shown), shown
            assert app.is_running and app.failure is None
            await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert "LookupError: help [b]missing[/b]" in errors_log(tmp_path)


def test_an_error_while_quitting_is_logged_not_shown(tmp_path: Path, as_in_a_terminal: None) -> None:
    """Quitting while widgets are still mounting can make Textual's own widgets fail on the way out;
    the person asked to quit, so the exit stays a clean one."""
    app = app_for(tmp_path)
    app.exit()
    app._handle_exception(LookupError("No nodes match 'HeaderTitle' on Header()"))
    assert "HeaderTitle" in errors_log(tmp_path)
    assert app.return_code == 0 and app.failure is None


async def test_under_test_an_error_stays_loud(tmp_path: Path) -> None:
    """Headless (tests, screenshots), the error is raised, not turned into a line: a bug fails its test."""
    app = app_for(tmp_path)
    with pytest.raises(RuntimeError, match="widget exploded"):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.screen.mount(Exploding())
            await pilot.pause()
    assert app.failure is None
