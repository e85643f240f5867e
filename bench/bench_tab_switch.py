"""A team console's tab switch against two bare Textual apps, in one process with Pilot: where the key-to-screen
gap of bench/serve_load.py comes from.

serve_load compares a team's tab switch (Brief, then Our state, in a served Northern Shield console) with a bare
app whose tabs hold two words each, and misses its 1.5x target by far. Here the same console switches the same tabs
(120x40, no animation, as served), beside
- the bare app of serve_load itself: a header, a footer and a TabbedContent whose two tabs say a few words;
- a bare app of the same shape whose two tabs each hold a screenful of text (the nation's brief, as the console
  shows it), with a header and a footer, the shown tab's scroller focused as the console focuses it.

CPU time per key (process time, Pilot's own waiting excluded) is the figure: on a shared machine it moves less than
wall time. Rounds alternate the three apps.

    python -m bench.bench_tab_switch
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import ClassVar

if not __package__:  # run as a file: make this checkout importable without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from exercise.engine.compile import load_scenario
from exercise.engine.roles import Actor
from exercise.live import LiveSession
from exercise.resources import data_dir

SIZE = (120, 40)
KEYS = "43" * 10
ROUNDS = 3
NATION = "estrava"


def serve_load_bare() -> App[None]:
    """serve_load's bare app itself (bench/_serve_procs.py: a header, a footer, two tabs of a few words, keys 1
    and 2), made here from its script rather than written again."""
    from bench._serve_procs import BARE_APP

    names: dict[str, object] = {}
    exec(BARE_APP.replace("Bare().run()", ""), names)  # our own bench's source, not outside text
    app: App[None] = names["Bare"]()  # type: ignore[operator]
    return app


class FullTabs(App[None]):
    """A bare app of the console's shape: a screenful of text in each tab, a header and a footer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("4", "tab('a')", "Brief"), Binding("3", "tab('b')", "State")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="a"):
            with TabPane("Brief", id="a"), VerticalScroll(id="scroll-a"):
                yield Static(self.text)
            with TabPane("State", id="b"), VerticalScroll(id="scroll-b"):
                yield Static(self.text)
        yield Footer()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#scroll-{tab}").focus()


async def per_key(app: App[None], keys: str = KEYS) -> float:
    """Milliseconds of CPU per tab switch (`keys` alternate two tabs), after a few to warm up."""
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys[:6]:
            await pilot.press(key)
            await pilot.pause()
        start = time.process_time()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        return (time.process_time() - start) / len(keys) * 1000


def main() -> int:
    from exercise.ui.app import make_app
    from exercise.ui.config import AppConfig
    from exercise.ui.widgets.team_texts import brief_text

    sc = load_scenario(data_dir("scenarios") / "northern-shield" / "scenario.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ns.sqlite"
        live = LiveSession.create(db, sc, seed=1, teams={n: "human" for n in sc.nations}, mode="facilitated")
        text = brief_text(live.state, Actor.team(NATION)).plain
        live.close()
        found: dict[str, list[float]] = {"bare, a few words a tab": [], "bare, a screenful a tab": [],
                                         "team console": []}
        for _ in range(ROUNDS):
            found["bare, a few words a tab"].append(asyncio.run(per_key(serve_load_bare(), "21" * 10)))
            found["bare, a screenful a tab"].append(asyncio.run(per_key(FullTabs(text))))
            console = make_app(AppConfig(workdir=Path(tmp), db=db, team=NATION))
            found["team console"].append(asyncio.run(per_key(console)))
    print(f"== tab switch, CPU per key ({SIZE[0]}x{SIZE[1]}, Pilot, median of {ROUNDS} rounds of {len(KEYS)} keys) ==")
    med = {name: statistics.median(values) for name, values in found.items()}
    for name, value in med.items():
        print(f"   {name:48s} {value:7.1f} ms")
    for base in ("bare, a few words a tab", "bare, a screenful a tab"):
        print(f"   {'ratio team console / ' + base:48s} {med['team console'] / med[base]:7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
