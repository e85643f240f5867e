"""Every screen a person can reach, each as a route: the app to start and the keys that lead there.

The key tests (a burst of keys at every screen; F1 listing every key of every screen) walk these routes, so a
new screen or dialog is covered by adding one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from _play_support import MINI, app_for, control_app, drill_session, fixed_clock, new_session
from textual.pilot import Pilot
from textual.screen import Screen

from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.ui.app import TtxApp
from exercise.ui.screens.debrief import DebriefScreen
from exercise.ui.screens.dialogs import (
    AdjudicateDialog,
    ConfirmDialog,
    ObservationDialog,
    RehearseDialog,
    WriteInjectDialog,
)
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.handover import HandoverScreen
from exercise.ui.screens.help import HelpScreen
from exercise.ui.screens.hotwash import HotWashScreen
from exercise.ui.screens.launcher import LauncherScreen
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.confirm import ConfirmScreen
from exercise.ui.widgets.msel_table import MselTable


def launcher(tmp: Path) -> TtxApp:
    return app_for(tmp)


def control(tmp: Path) -> TtxApp:
    return control_app(drill_session(tmp), tmp)


def control_with_a_release(tmp: Path) -> TtxApp:
    """Something to retract: the manual 'cable' is out."""
    return control_app(drill_session(tmp, lambda s: s.release("cable")), tmp)


def control_after_the_end(tmp: Path) -> TtxApp:
    """Ended, hot wash not saved: the console reopens on the hot wash."""
    return control_app(drill_session(tmp, lambda s: s.end("time is up")), tmp)


def team(tmp: Path) -> TtxApp:
    return app_for(tmp, db=new_session(tmp / "s.sqlite"), team="norvia")


def solo(tmp: Path) -> TtxApp:
    return app_for(tmp, scenario=MINI, solo="norvia", db=tmp / "solo.sqlite")


def solo_ended(tmp: Path) -> TtxApp:
    """A solo game that has ended: the console opens its debrief."""
    db = tmp / "solo.sqlite"
    sc = load_scenario(MINI)
    teams = {n: "human" if n == "norvia" else f"bot:{v.bot.profile}" for n, v in sc.nations.items()}
    live = LiveSession.create(db, sc, seed=7, teams=teams, mode="solo", clock=fixed_clock)
    live.execute(lambda s: s.end("time is up"))
    live.close()
    return app_for(tmp, db=db)


def hotseat(tmp: Path) -> TtxApp:
    return app_for(tmp, db=new_session(tmp / "hot.sqlite", mode="hotseat"))


async def select_cable(pilot: Pilot[None]) -> None:
    """The MSEL's manual inject, not yet released, for the release confirmation."""
    pilot.app.screen.query_one(MselTable).select("cable")
    await pilot.pause()


@dataclass(frozen=True)
class Route:
    name: str
    app: Callable[[Path], TtxApp]
    keys: tuple[str, ...]  # pressed one by one, as a person would, to get there
    screen: type[Screen[object]]
    before: Callable[[Pilot[None]], object] | None = None  # something to do before the keys
    tabs: tuple[str, ...] = field(default=())  # the screen's tab keys, for the bursts


TEAM_TABS = ("1", "2", "3", "4", "5", "6")
ROUTES = [
    Route("launcher", launcher, (), LauncherScreen),
    Route("facilitator", control, (), FacilitatorScreen, tabs=TEAM_TABS),
    *(Route(f"facilitator tab {n}", control, (n,), FacilitatorScreen) for n in TEAM_TABS),
    Route("adjudicate", control, ("j",), AdjudicateDialog),
    Route("write inject", control, ("w",), WriteInjectDialog),
    Route("observation", control, ("o",), ObservationDialog),
    Route("rehearse", control, ("v",), RehearseDialog),
    Route("release", control, ("r",), ConfirmDialog, before=select_cable),
    Route("retract", control_with_a_release, ("u",), ConfirmDialog),
    Route("end the session", control, ("e",), ConfirmDialog),
    Route("quit", control, ("ctrl+q",), ConfirmScreen),
    Route("hot wash", control_after_the_end, (), HotWashScreen),
    Route("team console", team, (), TeamScreen, tabs=TEAM_TABS),
    *(Route(f"team tab {n}", team, (n,), TeamScreen) for n in TEAM_TABS),
    Route("solo", solo, (), TeamScreen, tabs=TEAM_TABS),
    Route("end turn", solo, ("e",), ConfirmScreen),
    Route("debrief", solo_ended, (), DebriefScreen),
    Route("handover", hotseat, (), HandoverScreen),
    Route("hot-seat team", hotseat, ("enter",), TeamScreen, tabs=TEAM_TABS),
    Route("help", control, ("f1",), HelpScreen),
]


async def reach(pilot: Pilot[None], route: Route) -> Screen[object]:
    """Walk the route; the screen it leads to (checked)."""
    await pilot.pause()
    await pilot.pause()
    if route.before is not None:
        await route.before(pilot)  # type: ignore[misc]
    for key in route.keys:
        await pilot.press(key)
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, route.screen), f"{route.name}: {screen!r}"
    return screen
