"""`tabletop serve` under a workshop's load, measured against a bare Textual app served by textual-serve in the same
run (issue 13, item 7; target: within 1.5x).

A real `tabletop serve` of Northern Shield on 127.0.0.1 and, beside it, textual-serve's own Server running a bare
app (a Label that changes when x is pressed). Clients speak textual-serve's websocket protocol with aiohttp
(bench/_serve_client.py); every wait has a timeout and both servers are ended with their process groups.

1. Alone (no load): rounds in a shuffled order, each opening one team console and one bare app, timing the first
   screen and four key presses on each, then closing them.
2. The room fills: 11 bare connections at once (a quarter of a second apart), then ours: control, 6 teams and 4
   observers. Northern Shield has 5 nations, so the sixth team connection is a second laptop on the first
   nation's code (a team with two laptops). Time to the first screen of each.
3. Play, for --seconds (default 300): control advances the clock (nine times, up to the last turn, never ending
   the exercise), sends messages and switches tabs; each team decides the open decisions (its first laptop only,
   with a rationale), writes messages and switches tabs; observers switch tabs; the second laptop reloads now and
   then (a new connection: time to its first screen) and, in turn with it, a new bare connection is opened.
   Key-to-screen latency: a team console's tab switch (4: its brief, 3: its state) until the new tab's words
   arrive, against the bare app's x until "pressed N" arrives, pressed through the same period by one bare
   connection held open; every console process's memory (RSS of its process tree, /proc) is sampled.
4. Nothing lost: every decision, message and advance the screen acknowledged ("Sent:", "Message sent to",
   "Turn N begins") is found in `tabletop log --json` by the token typed into it, and `tabletop verify` passes.

    python -m bench.serve_load [--seconds 30]       (or TABLETOP_BENCH_SERVE_SECONDS=30)

Exit 1 when something acknowledged is missing from the log or verify fails; timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench._serve_procs import console_memory, free_port, start, start_bare_server, stop, until_listening
from bench._serve_roles import (
    BareKeys,
    Room,
    Seat,
    Tally,
    TeamTabs,
    bare_presses,
    control,
    observer,
    second_laptop,
    team,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "northern-shield"
SECONDS = 300
TARGET = 1.5
STAGGER = 0.25  # seconds between connections as the room fills
TURNS = 10  # Northern Shield's clock: control advances up to the last turn, never past it


async def sample_memory(room: Room, servers: dict[str, int]) -> None:
    while room.playing():
        for name, pid in servers.items():
            seen = room.tally.memory.setdefault(name, {})
            for child, kib in (await asyncio.to_thread(console_memory, pid)).items():
                seen[child] = max(seen.get(child, 0), kib)
        await room.pause(5.0, 5.0)


# -- phases -----------------------------------------------------------------------------------------------------
async def alone(room: Room, rounds: int) -> None:
    """One console at a time on a quiet server: first screen and four key presses each."""
    for _ in range(rounds):
        kinds = ["ours", "bare"]
        room.rng.shuffle(kinds)
        for kind in kinds:
            if kind == "ours":
                seat = await Seat.open(room.ours, room.code("vittmark"), "team", "vittmark alone", room.tally,
                                       "ours: alone")
                tabs = TeamTabs()
                for _ in range(4):
                    await tabs.switch(seat, room.tally, "ours: team tab switch, alone")
                    await asyncio.sleep(0.3)
            else:
                seat = await Seat.open(room.bare, None, "bare", "bare alone", room.tally, "bare: alone")
                keys = BareKeys()
                for _ in range(6):
                    await keys.press(seat, room.tally, ", alone")
                    await asyncio.sleep(0.3)
            await seat.close()
            await asyncio.sleep(1.5)  # the closed console's process goes before the next one is timed


async def fill(openers: list[Callable[[], Awaitable[Seat]]]) -> list[Seat]:
    """Open every seat STAGGER seconds apart, all waiting for their first screens at once."""
    async def one(i: int, opener: Callable[[], Awaitable[Seat]]) -> Seat:
        await asyncio.sleep(i * STAGGER)
        return await opener()

    return list(await asyncio.gather(*(one(i, o) for i, o in enumerate(openers))))


@dataclass
class Plan:
    """How big the run is: the bench's room, or a small one for the test suite's smoke run."""

    seconds: float = SECONDS
    teams: int = 6  # team connections; past the scenario's nations, second laptops on their codes
    observers: int = 4
    alone_rounds: int = 5
    bare: bool = True  # measure the bare app too (the smoke run checks only that nothing is lost)


async def play(plan: Plan, work: Path, seed: int = 0) -> tuple[Tally, Path]:
    tally = Tally()
    db = work / "workshop.sqlite"
    port, bare_port = free_port(), free_port()
    tabletop = str(Path(sys.executable).with_name("tabletop"))
    ours = start([tabletop, "serve", str(SCENARIO), "--db", str(db), "--codes", str(work / "codes.json"),
                  "--port", str(port)], work, work / "serve.log")
    bare = start_bare_server(work, bare_port) if plan.bare else None
    seats: list[Seat] = []
    try:
        room = Room(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}", {}, tally, 0.0,
                    random.Random(seed))
        await until_listening(room.ours, ours, work / "serve.log")
        if bare is not None:
            await until_listening(room.bare, bare, work / "bare.log")
        room.codes = json.loads((work / "codes.json").read_text(encoding="utf-8"))
        teams = room.codes["teams"]
        assert isinstance(teams, dict)
        nations = list(teams)
        if bare is not None:
            await alone(room, plan.alone_rounds)
            bare_seats = await fill([
                (lambda i=i: Seat.open(room.bare, None, "bare", f"bare {i}", tally, "bare: the room fills"))
                for i in range(1 + plan.teams + plan.observers)])
            tally.memory["bare"] = await asyncio.to_thread(console_memory, bare.pid)
            for s in bare_seats:
                await s.close()
            await asyncio.sleep(3)

        laptops = [(nations[i % len(nations)], i // len(nations) + 1) for i in range(plan.teams)]
        openers: list[Callable[[], Awaitable[Seat]]] = [
            lambda: Seat.open(room.ours, room.code("control"), "control", "control", tally, "ours: the room fills")]
        openers += [(lambda n=n, k=k: Seat.open(room.ours, room.code(n), "team", f"{n}{k}", tally,
                                                "ours: the room fills")) for n, k in laptops]
        openers += [(lambda i=i: Seat.open(room.ours, room.code("observer"), "observer", f"observer {i}", tally,
                                           "ours: the room fills")) for i in range(plan.observers)]
        seats = await fill(openers)
        probe = None
        if bare is not None:
            probe = await Seat.open(room.bare, None, "bare", "bare probe", tally,
                                    "bare: a new connection during play")
            seats.append(probe)

        room.end = time.monotonic() + plan.seconds
        scripts = [control(room, seats[0], TURNS, plan.seconds)]
        for seat, (nation, laptop) in zip(seats[1:1 + plan.teams], laptops, strict=True):
            name = f"{nation}{laptop}"
            scripts.append(team(room, seat, name, decides=True) if laptop == 1 else
                           second_laptop(room, seat, name, reload_bare=bare is not None))
        scripts += [observer(room, s) for s in seats[1 + plan.teams:1 + plan.teams + plan.observers]]
        scripts.append(sample_memory(room, {"ours": ours.pid}))
        if probe is not None:
            scripts.append(bare_presses(room, probe))
        tasks = [asyncio.ensure_future(s) for s in scripts]
        done, pending = await asyncio.wait(tasks, timeout=plan.seconds + 120)
        for task in pending:
            task.cancel()
            tally.failures.append(f"a script did not stop by itself: {task}")
        for task in done:
            if task.exception() is not None:
                tally.failures.append(f"a script failed: {type(task.exception()).__name__}: {task.exception()}")
    finally:
        for s in seats:
            with suppress(Exception):
                await s.close()
        await asyncio.sleep(1)  # closed consoles begin to quit before the server goes
        await asyncio.to_thread(stop, ours)
        if bare is not None:
            await asyncio.to_thread(stop, bare)
    return tally, db


# -- nothing lost ---------------------------------------------------------------------------------------------------
def check_log(tally: Tally, db: Path) -> list[tuple[str, str]]:
    """What the screens acknowledged against what the log holds; and verify. Rows of (what, result)."""
    tabletop = str(Path(sys.executable).with_name("tabletop"))
    log = subprocess.run([tabletop, "log", str(db), "--json"], capture_output=True, text=True, timeout=120)
    verify = subprocess.run([tabletop, "verify", str(db)], capture_output=True, text=True, timeout=120)
    lines = log.stdout.splitlines()
    events = [json.loads(line) for line in lines]
    kinds: dict[str, int] = {}
    for event in events:
        kinds[event["type"]] = kinds.get(event["type"], 0) + 1
    rows = []
    for what, tokens in (("decisions", tally.decisions), ("messages", tally.messages)):
        lost = [t for t in tokens if not any(t in line for line in lines)]
        rows.append((f"{what} acknowledged on screen, found in the log",
                     f"{len(tokens) - len(lost)} of {len(tokens)}" + (f"; LOST: {lost}" if lost else "")))
        if lost:
            tally.failures.append(f"{what} acknowledged but not in the log: {lost}")
    advanced = kinds.get("ClockAdvanced", 0)
    rows.append(("clock advances acknowledged / in the log", f"{tally.advances} / {advanced}"))
    if advanced != tally.advances:
        tally.failures.append(f"{tally.advances} advances acknowledged, {advanced} in the log")
    rows.append(("events in the log", f"{len(events)}: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))))
    said = (verify.stdout + verify.stderr).strip().splitlines()
    rows.append(("tabletop verify", f"exit {verify.returncode}: {said[-1] if said else ''}"))
    if log.returncode != 0 or verify.returncode != 0:
        tally.failures.append(f"log exit {log.returncode}, verify exit {verify.returncode}: {verify.stdout}")
    return rows


# -- the table ------------------------------------------------------------------------------------------------------
def _ms(values: list[float] | None) -> str:
    if not values:
        return "no samples"
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"median {statistics.median(values) * 1000:7.0f} ms  p90 {p90 * 1000:7.0f}  max {values[-1] * 1000:7.0f}" \
           f"  n={len(values)}"


def _ratio(tally: Tally, table: dict[str, list[float]], ours: str, bare: str) -> str:
    a, b = table.get(ours), table.get(bare)
    if not a or not b:
        return "no samples"
    r = statistics.median(a) / statistics.median(b)
    return f"{r:5.2f}x  ({'within' if r <= TARGET else 'MISSES'} the {TARGET}x target)"


def report(tally: Tally, checks: list[tuple[str, str]], plan: Plan) -> list[str]:
    out = [f"== serve_load: control, {plan.teams} team connections (past Northern Shield's 5 nations, second "
           f"laptops on a nation's code) and {plan.observers} observers, {plan.seconds:.0f} s of play =="]
    out.append("-- time to first screen (from opening the websocket to the first frame with the console's words)")
    for phase in ("bare: alone", "ours: alone", "bare: the room fills", "ours: the room fills",
                  "bare: a new connection during play", "ours: a reload during play"):
        out.append(f"   {phase:42s} {_ms(tally.first.get(phase))}")
    out.append(f"   {'ratio alone, ours / bare':42s} {_ratio(tally, tally.first, 'ours: alone', 'bare: alone')}")
    out.append(f"   {'ratio as the room fills':42s} "
               f"{_ratio(tally, tally.first, 'ours: the room fills', 'bare: the room fills')}")
    out.append(f"   {'ratio during play (the target line)':42s} "
               f"{_ratio(tally, tally.first, 'ours: a reload during play', 'bare: a new connection during play')}")
    out.append("-- key to screen (a team's tab switch until the tab's words arrive; bare: x until 'pressed N', "
               "and Textual's own tab switch)")
    for what in ("bare: x, alone", "bare: tab switch, alone", "ours: team tab switch, alone", "bare: x",
                 "bare: tab switch", "ours: team tab switch", "message: Enter to 'Message sent'",
                 "decision: Enter to 'Sent:'"):
        out.append(f"   {what:42s} {_ms(tally.keys.get(what))}")
    for name, ours, bare in (("alone, ours / bare x", "ours: team tab switch, alone", "bare: x, alone"),
                             ("under load, ours / bare x (the target line)", "ours: team tab switch", "bare: x"),
                             ("alone, ours / bare tab switch", "ours: team tab switch, alone",
                              "bare: tab switch, alone"),
                             ("under load, ours / bare tab switch", "ours: team tab switch", "bare: tab switch")):
        out.append(f"   {'ratio ' + name:42s} {_ratio(tally, tally.keys, ours, bare)}")
    if tally.missed:
        out.append(f"   keys whose screen never came: {tally.missed}")
        for said in tally.missed_screens:
            out.append(f"     {said}")
    out.append("-- memory per connection (RSS of the console's process tree, largest seen)")
    for name in ("bare", "ours"):
        kib = sorted(tally.memory.get(name, {}).values())
        if kib:
            out.append(f"   {name:42s} median {statistics.median(kib) / 1024:6.1f} MiB  max {kib[-1] / 1024:6.1f} MiB"
                       f"  over {len(kib)} console processes")
    out.append("-- nothing lost")
    out += [f"   {what:42s} {result}" for what, result in checks]
    if tally.unacknowledged:
        out.append(f"   acts typed but never acknowledged on screen ({len(tally.unacknowledged)}, not counted as "
                   f"made): {tally.unacknowledged[:8]}")
    for failure in tally.failures:
        out.append(f"   FAILED: {failure}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("TABLETOP_BENCH_SERVE_SECONDS", SECONDS)))
    parser.add_argument("--keep", type=Path, help="keep the session file, logs and codes in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        plan = Plan(seconds=args.seconds)
        try:
            tally, db = asyncio.run(play(plan, work))
        except Exception as exc:  # said in one line, with the servers' logs kept where --keep asks
            print(f"serve_load failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        checks = check_log(tally, db)
        for line in report(tally, checks, plan):
            print(line, flush=True)
        print(f"   ({time.monotonic() - t0:.0f} s)")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
