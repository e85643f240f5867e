"""The launcher on screen, as a person starts `tabletop play`, against a bare Textual app started the same way
(target: at most 1.5x, goal 1.2x).

"On screen" is the first frame that shows the app's content: "hello" for the bare app (Header, Label, Footer);
for the launcher, its list (scenarios, then sessions to resume), the highlighted scenario's facts and the
Footer. The launcher's set-up form (mode, who plays, seed, Start) and the engine it needs come right after that
frame; the time until Start can be pressed is printed too, with no target.

Two measurements, each alternating the apps in a shuffled order per round, so machine noise hits them alike;
each ratio printed is the median of the rounds' own ratios, with the middle half of them (25th to 75th
percentile) beside it as its spread:

1. As a person starts it (the target line): `tabletop play` and `python bare.py`, each spawned in a
   pseudo-terminal of 120x40 and timed from the spawn until the terminal shows that content, so Python's
   start-up and every import count (for `tabletop`: its command line, then the UI). Compiled bytecode is
   kept, as after an install (pip compiles every module; a checkout writes __pycache__ on the first run):
   in a folder of the run's own (PYTHONPYCACHEPREFIX), so an environment that sets PYTHONDONTWRITEBYTECODE
   (as these machines do) does not charge `tabletop` for compiling its own modules at every start. One round
   first, untimed, writes it. 20 rounds. Then, with no target, the same with bytecode compiled at every start
   (PYTHONDONTWRITEBYTECODE=1 and nothing cached yet for the checkout's modules: an editable install in such an
   environment), 10 rounds.
2. In the process, to see where the frame's own work goes (no target): imports loaded once beforehand, each
   app started headless at 120x40 and timed from its creation to that frame (Textual's `_display` of the first
   screen with the content), then closed; each after a garbage collection; 30 rounds. Two reference apps
   (Textual's Header and Footer around a list, then around a list and a text) show what Textual itself
   spends on such widgets, in the same rounds.

    python -m bench.bench_launcher
"""

from __future__ import annotations

import asyncio
import fcntl
import gc
import os
import random
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static

from exercise.resources import all_scenarios
from exercise.ui.app import make_app
from exercise.ui.config import AppConfig
from exercise.ui.screens.launcher import LauncherScreen

ROUNDS = 30
PTY_ROUNDS = 20
PTY_UNCACHED_ROUNDS = 10
PTY_TARGET = 1.5
PTY_GOAL = 1.2
SIZE = (120, 40)
BARE_SOURCE = """
from textual.app import App
from textual.widgets import Footer, Header, Label


class Bare(App):
    def compose(self):
        yield Header()
        yield Label("hello")
        yield Footer()


Bare().run()
"""
_ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>A-Za-z])")


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("hello")
        yield Footer()


class ListOnly(App[None]):
    """A reference, not a design: the least a launcher shows, the scenario titles in one list."""

    CSS = "#scenarios { width: 40; height: 1fr; }"

    def __init__(self, work: Path) -> None:
        super().__init__()
        self.infos = all_scenarios(work)

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*[i.title for i in self.infos], id="scenarios")
        yield Footer()


class ListAndFacts(ListOnly):
    """The same list and, beside it, the highlighted scenario's facts: what item 1 of the issue asks."""

    CSS = "Screen { layout: horizontal; } #scenarios { width: 40; height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*[i.title for i in self.infos], id="scenarios")
        yield Static(LauncherScreen._info_text(self.infos[0], None))
        yield Footer()


# -- in the process -------------------------------------------------------------------------------
def _launcher_painted(screen: Screen[Any]) -> bool:
    return (isinstance(screen, LauncherScreen) and screen.info is not None
            and screen.query_one("#choices", OptionList).option_count > 0)


def _launcher_ready(app: App[Any]) -> bool:
    """The form is in, the scenario compiled, and every widget of the form (a Select per nation) mounted."""
    screen = app.screen
    if not (isinstance(screen, LauncherScreen) and screen.form is not None and screen.compiled is not None):
        return False
    widgets = list(screen.form.query("*"))
    return bool(screen.form.query(".player-row")) and all(w.is_mounted for w in widgets)


async def _first_paint(make: Callable[[], App[Any]], painted: Callable[[Screen[Any]], bool],
                       ready: Callable[[App[Any]], bool] | None = None) -> tuple[float, float]:
    """Seconds from creating the app to its first frame with content, and until it is `ready`."""
    t0 = time.perf_counter()
    app = make()
    frames: list[float] = []
    display = app._display

    def timed_display(screen: Screen[Any], renderable: Any) -> None:
        display(screen, renderable)
        shown = time.perf_counter()  # before the check, so the check's own queries are not timed
        if renderable is not None and not frames and painted(screen):
            frames.append(shown)

    app._display = timed_display  # type: ignore[method-assign]
    async with app.run_test(size=SIZE):
        while not frames or (ready is not None and not ready(app)):
            if time.perf_counter() - t0 > 30:
                raise RuntimeError(f"{type(app).__name__}: nothing painted in 30 s")
            await asyncio.sleep(0.001)
        done = time.perf_counter()
    return frames[0] - t0, done - t0


def in_process(work: Path) -> dict[str, list[float]]:
    def ours() -> App[None]:
        return make_app(AppConfig(workdir=work))

    def any_frame(screen: Screen[Any]) -> bool:
        return True

    times: dict[str, list[float]] = {"bare": [], "launcher": [], "ready": [], "list": [], "list+facts": []}
    others: dict[str, Callable[[], App[Any]]] = {
        "bare": Bare, "list": lambda: ListOnly(work), "list+facts": lambda: ListAndFacts(work)}
    names = ["bare", "launcher", "list", "list+facts"]

    def run_one(name: str) -> None:
        gc.collect()  # so no app pays for the garbage the one before it left
        if name == "launcher":
            first, done = asyncio.run(_first_paint(ours, _launcher_painted, _launcher_ready))
            times["launcher"].append(first)
            times["ready"].append(done)
        else:
            times[name].append(asyncio.run(_first_paint(others[name], any_frame))[0])

    for name in names:  # warm imports and caches for all
        run_one(name)
    for times_list in times.values():
        times_list.clear()
    order = random.Random(0)
    for _ in range(ROUNDS):
        order.shuffle(names)  # no app always runs right after the same other one
        for name in names:
            run_one(name)
    return times


# -- as a person starts it -------------------------------------------------------------------------
def _shows(argv: list[str], marker: bytes, cwd: Path, env: dict[str, str]) -> float:
    """Seconds from spawning argv in a pseudo-terminal until its screen shows `marker`."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while time.monotonic() - t0 < 30:
            readable, _, _ = select.select([master], [], [], 0.5)
            if readable:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if marker in _ESCAPES.sub(b"", seen):
                    return time.monotonic() - t0
            elif proc.poll() is not None:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # nothing to lose: the launcher writes no file until Start
        proc.wait()
        os.close(master)
    tail = _ESCAPES.sub(b"", seen)[-300:].decode(errors="replace")
    raise RuntimeError(f"{argv[0]} never showed {marker.decode()!r}; its screen ended with: {tail!r}")


def as_a_person(work: Path, *, cached: bool, rounds: int) -> dict[str, list[float]] | None:
    """Seconds to the first frame with content, per app, over `rounds` shuffled rounds; `cached`: with the
    bytecode kept from an untimed first round, else compiled at every start."""
    tabletop = Path(sys.executable).with_name("tabletop")
    if not tabletop.exists():
        return None
    bare_script = work / "bare.py"
    bare_script.write_text(BARE_SOURCE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")}
    env["TERM"] = "xterm-256color"
    if cached:
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    else:  # where no bytecode was written for the checkout: Textual's, from its install, is still read
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    apps = {"bare": ([sys.executable, str(bare_script)], b"hello"),
            "play": ([str(tabletop), "play"], b"Estimated duration")}
    names = list(apps)
    for name in names:  # warms the file cache and writes the bytecode (if kept); not timed
        _shows(*apps[name], work, env)
    times: dict[str, list[float]] = {name: [] for name in names}
    order = random.Random(1)
    for _ in range(rounds):
        order.shuffle(names)
        for name in names:
            times[name].append(_shows(*apps[name], work, env))
    return times


def _ratios(times: dict[str, list[float]], name: str) -> list[float]:
    """name's time / the bare app's time, round by round: a slow moment of the machine then slows both sides
    of one ratio, instead of one side of the ratio of two medians."""
    return [t / b for t, b in zip(times[name], times["bare"], strict=True)]


def _paired(times: dict[str, list[float]], name: str) -> float:
    return statistics.median(_ratios(times, name))


def _spread(times: dict[str, list[float]], name: str) -> str:
    quarters = statistics.quantiles(_ratios(times, name), n=4)
    return f"middle half of the rounds {quarters[0]:.2f}-{quarters[2]:.2f}"


def run() -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)  # no local scenarios or sessions: the bundled scenarios only
        spawned = as_a_person(work, cached=True, rounds=PTY_ROUNDS)
        uncached = as_a_person(work, cached=False, rounds=PTY_UNCACHED_ROUNDS)
        times = in_process(work)
    rows = []
    if spawned is not None:
        pb, po = (statistics.median(spawned[k]) for k in ("bare", "play"))
        rows += [
            ("started in a terminal: python bare.py (ms)", pb * 1000, "baseline: spawn to 'hello' on screen"),
            ("started in a terminal: tabletop play (ms)", po * 1000, "spawn to the launcher on screen"),
            (f"ratio tabletop play / bare (target <= {PTY_TARGET}, goal {PTY_GOAL})", _paired(spawned, "play"),
             f"as a person starts them; {_spread(spawned, 'play')}"),
        ]
    if uncached is not None:
        rows.append(("the same, bytecode compiled at every start", _paired(uncached, "play"),
                     f"no target; {_spread(uncached, 'play')}"))
    b, o, r = (statistics.median(times[k]) for k in ("bare", "launcher", "ready"))
    rows += [
        ("first paint in process: bare Textual app (ms)", b * 1000, "baseline: Header, 'hello', Footer"),
        ("first paint in process: tabletop launcher (ms)", o * 1000, "scenarios, their facts, sessions, Footer"),
        ("ratio launcher / bare, in process", _paired(times, "launcher"), f"no target; {_spread(times, 'launcher')}"),
        ("launcher ready to Start, in process (ms)", r * 1000, "set-up form mounted, scenario compiled"),
        ("reference: Header + scenario list + Footer / bare", _paired(times, "list"), "Textual's own cost of a list"),
        ("reference: the same + the facts beside it / bare", _paired(times, "list+facts"), "... and of a text"),
    ]
    return rows


if __name__ == "__main__":
    for name, value, note in run():
        print(f"{name:55s} {value:12.2f}   {note}")
