"""The facilitator console with a 10,000-event session loaded: a key press to the updated screen, measured
with Pilot (target: under 50 ms median), against the same measurement on a bare Textual app whose key
press updates one label (the floor that Pilot and Textual's own refresh cost on this machine).

The session is generated: the tutorial scenario, its bots deciding, with a long workshop's talk between
turns (messages, adjudications, observations), stopped mid-game (turn 4 of 6) with 10,000 events, so
the console has a live MSEL, open decisions and a long history behind every sparkline.

The key is `p` (pause, then resume): each press writes one event to the store (one durable commit), folds
it, and redraws the clock, the MSEL, the selected inject, the team status and the state dashboard.

    python -m bench.bench_ui [DIRECTORY]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

if not __package__:  # run as a file: make this checkout importable without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.widgets import Label

from exercise.engine.bots import bot_profile, choose
from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.resources import data_dir

EVENTS = 10_000
BATCH = 500  # commands per transaction while generating: the generator is not what is measured
PRESSES = 30
SIZE = (160, 48)  # the wide console: teams and the state dashboard in view beside the MSEL
TARGET_MS = 50.0


def clock() -> datetime:
    return datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def generate(db: Path, events: int = EVENTS, stop_turn: int = 4) -> int:
    """A facilitated tutorial session, mid-game, with `events` events (a few more if a command emits several)."""
    sc = load_scenario(data_dir("scenarios") / "tutorial" / "scenario.yaml")
    live = LiveSession.create(db, sc, seed=11, teams={n: "human" for n in sc.nations}, mode="facilitated",
                              clock=clock)
    nations = list(sc.nations)
    objectives = [o.id for o in sc.model.objectives]
    globals_ = list(sc.layout.globals)
    k = 0

    def talk(s: Any, n: int) -> list[Any]:
        nonlocal k
        out: list[Any] = []
        for _ in range(n):
            k += 1
            if k % 61 == 0:
                out += s.adjudicate(globals_[k % len(globals_)], 1 if k % 2 else -1, f"Control adjusts ({k})")
            elif k % 41 == 0:
                out += s.observe(objectives[k % len(objectives)], f"Observation {k}: the team debated", "PSMU"[k % 4])
            else:
                a, b = nations[k % len(nations)], nations[(k + 1) % len(nations)]
                out += s.send(a, [b], f"Message {k} from {a}: we propose to share what we know and meet tomorrow.")
        return out

    def decide_some(s: Any) -> list[Any]:
        # Every nation but the first decides as its bot would; the first leaves its decisions open.
        out: list[Any] = []
        for p in list(s.state.pending()):
            if p.team == nations[0]:
                continue
            choice = choose(s, p.team, p.inject, bot_profile(s.state, p.team) or "cautious")
            if choice is not None and (p.inject, p.org or p.team) not in s.state.chosen:
                try:
                    out += s.decide(p.team, p.inject, choice[0], choice[1], by="bot")
                except Exception:  # an option that became unavailable: leave it open
                    continue
        return out

    try:
        per_turn = (events - 50) // stop_turn
        while True:
            live.execute(decide_some)
            target = min(live.state.turn * per_turn, events)
            while live.state.next_seq - 1 < target:
                n = min(BATCH, target - (live.state.next_seq - 1))
                live.execute(lambda s, n=n: talk(s, n))
            if live.state.turn >= stop_turn or live.state.next_seq - 1 >= events:
                break
            live.execute(lambda s: s.advance())
        while live.state.next_seq - 1 < events:
            n = min(BATCH, events - (live.state.next_seq - 1))
            live.execute(lambda s, n=n: talk(s, n))
        return live.state.next_seq - 1
    finally:
        live.close()


class _Bare(App[None]):
    """The floor: a key press that changes one label."""

    BINDINGS: ClassVar = [("p", "flip", "Flip")]

    def compose(self) -> ComposeResult:
        yield Label("running", id="l")

    def action_flip(self) -> None:
        label = self.query_one("#l", Label)
        label.update("PAUSED" if str(label.content) == "running" else "running")


async def _measure(app: App[Any], presses: int) -> list[float]:
    """ms from the key press until the screen update that shows its effect is composed.

    Pilot delivers the key; its own waiting (idle detection, in steps of several ms) is not timed.
    The end is the first frame the compositor hands to the display that holds the new word.
    """
    frames: list[tuple[float, Any]] = []
    display = app._display

    def spy(screen: Any, renderable: Any) -> None:
        frames.append((time.perf_counter(), renderable))
        display(screen, renderable)

    app._display = spy  # type: ignore[method-assign]
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause(0.3)
        for i in range(presses):
            want = "PAUSED" if i % 2 == 0 else "running"
            frames.clear()
            t0 = time.perf_counter()
            await pilot.press("p")
            await pilot.pause()
            shown = next((t for t, r in frames if want in _text(app, r)), None)
            if shown is None:
                raise RuntimeError(f"the screen never showed '{want}'")
            times.append((shown - t0) * 1000)
    return times


def _text(app: App[Any], renderable: Any) -> str:
    render = getattr(renderable, "render_segments", None)
    return render(app.console) if render is not None else ""


def _facilitator_app(db: Path) -> App[Any]:
    from exercise.ui.app import make_app
    from exercise.ui.config import AppConfig

    return make_app(AppConfig(db=db, clock=clock, poll_seconds=0.25, workdir=db.parent))


def run(directory: str | None = None) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        db = Path(tmp) / "big.sqlite"
        t0 = time.perf_counter()
        n = generate(db)
        gen_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        bare = asyncio.run(_measure(_Bare(), PRESSES))
        fac = asyncio.run(_measure(_facilitator_app(db), PRESSES))
        fac_ms, bare_ms = statistics.median(fac), statistics.median(bare)
        return [
            (f"facilitator key press to screen, {n} events (ms, median)", fac_ms,
             f"target < {TARGET_MS:g} ms: {'met' if fac_ms < TARGET_MS else 'NOT met'}; "
             f"p90 {sorted(fac)[int(len(fac) * 0.9)]:.1f} ms"),
            ("bare Textual key press to screen (ms, median)", bare_ms, "the floor, same Pilot measurement"),
            ("facilitator / bare", fac_ms / bare_ms, f"session generated in {gen_s:.1f} s"),
        ]


if __name__ == "__main__":
    for label, value, note in run(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{label:60s} {value:10.2f}   {note}")
