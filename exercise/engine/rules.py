"""What the scenario's rules say of a state: which injects are due, which options a nation may take,
which ending has been reached. Pure reads of (scenario, state); the commands that act on them, and
emit the events, are in session.py."""

from __future__ import annotations

from .compile import CompiledScenario
from .compile_injects import CInject
from .state import State


def due(scenario: CompiledScenario, s: State) -> list[CInject]:
    """Scheduled injects whose time has come and whose condition holds, in scenario order."""
    out = []
    for ci in scenario.injects.values():
        if ci.id in s.released or ci.manual:
            continue
        if ci.turn is not None:
            when = ci.turn
        elif ci.after is not None:
            ref_turn = s.released.get(ci.after[0])
            if ref_turn is None:
                continue
            when = ref_turn + ci.after[1]
        else:
            when = 1
        if when + s.delays.get(ci.id, 0) > s.turn:
            continue
        if ci.when is not None and not ci.when(s, -1):
            continue
        out.append(ci)
    return out


def available(scenario: CompiledScenario, s: State, team: str, inject_id: str) -> dict[str, str | None]:
    """Each option of an inject for a nation: None when it may be taken, else the reason it may not."""
    ci = scenario.injects.get(inject_id)
    if ci is None:
        w = s.written.get(inject_id)
        return {o["id"]: None for o in (w.options if w else [])}
    me = s.me(team)
    out: dict[str, str | None] = {}
    for oid, opt in ci.options.items():
        if opt.requires is None or opt.requires(s, me):
            out[oid] = None
        else:
            out[oid] = opt.model.unavailable or "This option is not available to you now."
    return out


def ending(scenario: CompiledScenario, s: State) -> str | None:
    """The first ending whose condition holds (one with no condition always does)."""
    for e in scenario.endings:
        if e.when is None or e.when(s, -1):
            return e.id
    return None


def national_outcome(scenario: CompiledScenario, s: State, nation: str) -> str | None:
    """A nation's own result against its brief: its first outcome whose condition holds, `self` being it."""
    me = scenario.nation_index[nation]
    for o in scenario.outcomes.get(nation, []):
        if o.when is None or o.when(s, me):
            return o.id
    return None
