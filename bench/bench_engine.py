"""Engine speed, each figure a ratio against a baseline measured in the same run on this machine.

- simulate: decisions per second playing the tutorial at random, against inkjs (a compiled narrative
  engine) playing an ink story of the same shape (as many choice points, as many options) at random.
  inkjs comes from the npm registry into bench/.node the first time; without node or npm the baseline
  falls back to the figure measured on these machines (about 11,000 to 20,000 choices per second).
- validate: loading and checking a generated 1,000-inject scenario, against a bare
  `yaml.load(text, Loader=yaml.CSafeLoader)` of the same file (target: at most 3x).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from exercise.engine.compile import load_scenario
from exercise.engine.simulate import simulate
from exercise.resources import data_dir

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / ".node"
INK_FALLBACK = 15_000.0  # choices/s, the middle of what inkjs measured here (11,000 to 20,000)


def _ink_story(points: list[int], games: int) -> str:
    """An ink story with one knot per choice point, each offering that many options, played `games` times."""
    lines = ["-> game", "=== game", "-> p0"]
    for i, n in enumerate(points):
        lines.append(f"=== p{i}")
        lines.append(f"Choice point {i}.")
        nxt = f"p{i + 1}" if i + 1 < len(points) else "done"
        for k in range(n):
            lines.append(f"* [Option {k}] You chose {k}. -> {nxt}")
    lines += ["=== done", "The end.", "-> END"]
    return "\n".join(lines)


_INK_DRIVER = r"""
const { createRequire } = require('module');
const path = require('path');
const local = createRequire(path.join(process.argv[2], 'package.json'));
const { Compiler } = local('inkjs/full');
const fs = require('fs');
const source = fs.readFileSync(process.argv[3], 'utf8');
const games = parseInt(process.argv[4], 10);
const json = new Compiler(source).Compile().ToJson();
const { Story } = local('inkjs');
let seed = 1;
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
let choices = 0;
const t0 = process.hrtime.bigint();
for (let g = 0; g < games; g++) {
  const story = new Story(json);
  while (true) {
    while (story.canContinue) story.Continue();
    const n = story.currentChoices.length;
    if (n === 0) break;
    story.ChooseChoiceIndex(Math.floor(rnd() * n));
    choices++;
  }
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ choices, seconds }));
"""


def _inkjs_rate(points: list[int], games: int) -> tuple[float, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return INK_FALLBACK, "inkjs: no node/npm here, using the figure measured before"
    if not (NODE_DIR / "node_modules" / "inkjs").is_dir():
        NODE_DIR.mkdir(exist_ok=True)
        done = subprocess.run([npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "inkjs@2"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            return INK_FALLBACK, "inkjs: npm install failed, using the figure measured before"
    with tempfile.TemporaryDirectory() as tmp:
        story = Path(tmp) / "story.ink"
        story.write_text(_ink_story(points, games))
        driver = Path(tmp) / "drive.js"
        driver.write_text(_INK_DRIVER)
        done = subprocess.run([node, str(driver), str(NODE_DIR), str(story), str(games)], capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            return INK_FALLBACK, "inkjs: the driver failed (" + done.stderr.strip().splitlines()[-1][:80] + ")"
        got = json.loads(done.stdout)
        return got["choices"] / got["seconds"], "inkjs measured in this run"


def bench_simulate(games: int = 3000) -> list[tuple[str, float, str]]:
    sc = load_scenario(data_dir("scenarios") / "tutorial" / "scenario.yaml")
    simulate(sc, 200, seed=99, bots="random")  # warm up
    result = simulate(sc, games, seed=1, bots="random")
    ours = result.decisions_per_second
    mixed = simulate(sc, games // 3, seed=1, bots="mixed")
    # The same shape: as many choice points per game as the tutorial averaged, with its option counts.
    options = [len(ci.options) for ci in sc.injects.values() if ci.options]
    per_game = max(1, round(result.decisions / result.games))
    points = [options[i % len(options)] for i in range(per_game)]
    ink, how = _inkjs_rate(points, max(200, games // 2))
    return [
        ("simulate: games/s (random play, tutorial)", result.per_second, f"{result.games} games"),
        ("simulate: decisions/s (random play)", ours, f"{result.decisions} decisions"),
        ("simulate: decisions/s (bots, mixed profiles)", mixed.decisions_per_second, "bots weigh every option"),
        ("inkjs: choices/s (same shape, random)", ink, how),
        ("ratio decisions/s tabletop / inkjs (target > 1)", ours / ink, "higher is better"),
    ]


def generated_scenario(n: int = 1000) -> str:
    nations = ["alpha", "beta", "gamma", "delta"]
    out = ["ttx: 1", "id: generated", "title: Generated", "objectives:",
           "  - {id: O1, text: Share, capability: Intelligence and information sharing}",
           "clock: {turns: 20}", "nations:"]
    out += [f"  - {{id: {x}, name: {x.title()}}}" for x in nations]
    out += ["state:", "  cohesion: {start: 60}", "  support: {per: nation, start: 50}",
            "  trust: {per: pair, start: 50}", "injects:"]
    for i in range(n):
        a, b = nations[i % 4], nations[(i + 1) % 4]
        out += [
            f"  - id: inject-{i}",
            f"    title: Inject number {i}",
            f"    at: turn {1 + i % 20}",
            f"    to: [{a}]",
            "    from: Exercise Control",
            "    kind: intelligence",
            "    objective: O1",
            "    text: |",
            f"      Something happens to {a.title()} that needs a decision about {b.title()}.",
            "      A second line of text, as injects have a paragraph or two.",
            "    decision:",
            "      options:",
            f"        - {{id: share, label: Share, requires: \"trust[{a}][{b}] >= 20\", "
            f"effects: {{cohesion: +1, \"trust[{b}][{a}]\": +2}}}}",
            "        - {id: wait, label: Wait, effects: {cohesion: -1, \"support[self]\": +1}}",
            "      default: wait",
        ]
    out += ["endings:", "  - {id: good, title: Good, when: \"cohesion >= 60 and mean(support) > 0\"}",
            "  - {id: bad, title: Bad}"]
    return "\n".join(out) + "\n"


def bench_validate(n: int = 1000, repeat: int = 5) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(generated_scenario(n))
        text = path.read_text()
        bare, ours, lint = [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            yaml.load(text, Loader=yaml.CSafeLoader)
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sc = load_scenario(path)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _ = sc.warnings
            lint.append(time.perf_counter() - t0)
    b, o, li = min(bare), min(ours), min(lint)
    return [
        (f"validate: yaml CSafeLoader of {n} injects (ms)", b * 1000, "baseline"),
        (f"validate: tabletop load+check of {n} injects (ms)", o * 1000, "positions, models, expressions"),
        ("ratio tabletop validate / bare yaml (target <= 3)", o / b, "lower is better"),
        ("lints on top (ms)", li * 1000, "sampled-state lints, run by `tabletop validate`"),
    ]


def run() -> list[tuple[str, float, str]]:
    return bench_validate() + bench_simulate()


if __name__ == "__main__":
    for name, value, note in run():
        print(f"{name:55s} {value:12.2f}   {note}")
