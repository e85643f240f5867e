"""Comparing two sessions of the same scenario: each one's decisions and votes, and where they diverged.

Pure functions of two folded `State`s, as the rest of the after-action analysis (`analysis.py`) is of one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import turns_by_seq
from .events import DecisionTaken, VoteCast
from .state import State


@dataclass(frozen=True)
class Choice:
    inject: str
    team: str  # the nation or organisation deciding; for a vote, the voting nation
    vote: bool
    option: str | None  # None: no decision (the deadline passed without a default)
    by: str
    seq: int
    turn: int
    rationale: str
    effects: tuple[tuple[str, float], ...]  # net change per state key caused by this choice (and its outcome)


@dataclass(frozen=True)
class ChoiceDiff:
    inject: str
    team: str
    vote: bool
    a: Choice | None  # None: not decided in that session (never released, or still open)
    b: Choice | None

    @property
    def turn(self) -> int:
        return min(c.turn for c in (self.a, self.b) if c is not None)

    @property
    def same(self) -> bool:
        return self.a is not None and self.b is not None and self.a.option == self.b.option


@dataclass
class Divergence:
    same_scenario: bool  # the same scenario id
    same_version: bool  # and the same content hash
    choices: list[ChoiceDiff]  # every decision or vote in either session, earliest first
    first: ChoiceDiff | None  # the earliest one that differs
    released_only_a: list[str]
    released_only_b: list[str]
    ending_a: str | None
    ending_b: str | None
    final: list[tuple[str, float, float]]  # (state key, value in a, value in b), layout order

    @property
    def diverged(self) -> list[ChoiceDiff]:
        return [c for c in self.choices if not c.same]

    @property
    def agreed(self) -> list[ChoiceDiff]:
        return [c for c in self.choices if c.same]


def choices(state: State) -> dict[tuple[str, str, bool], Choice]:
    """Every live decision and vote, keyed by (inject, decider, is-vote), with the state change it caused."""
    keys = state.scenario.layout.keys
    turns = turns_by_seq(state)
    effects: dict[tuple[str, str], dict[str, float]] = {}
    for ch in state.changes:
        if ch.source in ("decision", "outcome") and ch.team is not None and ch.inject is not None:
            per = effects.setdefault((ch.inject, ch.team), {})
            per[keys[ch.slot]] = per.get(keys[ch.slot], 0.0) + ch.after - ch.before
    out: dict[tuple[str, str, bool], Choice] = {}
    for e in state.live_entries():
        ev = e.event
        if isinstance(ev, DecisionTaken):
            eff = effects.get((ev.inject, ev.team), {})
            out[(ev.inject, ev.team, False)] = Choice(
                ev.inject, ev.team, False, ev.option, ev.by, e.seq, turns[e.seq], ev.rationale,
                tuple((k, v) for k, v in eff.items() if v))
        elif isinstance(ev, VoteCast):
            out[(ev.inject, ev.nation, True)] = Choice(ev.inject, ev.nation, True, ev.option, ev.by, e.seq,
                                                      turns[e.seq], ev.rationale, ())
    return out


def divergence(a: State, b: State) -> Divergence:
    """Where session b's decisions differ from session a's (a is the baseline), and how they ended."""
    sa, sb = a.scenario, b.scenario
    ca, cb = choices(a), choices(b)
    keys = list(ca)
    keys += [k for k in cb if k not in ca]
    diffs = [ChoiceDiff(k[0], k[1], k[2], ca.get(k), cb.get(k)) for k in keys]
    diffs.sort(key=lambda d: (d.turn, min(c.seq for c in (d.a, d.b) if c is not None)))
    first = next((d for d in diffs if not d.same), None)
    final = []
    for key in sa.layout.keys:
        slot = sb.layout.slot(key)
        if slot is None:
            continue
        final.append((key, a.value(key), b.vals[slot]))
    return Divergence(
        same_scenario=sa.id == sb.id,
        same_version=sa.hash == sb.hash and (a.started.scenario_hash if a.started else "") ==
        (b.started.scenario_hash if b.started else ""),
        choices=diffs, first=first,
        released_only_a=[i for i in a.released if i not in b.released],
        released_only_b=[i for i in b.released if i not in a.released],
        ending_a=a.ended.ending if a.ended else None, ending_b=b.ended.ending if b.ended else None,
        final=final)
