"""Keys that act at once ask first where it matters: ctrl+q with a session open says where the session is kept
and the command that comes back to it (and `tabletop play` prints that line once the terminal is back); r on
the facilitator's console names the inject and who will read it before it goes out."""

from __future__ import annotations

from pathlib import Path

from _play_support import MINI, app_for, control_app, drill_session, new_session
from textual.widgets import Static

from exercise.ui.screens.dialogs import ConfirmDialog
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.launcher import LauncherScreen
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.confirm import ConfirmScreen
from exercise.ui.widgets.msel_table import MselTable


def question(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(".question", Static).render())


async def test_quit_in_the_launcher_asks_nothing(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LauncherScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and app.farewell is None


async def test_quit_with_a_session_open_says_where_it_is_and_how_to_return(tmp_path: Path) -> None:
    app = app_for(tmp_path, scenario=MINI, solo="norvia", db=tmp_path / "solo.sqlite")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert question(app) == ("Quit? The session is saved in solo.sqlite: `tabletop play --db solo.sqlite` "
                                 "returns to it.")
        await pilot.press("n")  # stay: nothing changes
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    assert app.farewell == "The session is saved in solo.sqlite: `tabletop play --db solo.sqlite` returns to it."


async def test_ctrl_q_twice_quits(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        await pilot.press("ctrl+q", "ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and app.farewell is not None and "`tabletop play --db s.sqlite`" in app.farewell


async def test_a_team_console_is_told_to_come_back_as_its_team(tmp_path: Path) -> None:
    db = new_session(tmp_path / "session file.sqlite")
    app = app_for(tmp_path, db=db, team="kessland")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        # the exact command: the file name quoted for the shell, the nation given
        assert "`tabletop play --db 'session file.sqlite' --team kessland` returns to it." in question(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)


# -- release ------------------------------------------------------------------------------------------------
async def test_release_asks_first_naming_the_inject_and_its_recipients(tmp_path: Path) -> None:
    app = control_app(drill_session(tmp_path), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one(MselTable).select("cable")  # a manual inject, for Kessland and Aldmark
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        title = str(dialog.query_one("#dialog-title", Static).render())
        body = str(dialog.query_one("#confirm-text", Static).render())
        assert title.startswith("Release '") and title.endswith("' now?")
        assert "Kessland" in body and "Aldmark" in body  # who will read it
        await pilot.press("escape")  # cancelled: nothing goes out
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen) and "cable" not in app.controller.state.released
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # the Release button has the focus
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen) and "cable" in app.controller.state.released
