"""Hot-seat: teams take turns at one screen; the handover hides the previous team's console until the next
team confirms; once every team has had its go, the clock can advance; a restart returns to the same place."""

from __future__ import annotations

from pathlib import Path

import pytest
from _play_support import SIZES, app_for, new_session, steady, type_text
from textual.widgets import OptionList, Static

from exercise.ui.screens.debrief import DebriefScreen
from exercise.ui.screens.handover import HandoverScreen
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.confirm import ConfirmScreen


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_session(tmp_path / "hot.sqlite", mode="hotseat")


def message(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#handover-message", Static).render())


async def test_handover_hides_then_reveals_each_team_in_turn(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HandoverScreen)
        assert "Norvia" in message(app)
        # nothing private is on screen: no team console, no brief, no options
        assert not app.screen.query(TeamScreen) and not app.screen.query("#brief-text")
        await pilot.press("enter")  # Norvia confirms
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.screen.nation == "norvia" and app.screen.hotseat
        await pilot.press("d", "enter")
        await type_text(pilot, "hold")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")  # hand over
        await pilot.pause()
        assert isinstance(app.screen, HandoverScreen)
        assert not any(isinstance(s, TeamScreen) for s in app.screen_stack)  # Norvia's console is gone
        assert not app._notifications  # and no toast about Norvia's choice lingers
        assert "Kessland" in message(app)
        teams = app.screen.query_one("#handover-teams", OptionList)
        assert "✓ done" in str(teams.get_option("norvia").prompt)
        assert "▶ next" in str(teams.get_option("kessland").prompt)
        await pilot.click("#reveal")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.screen.nation == "kessland"
        await pilot.press("h")
        await pilot.pause()
        assert "Every team has had its go" in message(app)
        await pilot.press("a")  # advance the clock
        await pilot.pause()
        assert app.controller.state.turn == 2
        assert "Norvia" in message(app)  # a new turn: everyone again, in order


async def test_advancing_early_asks_first(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.controller.state.turn == 1
        for _ in range(3):  # to the end, confirming each time
            await pilot.press("a")
            await pilot.pause()
            await pilot.press("y")
            await pilot.pause()
        await pilot.pause()
        assert app.controller.state.ended is not None
        assert isinstance(app.screen, DebriefScreen) and app.screen.nation is None


async def test_restart_returns_to_the_same_team(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")  # Norvia done
        await pilot.pause()
        await pilot.press("enter")  # Kessland at the keyboard... and the process dies
        await pilot.pause()
        assert app.screen.nation == "kessland"
    again = app_for(tmp_path, db=db)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(again.screen, TeamScreen) and again.screen.nation == "kessland"
        await pilot.press("h")
        await pilot.pause()
        assert "Every team has had its go" in message(again)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_handover(snap_compare, db: Path, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")
        pilot.app.clear_notifications()
        await steady(pilot)

    assert snap_compare(app_for(tmp_path, db=db), terminal_size=size, run_before=run_before)
