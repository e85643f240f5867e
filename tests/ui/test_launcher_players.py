"""The launcher's set-up asks who plays each nation people play (names or roles, optional) and the session
stores them in SessionStarted's `players`, as `tabletop run --player` does, for the report's participants."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _play_support import MINI, app_for, type_text
from textual.widgets import Input, Select

from exercise.ui.screens.launcher import LauncherScreen


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    return tmp_path


async def focus(pilot, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Focus a box as Tab would (the screen scrolls to it; at 80x24 a click could miss what is below)."""
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()


async def _on_mini(pilot, mode: str) -> LauncherScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LauncherScreen)
    screen.highlight("scenario", [i.title for i in screen.infos].index("Mini"))
    await pilot.pause()
    screen.action_mode(mode)
    await pilot.pause()
    assert screen.form is not None
    while not screen.form.rows_ready:
        await pilot.pause()
    return screen


async def test_facilitated_names_go_into_the_session_as_typed_and_a_bots_are_dropped(workdir: Path) -> None:
    pytest.importorskip("exercise.ui.screens.facilitator")
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _on_mini(pilot, "facilitated")
        form = screen.form
        assert form is not None
        assert screen.query_one("#who-row-norvia").display and screen.query_one("#who-row-kessland").display
        assert screen.query_one("#who-norvia", Input).placeholder == "names or roles (optional)"
        await focus(pilot, "#who-norvia")
        await type_text(pilot, "Cdr.  Ada [b]Lovelace[/b]")
        await focus(pilot, "#who-kessland")
        await type_text(pilot, "MoD")
        # Kessland goes to a bot: its box goes, and what was typed there is not stored for a bot.
        screen.query_one("#player-kessland", Select).value = "bot:cautious"
        await pilot.pause()
        assert not screen.query_one("#who-row-kessland").display
        await focus(pilot, "#start")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "FacilitatorScreen"
        started = app.controller.state.started
        assert started.teams == {"norvia": "human", "kessland": "bot:cautious"}
        assert started.players == {"norvia": "Cdr. Ada [b]Lovelace[/b]"}  # spaces collapsed, brackets as typed


async def test_solo_asks_only_for_the_players_own_nation_and_names_survive_a_mode_change(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _on_mini(pilot, "hotseat")
        await focus(pilot, "#who-kessland")
        await type_text(pilot, "Team Blue")
        screen.action_mode("solo")
        await pilot.pause()
        form = screen.form
        assert form is not None
        while not form.rows_ready:
            await pilot.pause()
        assert form.play_as == "norvia"
        assert screen.query_one("#who-row-norvia").display  # 'You': the student may sign the report
        assert not screen.query_one("#who-row-kessland").display  # a bot's row asks for nobody
        screen.query_one("#play-as", Select).value = "kessland"
        await pilot.pause()
        while not form.rows_ready:
            await pilot.pause()
        assert screen.query_one("#who-kessland", Input).value == "Team Blue"  # kept through the rebuilds
        assert form.who_plays() == {"kessland": "Team Blue"}
        await focus(pilot, "#start")
        await pilot.press("enter")
        await pilot.pause()
        started = app.controller.state.started
        assert started.mode == "solo" and started.players == {"kessland": "Team Blue"}


async def test_blank_names_store_nothing_and_a_new_scenario_starts_blank(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _on_mini(pilot, "hotseat")
        await focus(pilot, "#who-norvia")
        await type_text(pilot, "   ")
        form = screen.form
        assert form is not None and form.who_plays() == {}
        await type_text(pilot, "x")
        assert form.who_plays() == {"norvia": "   x"}
        screen.highlight("scenario", [i.title for i in screen.infos].index("Tutorial: Harbour Lights"))
        await pilot.pause()
        screen.highlight("scenario", [i.title for i in screen.infos].index("Mini"))
        await pilot.pause()
        while not form.rows_ready:
            await pilot.pause()
        assert form.who_plays() == {} and screen.query_one("#who-norvia", Input).value == ""


async def test_solos_bots_are_not_kept_when_the_mode_becomes_facilitated(workdir: Path) -> None:
    # The launcher opens in Solo: its bots are that mode's default, not a choice to carry into Facilitated.
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _on_mini(pilot, "solo")
        assert screen.query_one("#player-kessland", Select).value == "bot:self-interested"
        screen.action_mode("facilitated")
        await pilot.pause()
        assert screen.form is not None
        while not screen.form.rows_ready:
            await pilot.pause()
        assert screen.query_one("#player-kessland", Select).value == "human"
        assert screen.form.teams() == {"norvia": "human", "kessland": "human"}
        assert screen.query_one("#who-row-kessland").display
