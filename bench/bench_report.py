"""The full HTML after-action report of a 20,000-event session, against `tabletop export --format jsonl` of
the same session in the same run (issue 15's target: the report takes at most 3x the export; the goal 2x), and
its peak memory.

Both sides are timed in wall time and in this process's CPU time (steadier on a busy shared machine), in
five alternating rounds, each after a garbage collection: the times printed are each side's best, the
ratios the median of the rounds' own ratios. The session is generated: the tutorial scenario played by its bots
for six turns, with the talk of a long workshop in between (messages between nations, adjudications,
observations), about 3,300 events a turn, then a hot wash after the end to make exactly 20,000 events.
`bench_scale` reads the same kind of session at up to a million events.

    python -m bench.bench_report [DIRECTORY]
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path
from typing import Any

if not __package__:  # run as a file: make this checkout importable without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exercise.engine.bots import play_bots
from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.report import write_report
from exercise.report.export import export_jsonl
from exercise.report.scripted import stepping_clock

EVENTS = 20_000
BATCH = 250  # commands per transaction: the generator is not what is measured
ROUNDS = 5
TARGET_RATIO = 3.0
GOAL_RATIO = 2.0
ROOT = Path(__file__).resolve().parents[1]


def generate(db: Path, events: int = EVENTS) -> int:
    """A session of exactly `events` events (or a few more, when the last command emits several)."""
    sc = load_scenario(ROOT / "scenarios" / "tutorial")
    live = LiveSession.create(db, sc, seed=11, teams={}, mode="facilitated", clock=stepping_clock(step_seconds=20))
    nations = list(sc.nations)
    objectives = [o.id for o in sc.model.objectives]
    globals_ = [k for k in sc.layout.keys if "[" not in k]
    per_turn = max((events - 200) // sc.turns, 1)
    k = 0

    def talk(s: Any, n: int) -> list[Any]:
        nonlocal k
        out: list[Any] = []
        for _ in range(n):
            k += 1
            if k % 97 == 0 and s.state.ended is None:
                out += s.adjudicate(globals_[k % len(globals_)], 1 if k % 2 else -1, f"Control adjusts ({k})")
            elif k % 53 == 0 and objectives:
                out += s.observe(objectives[k % len(objectives)], f"Observation {k}: the teams <b>debated</b> "
                                 f"the inject for {k % 17} minutes", "PSMU"[k % 4])
            elif s.state.ended is None:
                a, b = nations[k % len(nations)], nations[(k + 1) % len(nations)]
                out += s.send(a, [b], f"Message {k} from {a}: we propose to share what we know about the "
                              f"attack and to meet at the Compact tomorrow. {{{{ not a template }}}} *{k}*")
            else:
                out += s.observe(None, f"Hot wash note {k}: what worked, what did not", kind="hotwash")
        return out

    try:
        while live.state.ended is None:
            live.execute(lambda s: [e for batch in play_bots(s) for e in batch])
            target = min(live.state.turn * per_turn, events - 50)
            while live.state.next_seq - 1 < target:
                n = min(BATCH, target - (live.state.next_seq - 1))
                live.execute(partial(talk, n=n))
            live.execute(lambda s: s.advance())
        while live.state.next_seq - 1 < events:
            n = min(BATCH, events - (live.state.next_seq - 1))
            live.execute(partial(talk, n=n))
        return int(live.state.next_seq) - 1
    finally:
        live.close()


def run(directory: str | Path | None = None, events: int = EVENTS) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(prefix="tabletop-bench-report-", dir=directory) as tmp:
        base = Path(tmp)
        db = base / "session.sqlite"
        t0 = time.perf_counter()
        count = generate(db, events)
        gen_s = time.perf_counter() - t0
        export_s = report_s = float("inf")
        html_bytes = 0
        wall_ratios, cpu_ratios = [], []
        for r in range(ROUNDS):  # alternate, so warm-up and disk hiccups hit both alike
            gc.collect()
            start, cpu = time.perf_counter(), time.process_time()
            export_jsonl(db, base / f"export-{r}.jsonl")
            e_wall, e_cpu = time.perf_counter() - start, time.process_time() - cpu
            gc.collect()
            start, cpu = time.perf_counter(), time.process_time()
            (html,) = write_report(db, ["html"], base / f"report-{r}")
            r_wall, r_cpu = time.perf_counter() - start, time.process_time() - cpu
            html_bytes = html.stat().st_size
            export_s, report_s = min(export_s, e_wall), min(report_s, r_wall)
            # each round's own ratio: a slow moment of the machine slows one round, not one side
            wall_ratios.append(r_wall / e_wall)
            cpu_ratios.append(r_cpu / e_cpu)
        tracemalloc.start()
        write_report(db, ["html"], base / "report-mem")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return [
        (f"session generated ({count} events)", gen_s, "s"),
        ("tabletop export --format jsonl", export_s * 1000, "ms"),
        ("tabletop report --format html (full report, chain verified)", report_s * 1000, "ms"),
        (f"report / export, wall time (target <= {TARGET_RATIO:g}, goal {GOAL_RATIO:g})",
         statistics.median(wall_ratios), "ratio"),
        (f"report / export, CPU time (target <= {TARGET_RATIO:g}, goal {GOAL_RATIO:g})",
         statistics.median(cpu_ratios), "ratio"),
        ("report: peak Python memory (tracemalloc)", peak / 1e6, "MB"),
        ("report: HTML size", html_bytes / 1e6, "MB"),
    ]


if __name__ == "__main__":
    for name, value, unit in run(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{name:<55} {value:10.2f} {unit}")
