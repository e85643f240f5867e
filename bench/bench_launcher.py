"""First paint of the launcher against a bare Textual app in the same run (target: at most 1.5x).

Each side is started headless with Pilot and timed until its first screen is mounted and painted;
the median of several starts is compared, alternating the two so machine noise hits both alike.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label

from exercise.ui.app import make_app
from exercise.ui.config import AppConfig

ROUNDS = 7


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("hello")
        yield Footer()


async def _first_paint(make: object) -> float:
    t0 = time.perf_counter()
    app = make()  # type: ignore[operator]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        _ = app.screen  # the first screen is up and has been painted once
    return time.perf_counter() - t0


def run() -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def ours() -> App[None]:
            return make_app(AppConfig(workdir=work))

        bare_times, ours_times = [], []
        asyncio.run(_first_paint(Bare))  # warm imports for both
        asyncio.run(_first_paint(ours))
        for _ in range(ROUNDS):
            bare_times.append(asyncio.run(_first_paint(Bare)))
            ours_times.append(asyncio.run(_first_paint(ours)))
    b, o = statistics.median(bare_times), statistics.median(ours_times)
    return [
        ("first paint: bare Textual app (ms)", b * 1000, "baseline"),
        ("first paint: ttx launcher (ms)", o * 1000, "scenarios listed, sessions scanned"),
        ("ratio launcher / bare (target <= 1.5)", o / b, "lower is better"),
    ]


if __name__ == "__main__":
    for name, value, note in run():
        print(f"{name:55s} {value:12.2f}   {note}")
