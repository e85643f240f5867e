"""Headless playthroughs: thousands of games with bots or random choices, to find what authors miss.

Coverage of injects, options and endings, the range each state value reached, dead ends (games that stop
with no ending) and content nothing reaches. A game is played by the turn policy (autopilot.py), as
`tabletop run --bots` plays it: manual injects are released by the engine's stand-in at a turn drawn from the
seed, so they are covered too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .autopilot import next_step
from .compile import CompiledScenario
from .models import BOT_PROFILES
from .rules import national_outcome
from .session import Session

MIXED = "mixed"


@dataclass
class SimResult:
    games: int = 0
    injects: dict[str, int] = field(default_factory=dict)
    options: dict[str, int] = field(default_factory=dict)
    endings: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)  # 'nation/outcome' -> games that nation reached it
    dead_ends: int = 0
    decisions: int = 0
    seconds: float = 0.0
    ranges: dict[str, list[float]] = field(default_factory=dict)
    end_sums: list[float] = field(default_factory=list)  # per slot: the sum of its values at the games' ends
    by_profile: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.games / self.seconds if self.seconds else 0.0

    @property
    def decisions_per_second(self) -> float:
        return self.decisions / self.seconds if self.seconds else 0.0

    def mean(self, slot: int) -> float:
        """The mean of a state value (by slot) at the games' ends; min and max span every turn of every game."""
        return round(self.end_sums[slot] / self.games, 2) if self.games and self.end_sums else 0.0

    def unreached(self) -> list[str]:
        out = [f"inject {k}" for k, v in self.injects.items() if v == 0]
        out += [f"option {k}" for k, v in self.options.items() if v == 0]
        out += [f"ending {k}" for k, v in self.endings.items() if v == 0]
        out += [f"outcome {k}" for k, v in self.outcomes.items() if v == 0]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "games": self.games,
            "injects": self.injects,
            "options": self.options,
            "endings": self.endings,
            "outcomes": self.outcomes,
            "dead_ends": self.dead_ends,
            "per_second": round(self.per_second, 1),
            "decisions": self.decisions,
            "decisions_per_second": round(self.decisions_per_second, 1),
            "ranges": {k: {"min": lo, "max": hi, "mean": self.mean(i)}
                       for i, (k, (lo, hi)) in enumerate(self.ranges.items())},
            "by_profile": self.by_profile,
            "unreached": self.unreached(),
        }


def profiles_for(bots: str | None) -> list[str | None]:
    """The profile each game is played with in turn; None means each nation's own profile."""
    if bots in (None, MIXED):
        return [None, *BOT_PROFILES]
    if bots == "scenario":
        return [None]
    if bots not in BOT_PROFILES:
        raise ValueError(f"unknown bot profile '{bots}' (choose from {', '.join(('scenario', MIXED, *BOT_PROFILES))})")
    return [bots]


def play_one(scenario: CompiledScenario, seed: int, profile: str | None) -> Session:
    teams = {n: f"bot:{profile}" for n in scenario.nations} if profile else {}
    session = Session(scenario)
    session.start(seed, teams)
    while session.state.ended is None and next_step(session):
        pass
    return session


def simulate(scenario: CompiledScenario, n: int, seed: int = 0, bots: str | None = None,
             timer: Callable[[], float] = time.perf_counter) -> SimResult:
    profiles = profiles_for(bots)
    res = SimResult()
    res.injects = dict.fromkeys(scenario.injects, 0)
    res.options = {f"{i}/{o}": 0 for i, ci in scenario.injects.items() for o in ci.options}
    res.endings = {e.id: 0 for e in scenario.endings}
    res.outcomes = {f"{n}/{o.id}": 0 for n, got in scenario.outcomes.items() for o in got}
    keys = scenario.layout.keys
    lo = list(scenario.start)
    hi = list(scenario.start)
    sums = [0.0] * len(keys)
    started = timer()
    for g in range(n):
        profile = profiles[g % len(profiles)]
        session = play_one(scenario, seed + g, profile)
        state = session.state
        res.games += 1
        for inject_id in state.released:
            if inject_id in res.injects:
                res.injects[inject_id] += 1
        seen_options = set()
        for (inject_id, _team), option in state.chosen.items():
            if option:
                seen_options.add(f"{inject_id}/{option}")
            res.decisions += 1
        for k in seen_options:
            if k in res.options:
                res.options[k] += 1
        ending = state.ended.ending if state.ended else None
        for nation in scenario.outcomes:
            if (result := national_outcome(scenario, state, nation)) is not None:
                res.outcomes[f"{nation}/{result}"] += 1
        name = profile or "scenario"
        per = res.by_profile.setdefault(name, {e.id: 0 for e in scenario.endings} | {"(none)": 0})
        if ending is None:
            res.dead_ends += 1
            per["(none)"] += 1
        else:
            res.endings[ending] += 1
            per[ending] += 1
        for slot, value in enumerate(state.vals):
            sums[slot] += value
        for slot, history in enumerate(state.history):
            for _, _, v in history:
                if v < lo[slot]:
                    lo[slot] = v
                elif v > hi[slot]:
                    hi[slot] = v
    res.seconds = max(timer() - started, 1e-9)
    res.ranges = {k: [lo[i], hi[i]] for i, k in enumerate(keys)}
    res.end_sums = sums
    return res
