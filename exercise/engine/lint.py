"""The author's lints: content that is valid but almost certainly a mistake.

Conditions are arbitrary expressions, so "can this ever hold?" is answered by trying: each condition is
evaluated over a few hundred sampled states (every value at its minimum, its maximum, its start, and
at random; random turns, releases and choices). A condition false in all of them is reported as a
warning, which `tabletop validate --strict` turns into an error.

An option's `requires` is also tried against what play can actually offer while its decision is open (reach.py:
the turns of its window, the injects that can have come by then, each value within the range effects can move
it): a condition that holds somewhere but never there is reported as never enabled. What only control can do
(adjudicate, delay, release) is left out, so an option control can unlock is still reported, and says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .compile import CompiledScenario
from .diagnostics import Diagnostic, Mark
from .expressions import Fn
from .reach import Reach, decision_window, earliest_turn, reach

SAMPLES = 400
# Evaluations the sampling may spend in all (condition x sampled state x deciding nation). A real scenario needs
# a few hundred thousand; a hostile one (20,000 options open to 100 nations) asked for 800 million, and
# `tabletop validate` ran for minutes. Past this, each condition is tried on fewer sampled states.
BUDGET = 4_000_000
MIN_SAMPLES = 20
MAX_SELVES = 8  # nations an option's `requires` is tried for (a real inject has a handful of recipients)


@dataclass
class _Probe:
    """A made-up state that expressions can read like a real one."""

    vals: list[float]
    turn: int
    released: dict[str, int] = field(default_factory=dict)
    chosen: dict[tuple[str, str], str] = field(default_factory=dict)
    capabilities: dict[tuple[str, str], int] = field(default_factory=dict)


def _probes(sc: CompiledScenario, n: int) -> list[_Probe]:
    rng = random.Random(sc.hash)  # the same scenario always gets the same verdicts
    slots = range(len(sc.start))
    injects = list(sc.injects.values())
    out = []
    for i in range(n):
        style = i % 4
        if style == 0:
            vals = [sc.mins[k] if i % 8 == 0 else sc.maxs[k] for k in slots]
        elif style == 1:
            vals = list(sc.start)
        else:
            vals = [rng.choice((sc.mins[k], sc.maxs[k], sc.start[k], rng.uniform(sc.mins[k], sc.maxs[k])))
                    for k in slots]
        probe = _Probe(vals, rng.randint(1, sc.turns), capabilities=dict(sc.capabilities))
        share = rng.random()
        for ci in injects:
            if rng.random() < share:
                probe.released[ci.id] = rng.randint(1, probe.turn)
                for who in ci.deciders:
                    if ci.options:
                        probe.chosen[(ci.id, who)] = rng.choice(list(ci.options))
        out.append(probe)
    return out


def _within(sc: CompiledScenario, probes: list[_Probe], r: Reach, window: tuple[int, int], by_value: bool,
            by_time: bool) -> list[_Probe]:
    """The probes moved inside what play can offer during a decision's window: values clamped to their reach
    (`by_value`), the turn within the window and only injects that can have come by its end (`by_time`)."""
    first, last = window
    soon = {i for i, ci in sc.injects.items() if (t := earliest_turn(sc, ci)) is None or t <= last}
    out = []
    for p in probes:
        vals = [min(max(v, r.low[k]), r.high[k]) for k, v in enumerate(p.vals)] if by_value else p.vals
        if by_time:
            turn = min(max(p.turn, first), last)
            released = {i: min(t, turn) for i, t in p.released.items() if i in soon}
            chosen = {k: o for k, o in p.chosen.items() if k[0] in soon}
        else:
            turn, released, chosen = p.turn, p.released, p.chosen
        out.append(_Probe(vals, turn, released, chosen, p.capabilities))
    return out


def _never_enabled(sc: CompiledScenario, probes: list[_Probe], selves: dict[str, list[int]]
                   ) -> list[tuple[Mark | None, str]]:
    """Options whose `requires` holds in some sampled state but never in one play can reach while they are open."""
    out: list[tuple[Mark | None, str]] = []
    r = reach(sc)
    for ci in sc.injects.values():
        window = None
        for opt in ci.options.values():
            if opt.requires is None:
                continue
            window = window or decision_window(sc, ci)
            who = selves[ci.id]
            if _ever(opt.requires, _within(sc, probes, r, window, True, True), who):
                continue
            if not _ever(opt.requires, probes, who):
                continue  # never-available says it already
            turns = f"turn {window[0]}" if window[0] == window[1] else f"turns {window[0]} to {window[1]}"
            if _ever(opt.requires, _within(sc, probes, r, window, True, False), who):
                why = (f"it needs an inject that cannot have come by then (the decision is open at {turns}; an "
                       "inject's earliest turn is its 'at' or its chain of 'after')")
            elif _ever(opt.requires, _within(sc, probes, r, window, False, True), who):
                why = ("it needs a value no effect can take there (a value no effect raises stays at or below its "
                       "start, one no effect lowers at or above it)")
            else:
                why = f"neither the values effects can reach nor the injects that can have come by {turns} allow it"
            out.append((opt.mark, f"option '{ci.id}/{opt.id}' can never be enabled in play: {why}; only control "
                                  "could open it (adjudicating a value, releasing an inject by hand)"))
    return out


def _ever(fn: Fn, probes: list[_Probe], selves: list[int]) -> bool:
    for p in probes:
        for me in selves:
            try:
                if fn(p, me):
                    return True
            except (TypeError, ValueError, ZeroDivisionError, IndexError):
                continue
    return False


def _deciders(sc: CompiledScenario, nations: list[str]) -> list[int]:
    """The nations an option's `requires` is tried for: its inject's recipients (every nation when none are
    named), at most MAX_SELVES of them, spread over the list."""
    index = sc.nation_index
    selves = [index[n] for n in nations if n in index] or list(range(len(sc.layout.nations)))
    step = -(-len(selves) // MAX_SELVES)
    return selves[::step]


def lint(sc: CompiledScenario) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    selves = {ci.id: _deciders(sc, list(ci.nations)) for ci in sc.injects.values() if ci.options}
    tries = sum(1 for ci in sc.injects.values() if ci.when is not None) + len(sc.endings) + sum(
        len(selves[ci.id]) for ci in sc.injects.values() for opt in ci.options.values() if opt.requires is not None)
    samples = max(MIN_SAMPLES, min(SAMPLES, BUDGET // max(tries, 1)))
    probes = _probes(sc, samples)
    main = sc.files.get(sc.main)

    def warn(mark: Mark | None, code: str, message: str) -> None:
        m = mark or Mark(main.display if main else sc.main, 1, 1)
        out.append(m.diag(code, message, "warning"))

    for ci in sc.injects.values():
        if ci.when is not None and not _ever(ci.when, probes, [-1]):
            warn(ci.mark, "never-released", f"inject '{ci.id}': its 'when' condition never held in {samples} "
                 "sampled states, so it may never be released")
        for opt in ci.options.values():
            if opt.requires is not None and not _ever(opt.requires, probes, selves[ci.id]):
                warn(opt.mark, "never-available", f"option '{ci.id}/{opt.id}': its 'requires' never held in "
                     f"{samples} sampled states, so no team may ever take it")
    for mark, message in _never_enabled(sc, probes, selves):
        warn(mark, "never-enabled", message)
    for ending in sc.endings:
        if ending.when is not None and not _ever(ending.when, probes, [-1]):
            warn(ending.mark, "unreachable-ending", f"ending '{ending.id}': its 'when' never held in {samples} "
                 "sampled states")
    if main is not None:
        for name in sc.vars:
            mark = main.positions.at(("state", name), key=True)
            if name in sc.writes and name not in sc.reads:
                warn(mark, "unread-variable", f"state variable '{name}' is changed but no condition, ending or "
                     "effect reads it: it cannot matter to how the exercise ends")
            elif name not in sc.writes and name not in sc.reads:
                warn(mark, "unused-variable", f"state variable '{name}' is never changed nor read")
        tested = {o for ci in sc.injects.values() for o in ci.objectives}
        for i, obj in enumerate(sc.model.objectives):
            if obj.id not in tested:
                warn(main.positions.at(("objectives", i, "id")), "untested-objective",
                     f"objective '{obj.id}' is tested by no inject (give some injects 'objective: {obj.id}')")
    return out
