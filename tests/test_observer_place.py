"""An observer's console comes back on the tab it had, reading the same inject (kept beside the log, not in it)."""

from __future__ import annotations

from pathlib import Path

from _serve_support import facilitated_mini
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from exercise.engine.commands import WriteInject
from exercise.engine.roles import Actor
from exercise.live import LiveSession
from exercise.store import EventStore
from exercise.ui.app import make_app
from exercise.ui.config import AppConfig
from exercise.ui.screens.observer import ObserverScreen


async def until(pilot: Pilot[None], check, tries: int = 100) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(0.05)
    return bool(check())


async def test_a_reloaded_observer_is_back_on_its_tab_and_inject(tmp_path: Path) -> None:
    served = facilitated_mini(tmp_path)
    live = LiveSession.open(served.db)
    try:
        for n in (1, 2):  # two public injects, so which one is read shows
            live.execute(WriteInject(f"c{n}", ("all",), f"Public news {n}", title=f"News {n}"),
                         actor=Actor.control())
    finally:
        live.close()
    with EventStore.open(served.db, write=False) as store:
        before = store.last_seq()
    app = make_app(AppConfig(db=served.db, observer=True, workdir=tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert await until(pilot, lambda: isinstance(app.screen, ObserverScreen))
        screen = app.screen
        assert isinstance(screen, ObserverScreen) and len(screen._injects) >= 2
        await pilot.press("2", "j")  # the injects, and the next one
        reading = screen.current
        assert reading is not None and reading != screen._injects[0]
        await pilot.press("5")  # the timeline
        assert await until(pilot, lambda: screen.query_one("#tabs", TabbedContent).active == "timeline")
        await pilot.pause(1.3)  # kept at the next look, within a second
    again = make_app(AppConfig(db=served.db, observer=True, workdir=tmp_path))
    async with again.run_test(size=(120, 40)) as pilot:
        assert await until(pilot, lambda: isinstance(again.screen, ObserverScreen)
                           and again.screen.query_one("#tabs", TabbedContent).active == "timeline")
        await pilot.pause(0.5)
        assert again.screen.query_one("#tabs", TabbedContent).active == "timeline"
        assert again.screen.current == reading  # type: ignore[attr-defined]
    with EventStore.open(served.db, write=False) as store:
        assert store.last_seq() == before  # an observer's place is never an event
