"""Shared by the launcher, team, solo, hot-seat and live tests: a deterministic app on a temp folder."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from exercise.engine.compile import load_scenario
from exercise.engine.session import Session
from exercise.live import LiveSession
from exercise.ui.app import TtxApp, make_app
from exercise.ui.config import AppConfig

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
TUTORIAL = ROOT / "scenarios" / "tutorial" / "scenario.yaml"
DRILL = ROOT / "tests" / "ui" / "facilitator_scenario.yaml"  # the control cell's tests: console, hot wash, state
SIZES = [(80, 24), (120, 40)]


def fixed_clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def config(workdir: Path, **kw: object) -> AppConfig:
    kw.setdefault("seed", 7)
    return AppConfig(workdir=workdir, clock=fixed_clock, poll_seconds=0.05, **kw)  # type: ignore[arg-type]


def app_for(workdir: Path, **kw: object) -> TtxApp:
    return make_app(config(workdir, **kw))


def new_session(path: Path, scenario: Path = MINI, *, mode: str = "facilitated", seed: int = 7,
                teams: dict[str, str] | None = None) -> Path:
    """A session file made without the UI, as the facilitator (or `tabletop run`) would."""
    sc = load_scenario(scenario)
    live = LiveSession.create(path, sc, seed=seed, teams=teams or {n: "human" for n in sc.nations}, mode=mode,
                              clock=fixed_clock)
    live.close()
    return path


def drill_clock() -> datetime:
    return datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def drill_session(tmp_path: Path, *steps: Callable[[Session], list]) -> Path:  # type: ignore[type-arg]
    """A facilitated session of the drill scenario (every nation played by people), with some steps played."""
    db = tmp_path / "session.sqlite"
    sc = load_scenario(DRILL)
    live = LiveSession.create(db, sc, seed=7, teams={n: "human" for n in sc.nations}, mode="facilitated",
                              clock=drill_clock)
    for step in steps:
        live.execute(step)
    live.close()
    return db


def control_app(db: Path, tmp_path: Path, theme: str | None = None) -> TtxApp:
    """The app opened on a drill session file: the facilitator console (or where the session stands)."""
    return make_app(AppConfig(db=db, clock=drill_clock, poll_seconds=0.05, workdir=tmp_path, seed=7, theme=theme))


async def steady(pilot: Pilot) -> None:
    """Settle the screen for a snapshot: no blinking cursors, nothing pending."""
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])


async def until(pilot: Pilot, check, tries: int = 100) -> bool:  # type: ignore[no-untyped-def]
    """Wait (in app time) until check() holds; the live tests use it for the other process's events."""
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(0.02)
    return bool(check())


def texts(app: TtxApp, selector: str) -> str:
    """The plain text of every Static matching selector on the active screen."""
    from textual.widgets import Static

    out = []
    for w in app.screen.query(selector):
        if isinstance(w, Static):
            out.append(str(w.render()))
    return "\n".join(out)


def all_of(items: Iterable[str]) -> list[str]:
    return list(items)
