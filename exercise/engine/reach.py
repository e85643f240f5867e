"""What play can reach, decided from the scenario alone: when an inject comes at the earliest, when its decision
closes, and how far each state value can move. The lints use it to find options that can never be enabled.

Decided statically, without playing:
- an inject's earliest turn: its `at`, or the chain of `after`s down to one (None for a condition alone or a
  manual inject: they come when they come);
- its decision's window: from that turn to the deadline, for an inject on a fixed schedule (no `when`); to the
  last turn otherwise;
- each value's reachable range: a value that no effect ever raises stays at or below its start, one that no
  effect lowers at or above it. An effect whose amount is an expression, or that sets a value ('=50'), may move
  it anywhere within its bounds.

Not decided (so never reported): what only control can do (adjudicate a value, delay or release an inject), and
combinations of values that effects can reach one by one but not together.
"""

from __future__ import annotations

from dataclasses import dataclass

from .compile import CompiledScenario
from .compile_injects import CInject
from .effects import Effect


def earliest_turn(sc: CompiledScenario, ci: CInject) -> int | None:
    """The first turn an inject can come: its own, or its chain of 'after's from one; None for a condition
    alone or a manual inject."""
    offset, seen = 0, set()
    cur: CInject | None = ci
    while cur is not None and cur.after is not None and cur.id not in seen:
        seen.add(cur.id)
        offset += cur.after[1]
        cur = sc.injects.get(cur.after[0])
    if cur is None or cur.manual or cur.turn is None:
        return None
    return cur.turn + offset


def fixed(sc: CompiledScenario, ci: CInject) -> bool:
    """Whether the inject comes exactly at its earliest turn (no condition on it or on the chain before it)."""
    cur: CInject | None = ci
    seen: set[str] = set()
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        if cur.manual or cur.model.when is not None:
            return False
        if cur.after is None:
            return cur.turn is not None
        cur = sc.injects.get(cur.after[0])
    return False


def decision_window(sc: CompiledScenario, ci: CInject) -> tuple[int, int]:
    """The turns during which the inject's decision can be open: (first, last)."""
    first = earliest_turn(sc, ci) or 1
    if fixed(sc, ci):
        return first, min(sc.turns, first + max(ci.deadline, 1))
    return first, sc.turns


@dataclass(frozen=True)
class Reach:
    low: list[float]  # per slot: the lowest value play can take it to
    high: list[float]  # per slot: the highest


def _effects(sc: CompiledScenario) -> list[Effect]:
    out: list[Effect] = []
    for ci in sc.injects.values():
        out += ci.effects
        for opt in ci.options.values():
            out += opt.effects
            for branch in opt.outcomes:
                out += branch.effects
    return out


def reach(sc: CompiledScenario) -> Reach:
    """How far each value can move from its start through the scenario's effects (control's adjudications aside)."""
    low, high = list(sc.start), list(sc.start)
    everyone = range(len(sc.layout.nations))
    for eff in _effects(sc):
        slots = {s for me in everyone for s in eff.slots(me)}
        up = eff.mode != "add" or eff.constant is None or eff.constant > 0
        down = eff.mode != "add" or eff.constant is None or eff.constant < 0
        for s in slots:
            if up:
                high[s] = sc.maxs[s]
            if down:
                low[s] = sc.mins[s]
    return Reach(low, high)
