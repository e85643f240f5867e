"""An observer's console (`python -m exercise.serve.console --db FILE --observer`): the public picture, read-only.

It shows what was addressed to everyone (the situation, the public inject, control's message to all), the values
not hidden and the clock; none of a nation's brief, private traffic, another team's inject, control's card or
notes, nor a hidden value. It has no key that acts: every key pressed leaves the log as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _play_support import ROOT, SIZES, fixed_clock, steady, until
from test_markup import screen_text
from textual.widgets import Input, TabbedContent

from exercise.engine.commands import Adjudicate, Send, observe
from exercise.engine.compile import load_scenario
from exercise.engine.roles import Actor
from exercise.live import LiveSession
from exercise.ui.app import TtxApp, make_app
from exercise.ui.config import AppConfig
from exercise.ui.screens.observer import TABS, ObserverScreen

ROLES = ROOT / "tests" / "fixtures" / "roles.yaml"  # the drill tests/test_role_views.py reads as each role
ALPHA, BRAVO, CONTROL = Actor.team("alpha"), Actor.team("bravo"), Actor.control()
# What an observer may read, and what it may not: every private word of the roles drill.
PUBLIC = ("PUBLICNEWS", "CONTROLTOALL", "Cohesion", "Harbour Pact")
PRIVATE = ("ALPHABRIEF", "BRAVOSECRET", "CHARLIESECRET", "ALPHAINJECT", "BRAVOINJECT", "CONTROLCARD", "EXPECTEDNOTE",
           "UNRELEASED", "BRAVOTOCHARLIE", "BRAVOTOCONTROL", "CONTROLTOBRAVO", "BRAVOTOALPHA", "BRAVOTOPACT",
           "ALPHATOBRAVO", "CONTROLNOTE", "LEAKREASON", "Leakrisk", "leak_risk")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The roles drill at turn 1 with traffic of every kind in the log (as tests/test_role_views.py plays it)."""
    path = tmp_path / "roles.sqlite"
    live = LiveSession.create(path, load_scenario(ROLES), seed=3, mode="facilitated", clock=fixed_clock,
                              teams={"alpha": "human", "bravo": "human", "charlie": "bot:cautious"})
    for actor, command in [
        (BRAVO, Send("bravo", ("charlie",), "BRAVOTOCHARLIE a private word")),
        (BRAVO, Send("bravo", ("control",), "BRAVOTOCONTROL we may defect")),
        (CONTROL, Send("control", ("bravo",), "CONTROLTOBRAVO noted")),
        (BRAVO, Send("bravo", ("alpha",), "BRAVOTOALPHA hello neighbour")),
        (BRAVO, Send("bravo", ("pact",), "BRAVOTOPACT to the Pact")),
        (CONTROL, Send("control", ("all",), "CONTROLTOALL a public line")),
        (ALPHA, Send("alpha", ("bravo",), "ALPHATOBRAVO our reply")),
        (CONTROL, Adjudicate("leak_risk", 30, "LEAKREASON a journalist calls")),
        (CONTROL, observe("O1", "CONTROLNOTE slow to share", "S")),
    ]:
        live.execute(command, actor=actor)
    live.close()
    return path


def observer_app(db: Path, tmp_path: Path) -> TtxApp:
    return make_app(AppConfig(db=db, observer=True, workdir=tmp_path, clock=fixed_clock, poll_seconds=0.05, seed=3))


def last_seq(db: Path) -> int:
    live = LiveSession.open(db)
    try:
        return live.state.next_seq - 1
    finally:
        live.close()


async def test_it_shows_the_public_picture_and_nothing_private(db: Path, tmp_path: Path) -> None:
    app = observer_app(db, tmp_path)
    drawn = []
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ObserverScreen)
        for key, pane in zip("12345", TABS, strict=True):
            await pilot.press(key)
            assert await until(pilot, lambda pane=pane: app.screen.query_one("#tabs", TabbedContent).active == pane)
            await pilot.pause()
            drawn.append(screen_text(app.export_screenshot()))
    screens = "\n".join(drawn)
    for word in PUBLIC:
        assert word in screens, word
    for word in PRIVATE:
        assert word not in screens, word


async def test_it_has_no_key_that_acts(db: Path, tmp_path: Path) -> None:
    """Every letter, digit and the keys a console acts with: the log is as it was, and no box takes text."""
    before = last_seq(db)
    app = observer_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.query(Input)  # nothing to write in: the traffic's composer is not there
        for tab in "12345":
            await pilot.press(tab, *"abcdefghijlmnoprstuvwxyz", "enter", "space", "tab", "enter", "escape")
            await pilot.pause()
        assert app.screen is screen  # no dialog opened to act from
        # the screen's own keys move about and nothing else
        assert {a.action for a in ObserverScreen.ACTIONS} == {*(f"tab('{t}')" for t in TABS), "next_inject",
                                                               "previous_inject"}
    assert last_seq(db) == before


async def test_what_becomes_public_shows_as_it_happens(db: Path, tmp_path: Path) -> None:
    app = observer_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        live = LiveSession.open(db)
        try:
            live.execute(Send("control", ("all",), "LATERFORALL the bridge is closed"), actor=CONTROL)
            live.execute(Send("bravo", ("alpha",), "LATERPRIVATE between us"), actor=BRAVO)
        finally:
            live.close()
        assert await until(pilot, lambda: "LATERFORALL" in screen_text(app.export_screenshot()))
        assert "LATERPRIVATE" not in screen_text(app.export_screenshot())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_observer_injects(snap_compare, db: Path, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("2")
        await steady(pilot)

    assert snap_compare(observer_app(db, tmp_path), terminal_size=size, run_before=run_before)
