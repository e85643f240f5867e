"""Keys at any speed: a burst of keys (arrows, tab, page keys and the screen's tab digits, all sent at once, as a
held-down key or a fast typist sends them) reaches every screen and dialog, and the app carries on: no error,
no exit, nothing in errors.log. The launcher used to stop on a burst of arrow keys while its set-up form was
still mounting ('No nodes match #label on SelectCurrent').

The app runs as in a terminal (errors are not re-raised; they would stop it with status 1 and a line in
errors.log), so what is checked is what a person would meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from _screens_support import ROUTES, Route, launcher, reach
from textual import events
from textual.app import App

from exercise.ui.app import TtxApp
from exercise.ui.screens.launcher import LauncherScreen

NAVIGATION = ("down",) * 12 + ("up",) * 12 + ("pagedown", "pageup", "end", "home", "right", "left",
                                                 "tab", "tab", "shift+tab", "down", "down", "up")


@pytest.fixture(autouse=True)
def as_in_a_terminal() -> Iterator[None]:
    with patch.object(TtxApp, "_errors_are_loud", return_value=False):
        yield


def burst(app: App[object], keys: tuple[str, ...]) -> None:
    """Every key queued at once, before the app has handled the first (pilot.press waits after each)."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)


def still_fine(app: TtxApp, tmp_path: Path) -> None:
    log = tmp_path / "sessions" / "errors.log"
    assert not log.exists(), log.read_text(encoding="utf-8")
    assert app.is_running and app.return_code is None and app.failure is None


async def test_a_burst_of_arrows_as_the_launcher_opens(tmp_path: Path) -> None:
    """Before and while the set-up form mounts, then while each highlighted scenario rebuilds it."""
    app = launcher(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            burst(app, ("down",) * 30)
            await pilot.pause(0.01)
            burst(app, ("up",) * 30)
            await pilot.pause(0.01)
        await pilot.pause(0.3)
        still_fine(app, tmp_path)
        screen = app.screen
        assert isinstance(screen, LauncherScreen) and screen.form is not None
        assert await _rows_settle(pilot, screen)
        # the rows show the scenario the highlight ended on
        assert screen.compiled is not None and screen.form.compiled is screen.compiled
        shown = {w.id for w in screen.form.query(".player-select")}
        assert shown == {f"player-{n}" for n in screen.compiled.nations if n != screen.form.play_as}


async def _rows_settle(pilot, screen: LauncherScreen) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if screen.form is not None and screen.form.rows_ready:
            return True
        await pilot.pause(0.02)
    return False


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
async def test_a_burst_of_keys_at_every_screen(tmp_path: Path, route: Route) -> None:
    app = route.app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await reach(pilot, route)
        burst(app, NAVIGATION + route.tabs * 3 + NAVIGATION)
        await pilot.pause(0.2)
        await pilot.pause()
        still_fine(app, tmp_path)
    assert app.return_code in (None, 0)
