"""One served console, up close: what bench/serve_load.py measures across a room, for one console process at a time,
with the CPU it spends (a machine shared with other work changes wall times far more than CPU times).

The console is started as textual-serve starts it (its environment, its stdin/stdout packets), on a new facilitated
Northern Shield session, afresh or as a spare taking over (exercise/serve/spare.py); the bare Textual app of the
load bench is the baseline, started the same way.

    python -m bench.serve_profile [--role team|facilitator|observer|bare] [--spare] [--turns N] [--rounds 5]

Prints the time to the first screen and the CPU the console spent to it (after the handover, for a spare), then
for each of its tab keys the time to the tab's words and the CPU per key. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._serve_client import visible
from bench._serve_procs import BARE_APP

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "northern-shield"
# role -> (console arguments, words of its first screen, (key, words only that tab shows)...)
ROLES: dict[str, tuple[list[str], str, tuple[tuple[str, str], ...]]] = {
    "team": (["--team", "vittmark"], "team console", (("4", "private brief"), ("3", "Alliance cohesion"))),
    "facilitator": (["--facilitator"], "MSEL", (("6", "not rated yet"), ("1", "Status"))),
    "observer": (["--observer"], "observer", (("5", "The public timeline"), ("1", "every role reads this"))),
    "bare": ([], "hello", (("2", "words of the second tab"), ("1", "words of the first tab"))),
}
TICK = os.sysconf("SC_CLK_TCK")


def _packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def _cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK


def _session(work: Path, turns: int) -> Path:
    from exercise.engine.commands import Advance
    from exercise.engine.compile import load_scenario
    from exercise.engine.roles import Actor
    from exercise.live import LiveSession
    from exercise.resources import library_roots

    db = work / "profile.sqlite"
    scenario = load_scenario(SCENARIO, library_roots([]))
    live = LiveSession.create(db, scenario, seed=7, teams={n: "human" for n in scenario.nations}, mode="facilitated")
    try:
        for _ in range(turns):
            live.execute(Advance(), actor=Actor.control())
    finally:
        live.close()
    return db


class Console:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.text = ""
        self.arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while (line := await out.readline()) and line != b"__GANGLION__\n":
            pass
        try:
            while True:
                kind = await out.readexactly(1)
                payload = await out.readexactly(int.from_bytes(await out.readexactly(4), "big"))
                if kind == b"D":
                    self.text += visible(payload)
                    self.arrived.set()
        except asyncio.IncompleteReadError:
            self.arrived.set()

    async def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def wait_for(self, words: str, since: int, timeout: float = 30) -> bool:
        deadline = time.perf_counter() + timeout
        while words not in self.text[since:]:
            if self.reader.done() or time.perf_counter() > deadline:
                return False
            self.arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), deadline - time.perf_counter())
        return True

    async def close(self) -> None:
        await self.send(_packet(b"M", json.dumps({"type": "quit"}).encode()))
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
        self.reader.cancel()


async def one(role: str, db: Path, work: Path, spare: bool, keys: int) -> tuple[float, float, list[float], list[float]]:
    args, first, tabs = ROLES[role]
    env = dict(os.environ, TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver", TEXTUAL_FPS="60",
               TEXTUAL_COLOR_SYSTEM="truecolor", TERM_PROGRAM="textual", COLUMNS="120", ROWS="40",
               TABLETOP_SERVED_DB=str(db))
    if role == "bare":
        (work / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        command = [sys.executable, str(work / "bare_app.py")]
    elif spare:
        command = [sys.executable, "-m", "exercise.serve.spare"]
    else:
        command = [sys.executable, "-m", "exercise.serve.console", *args]
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.DEVNULL, env=env, cwd=work)
    console = Console(process)
    if spare and role != "bare":
        await asyncio.sleep(4)  # the spare has imported what it imports
    t0, cpu0 = time.perf_counter(), _cpu_ms(process.pid)
    if spare and role != "bare":
        await console.send((json.dumps({"argv": args, "columns": 120, "rows": 40}) + "\n").encode())
    await console.send(_packet(b"M", json.dumps({"type": "resize", "width": 120, "height": 40}).encode()))
    if not await console.wait_for(first, 0):
        raise RuntimeError(f"{role}: the first screen never showed {first!r}: {console.text[-300:]!r}")
    first_s, first_cpu = time.perf_counter() - t0, _cpu_ms(process.pid) - cpu0
    await asyncio.sleep(1.0)
    latencies, cpus = [], []
    for i in range(keys):
        key, words = tabs[i % len(tabs)]
        since, cpu0, t0 = len(console.text), _cpu_ms(process.pid), time.perf_counter()
        await console.send(_packet(b"D", key.encode()))
        if await console.wait_for(words, since, 10):
            latencies.append(time.perf_counter() - t0)
        await asyncio.sleep(0.4)  # what the key set off after its frame (a footer rebuilt, an animation) counts
        cpus.append(_cpu_ms(process.pid) - cpu0)
    await console.close()
    return first_s, first_cpu, latencies, cpus


async def run(roles: list[str], spare: bool, turns: int, rounds: int, keys: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = await asyncio.to_thread(_session, work, turns)
        for role in roles:
            firsts, first_cpus, latencies, cpus = [], [], [], []
            for _ in range(rounds):
                (work / "copy.sqlite").write_bytes(db.read_bytes())  # the same session every round: no draft
                f, fc, lat, cpu = await one(role, work / "copy.sqlite", work, spare, keys)
                firsts.append(f)
                first_cpus.append(fc)
                latencies += lat
                cpus += cpu
            how = " (a spare taking over)" if spare and role != "bare" else ""
            print(f"{role + how:34s} first screen median {statistics.median(firsts) * 1000:5.0f} ms, "
                  f"CPU to it {statistics.median(first_cpus):4.0f} ms; tab key median "
                  f"{statistics.median(latencies) * 1000 if latencies else float('nan'):4.0f} ms "
                  f"(n={len(latencies)}), CPU per key {statistics.mean(cpus):4.0f} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--role", choices=[*ROLES, "all"], default="all")
    parser.add_argument("--spare", action="store_true", help="start each console as a spare that takes over")
    parser.add_argument("--turns", type=int, default=1, help="advance the new session this many turns first")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keys", type=int, default=8)
    args = parser.parse_args(argv)
    roles = list(ROLES) if args.role == "all" else [args.role]
    asyncio.run(run(roles, args.spare, args.turns, args.rounds, args.keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
