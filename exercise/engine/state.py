"""A session's state: the fold of its events over the compiled scenario. Replay is the truth.

`State.apply` is the only place state changes. A retraction folds the log again without the retracted
event and what it caused, so undo never needs an inverse for each event kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .compile import CompiledScenario
from .compile_injects import CInject
from .effects import Effect
from .events import (
    Adjudicated,
    ClockAdvanced,
    DecisionTaken,
    Event,
    EventRetracted,
    InjectDelayed,
    InjectReleased,
    InjectWords,
    InjectWritten,
    MessageSent,
    ObservationNoted,
    OutcomeRolled,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    VoteCast,
)
from .inject_words import ended_text, released_words


@dataclass(slots=True)  # a log may hold a million: 40 bytes each fewer than with an instance dict
class Entry:
    """An event at its place in the log; `at` is the wall time the store stamped (None in memory)."""

    seq: int
    event: Event
    at: str | None = None


class BySeq:
    """The log's entries by seq, without a dict of a million of them: the log holds seq n at n - 1 (the store
    numbers rows from 1 without gaps); a log that does not (a crafted file, read for what it is) gets the dict."""

    def __init__(self, log: list[Entry]) -> None:
        self._log = log
        self._dict: dict[int, Entry] | None = None

    def get(self, seq: int) -> Entry | None:
        if 0 < seq <= len(self._log):
            e = self._log[seq - 1]
            if e.seq == seq:
                return e
        if self._dict is None:
            self._dict = {e.seq: e for e in self._log}
        return self._dict.get(seq)

    def __getitem__(self, seq: int) -> Entry:
        e = self.get(seq)
        if e is None:
            raise KeyError(seq)
        return e


class Change(NamedTuple):
    """One state value moved, and why: the basis of sparklines and of 'what moved the state most'.

    A NamedTuple, not a dataclass: simulation creates millions of them."""

    seq: int
    turn: int
    slot: int
    before: float
    after: float
    source: str  # 'decision' | 'outcome' | 'inject' | 'adjudication' | 'vote'
    team: str | None = None
    inject: str | None = None
    option: str | None = None


@dataclass(frozen=True)
class Pending:
    inject: str
    team: str  # the nation that must act
    org: str | None  # set when the nation votes for an organisation
    released_turn: int
    deadline_turn: int  # the default is taken when the clock reaches this turn


@dataclass
class State:
    scenario: CompiledScenario
    vals: list[float] = field(default_factory=list)
    turn: int = 0
    released: dict[str, int] = field(default_factory=dict)  # inject -> turn released
    release_seq: dict[str, int] = field(default_factory=dict)
    chosen: dict[tuple[str, str], str] = field(default_factory=dict)  # (inject, team) -> option
    decided_seq: dict[tuple[str, str], int] = field(default_factory=dict)
    capabilities: dict[tuple[str, str], int] = field(default_factory=dict)
    votes: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (org, inject) -> nation -> option
    vote_seq: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # ... -> nation -> its VoteCast
    delays: dict[str, int] = field(default_factory=dict)
    written: dict[str, InjectWritten] = field(default_factory=dict)
    # The words each reader was shown: inject -> reader ('control' or a nation; a nation not listed reads
    # control's words). Screens, the log and the report read these, never the scenario's templates.
    words: dict[str, dict[str, InjectWords]] = field(default_factory=dict)
    started: SessionStarted | None = None
    ended: SessionEnded | None = None
    ending_text: str = ""  # the ending's text as the session ended with it
    paused: bool = False
    log: list[Entry] = field(default_factory=list)
    retracted: set[int] = field(default_factory=set)
    history: list[list[tuple[int, int, float]]] = field(default_factory=list)  # slot -> [(seq, turn, value)]
    changes: list[Change] = field(default_factory=list)
    last_action: dict[str, int] = field(default_factory=dict)  # team -> seq of its last act
    replaying: bool = False
    outcomes: dict[tuple[str, str], int] = field(default_factory=dict)  # (inject, team) -> branch rolled
    undecided: dict[str, None] = field(default_factory=dict)  # released injects with a decision still open

    @classmethod
    def empty(cls, scenario: CompiledScenario) -> State:
        s = cls(scenario=scenario, vals=list(scenario.start), capabilities=dict(scenario.capabilities))
        s.history = [[(0, 1, v)] for v in s.vals]
        return s

    @classmethod
    def fold(cls, scenario: CompiledScenario, entries: list[Entry]) -> State:
        s = cls.empty(scenario)
        for e in entries:
            s.apply(e)
        return s

    # -- reading -----------------------------------------------------------------------------
    @property
    def next_seq(self) -> int:
        return len(self.log) + 1

    @property
    def seed(self) -> int:
        return self.started.seed if self.started else 0

    def live_entries(self) -> list[Entry]:
        return [e for e in self.log if e.seq not in self.retracted and not isinstance(e.event, EventRetracted)]

    def value(self, key: str) -> float:
        slot = self.scenario.layout.slot(key)
        if slot is None:
            raise KeyError(key)
        return self.vals[slot]

    def values(self) -> dict[str, float]:
        return dict(zip(self.scenario.layout.keys, self.vals, strict=True))

    def inject(self, inject_id: str) -> CInject | None:
        return self.scenario.injects.get(inject_id)

    def deciders(self, inject_id: str) -> tuple[str, ...]:
        ci = self.scenario.injects.get(inject_id)
        if ci is not None:
            return ci.deciders
        w = self.written.get(inject_id)
        return tuple(t for t in w.to if t not in ("control", "all")) if w and w.options else ()

    def pending(self, team: str | None = None) -> list[Pending]:
        """Decisions and votes still open, oldest first; for one nation when `team` is given."""
        out: list[Pending] = []
        orgs = self.scenario.orgs
        for inject_id in self.undecided:
            rturn = self.released[inject_id]
            ci = self.scenario.injects.get(inject_id)
            deadline = rturn + (ci.deadline if ci else 1)
            for who in self.deciders(inject_id):
                if (inject_id, who) in self.chosen:
                    continue
                if who in orgs:
                    cast = self.votes.get((who, inject_id), {})
                    out.extend(Pending(inject_id, m, who, rturn, deadline) for m in orgs[who].members
                               if m not in cast and (team is None or m == team))
                elif team is None or who == team:
                    out.append(Pending(inject_id, who, None, rturn, deadline))
        return out

    def inbox(self, team: str) -> list[str]:
        """Injects released to a nation (directly, through 'all', or through its organisations), in order."""
        orgs = {o for o, spec in self.scenario.orgs.items() if team in spec.members}
        out = []
        for inject_id in self.released:
            ci = self.scenario.injects.get(inject_id)
            to = (ci.recipients if ci else tuple(self.written[inject_id].to))
            if team in to or "all" in to or orgs & set(to):
                out.append(inject_id)
        return out

    # -- folding -----------------------------------------------------------------------------
    def apply(self, entry: Entry) -> None:
        self.log.append(entry)
        if entry.seq in self.retracted:
            return
        self._on(entry.event, entry.seq)

    def _rebuild(self) -> None:
        log, retracted = self.log, self.retracted
        fresh = State.empty(self.scenario)
        fresh.retracted = retracted
        fresh.replaying = True  # the retracted set is already complete: no nested rebuilds
        for e in log:
            fresh.apply(e)
        fresh.replaying = False
        self.__dict__.update(fresh.__dict__)

    def apply_effects(self, effects: list[Effect], me: int, seq: int, source: str, team: str | None = None,
                      inject: str | None = None, option: str | None = None) -> None:
        sc = self.scenario
        vals, mins, maxs, ints = self.vals, sc.mins, sc.maxs, sc.ints
        history, changes, turn = self.history, self.changes, self.turn
        for eff in effects:
            amount = float(eff.constant if eff.constant is not None else eff.amount(self, me))
            if amount != amount:  # NaN (inf - inf in an author's formula): change nothing rather than crash
                continue
            setting = eff.mode == "set"
            for slot in eff.slots(me):
                old = vals[slot]
                new = amount if setting else old + amount
                lo, hi = mins[slot], maxs[slot]
                if new < lo:
                    new = lo
                elif new > hi:
                    new = hi
                if ints[slot]:
                    new = float(round(new))
                if new != old:
                    vals[slot] = new
                    history[slot].append((seq, turn, new))
                    changes.append(Change(seq, turn, slot, old, new, source, team, inject, option))

    def me(self, team: str | None) -> int:
        return self.scenario.nation_index.get(team, -1) if team is not None else -1

    def _on(self, event: Event, seq: int) -> None:
        # A table rather than singledispatch: folding is the hot loop of simulation.
        handler = _HANDLERS.get(type(event))
        if handler is not None:  # messages, observations: kept in the log, read from there
            handler(self, event, seq)

    def _started(self, ev: SessionStarted, seq: int) -> None:
        self.started = ev
        self.turn = 1

    def _clock(self, ev: ClockAdvanced, seq: int) -> None:
        self.turn = ev.turn

    def _released(self, ev: InjectReleased, seq: int) -> None:
        self.released[ev.inject] = ev.turn
        self.release_seq[ev.inject] = seq
        self.words[ev.inject] = released_words(self.scenario, self.written, ev)
        if self.deciders(ev.inject):
            self.undecided[ev.inject] = None
        ci = self.scenario.injects.get(ev.inject)
        if ci is not None and ci.effects:
            only = ci.nations[0] if len(ci.nations) == 1 and not ci.orgs else None
            self.apply_effects(ci.effects, self.me(only), seq, "inject", inject=ev.inject)

    def _delayed(self, ev: InjectDelayed, seq: int) -> None:
        self.delays[ev.inject] = self.delays.get(ev.inject, 0) + ev.turns

    def _written(self, ev: InjectWritten, seq: int) -> None:
        self.written[ev.inject] = ev

    def _decided(self, ev: DecisionTaken, seq: int) -> None:
        key = (ev.inject, ev.team)
        self.decided_seq[key] = seq
        self.last_action[ev.team] = seq
        self.chosen[key] = ev.option or ""
        if all((ev.inject, who) in self.chosen for who in self.deciders(ev.inject)):
            self.undecided.pop(ev.inject, None)
        if ev.option is None:
            return
        ci = self.scenario.injects.get(ev.inject)
        if ci is not None:
            self.apply_effects(ci.options[ev.option].effects, self.me(ev.team), seq, "decision",
                               ev.team, ev.inject, ev.option)

    def _rolled(self, ev: OutcomeRolled, seq: int) -> None:
        self.outcomes[(ev.inject, ev.team)] = ev.outcome
        ci = self.scenario.injects.get(ev.inject)
        if ci is not None:
            out = ci.options[ev.option].outcomes[ev.outcome]
            self.apply_effects(out.effects, self.me(ev.team), seq, "outcome", ev.team, ev.inject, ev.option)

    def _voted(self, ev: VoteCast, seq: int) -> None:
        self.votes.setdefault((ev.org, ev.inject), {})[ev.nation] = ev.option
        self.vote_seq.setdefault((ev.org, ev.inject), {})[ev.nation] = seq
        self.last_action[ev.nation] = seq

    def _message(self, ev: MessageSent, seq: int) -> None:
        self.last_action[ev.sender] = seq

    def _adjudicated(self, ev: Adjudicated, seq: int) -> None:
        slot = self.scenario.layout.slot(ev.target)
        if slot is None:
            return
        change = ev.change  # a one-off effect on one slot
        eff = Effect(ev.target, self.scenario.layout.var_of[slot], lambda me: [slot], lambda s, me: change,
                      ev.mode, change)
        self.apply_effects([eff], -1, seq, "adjudication")

    def _paused(self, ev: SessionPaused, seq: int) -> None:
        self.paused = True

    def _resumed(self, ev: SessionResumed, seq: int) -> None:
        self.paused = False

    def _ended(self, ev: SessionEnded, seq: int) -> None:
        self.ended = ev
        self.ending_text = ended_text(self.scenario, ev)

    def _retracted(self, ev: EventRetracted, seq: int) -> None:
        if self.replaying:
            return
        self.retracted |= self.consequences(ev.seq)
        self._rebuild()

    def consequences(self, seq: int) -> set[int]:
        """An event and everything it caused, directly or not: what retracting it takes back."""
        out = {seq}
        for e in self.log:
            if e.event.cause is not None and e.event.cause in out:
                out.add(e.seq)
        return out

    def retractable(self) -> Entry | None:
        """The last act that undo would take back: not the start, not an undo, not a consequence."""
        for e in reversed(self.log):
            if e.seq in self.retracted or isinstance(e.event, (EventRetracted, SessionStarted)):
                continue
            if e.event.cause is not None:
                continue
            return e
        return None

    def observations(self) -> list[Entry]:
        return [e for e in self.live_entries() if isinstance(e.event, ObservationNoted)]

    def messages(self, team: str | None = None) -> list[Entry]:
        out = []
        for e in self.live_entries():
            ev = e.event
            if isinstance(ev, MessageSent) and (team is None or ev.sender == team or team in ev.to
                                                or "all" in ev.to or self._member_of(team, ev.to)):
                out.append(e)
        return out

    def _member_of(self, team: str, to: list[str]) -> bool:
        return any(team in self.scenario.orgs[o].members for o in to if o in self.scenario.orgs)


_HANDLERS: dict[type, Callable[[State, Any, int], None]] = {
    SessionStarted: State._started,
    ClockAdvanced: State._clock,
    InjectReleased: State._released,
    InjectDelayed: State._delayed,
    InjectWritten: State._written,
    DecisionTaken: State._decided,
    OutcomeRolled: State._rolled,
    VoteCast: State._voted,
    MessageSent: State._message,
    Adjudicated: State._adjudicated,
    SessionPaused: State._paused,
    SessionResumed: State._resumed,
    SessionEnded: State._ended,
    EventRetracted: State._retracted,
}
