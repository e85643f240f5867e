"""F1 lists every key of the screen it was opened from: each binding of the screen and of the app (a dialog's
own keys, Textual's tab and ctrl+p included), so a key added to a screen cannot be missing from its help. A
key the screen hides at this moment (check_action False, as the footer hides it) may be left out; a key it
greys (None: r with a released inject selected) is listed, marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from _screens_support import ROUTES, Route, control, reach
from textual.actions import parse
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen

from exercise.ui.screens.help import HelpScreen
from exercise.ui.widgets.msel_table import MselTable


def hidden_now(node: DOMNode, action: str) -> bool:
    namespace, name, params = parse(action)
    return not namespace and node.check_action(name, params) is False


def bound_keys(screen: Screen[object], app: App[object]) -> set[str]:
    """The keys that act on this screen: its own, and the app's (over a dialog, the app's priority keys only:
    Textual stops the others at a modal screen)."""
    keys = {key for key, found in screen._bindings.key_to_bindings.items()
            for b in found if not hidden_now(screen, b.action)}
    keys |= {key for key, found in app._bindings.key_to_bindings.items()
             for b in found if not hidden_now(app, b.action) and (b.priority or not screen.is_modal)}
    return keys


@pytest.mark.parametrize("route", [r for r in ROUTES if r.screen is not HelpScreen], ids=lambda r: r.name)
async def test_f1_lists_every_key_of_the_screen(tmp_path: Path, route: Route) -> None:
    app = route.app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await reach(pilot, route)
        expected = bound_keys(screen, app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {key for row in app.screen.rows for key in row.keys}
        assert expected - listed == set(), f"{route.name}: keys missing from F1"
        assert {"f1", "f2", "ctrl+q", "ctrl+p", "tab"} <= listed  # F1 works in a dialog too


async def test_release_is_in_f1_even_when_it_does_nothing_now(tmp_path: Path) -> None:
    app = control(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(MselTable)
        released = next(r.id for r in table.msel_rows() if r.status == "released")
        table.select(released)  # r cannot release it again: greyed in the footer
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        [row] = [r for r in app.screen.rows if "r" in r.keys]
        assert row.title == "Release the inject now" and row.not_now
        await pilot.press("escape")
        table.select("cable")  # a manual inject not yet out: r works
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        [row] = [r for r in app.screen.rows if "r" in r.keys]
        assert not row.not_now
