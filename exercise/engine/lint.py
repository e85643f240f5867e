"""The author's lints: content that is valid but almost certainly a mistake.

Conditions are arbitrary expressions, so "can this ever hold?" is answered by trying: each condition is
evaluated over a few hundred sampled states (every value at its minimum, its maximum, its start, and
at random; random turns, releases and choices). A condition false in all of them is reported as a
warning, which `tabletop validate --strict` turns into an error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .compile import CompiledScenario
from .diagnostics import Diagnostic, Mark
from .expressions import Fn

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
