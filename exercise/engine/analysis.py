"""Read models for the after-action analysis of one session, beyond the shared ones in `views.py`.

Pure functions of a folded `State` (no I/O, no clock): when each event happened in scenario turns,
how long each team took to decide (in wall time and in turns), and what each objective's evidence is
(the injects tagged with it, the decisions on them, the observations and ratings noted against it).
Where two sessions diverged is in `comparison.py`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .events import (
    ClockAdvanced,
    DecisionTaken,
    InjectReleased,
    ObservationNoted,
    SessionEnded,
    VoteCast,
)
from .state import BySeq, State

EVIDENCE_FALLBACK = 3


# -- time ---------------------------------------------------------------------------------------

def parse_wall(at: str | None) -> datetime | None:
    """A store wall time ('2025-03-01T09:30:05.123Z') as an aware UTC datetime; None when absent or unreadable."""
    if not at:
        return None
    text = at[:-1] + "+00:00" if at.endswith("Z") else at
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def seconds_between(start: str | None, end: str | None) -> float | None:
    a, b = parse_wall(start), parse_wall(end)
    if a is None or b is None:
        return None
    return max((b - a).total_seconds(), 0.0)


def turns_by_seq(state: State) -> list[int]:
    """The scenario turn each log entry happened in, indexed by seq (index 0 unused).

    A retracted clock advance does not move the turn, as in `chronology.timeline`."""
    out = [0] * (len(state.log) + 1)
    turn = 1
    for e in state.log:
        if isinstance(e.event, ClockAdvanced) and e.seq not in state.retracted:
            turn = e.event.turn
        out[e.seq] = turn
    return out


# -- decision latency ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Latency:
    """One decision or vote, and how long it came after its inject's release."""

    team: str  # the nation (or organisation) that decided or voted
    inject: str
    option: str | None
    by: str  # 'team' | 'bot' | 'deadline' | 'organisation' | 'vote' | 'bot-vote'
    released_seq: int
    decided_seq: int
    released_turn: int
    decided_turn: int
    seconds: float | None  # wall time from release to decision; None without wall times

    @property
    def turns(self) -> int:
        return self.decided_turn - self.released_turn

    @property
    def missed(self) -> bool:
        """The deadline took the decision (or an organisation fell back on its default)."""
        return self.by == "deadline"


@dataclass
class TeamLatency:
    team: str
    items: list[Latency] = field(default_factory=list)

    @property
    def decided(self) -> list[Latency]:
        """Decisions and votes the team took itself (not the deadline's defaults)."""
        return [x for x in self.items if not x.missed]

    @property
    def defaults(self) -> int:
        return sum(1 for x in self.items if x.missed)

    def _seconds(self) -> list[float]:
        return [x.seconds for x in self.decided if x.seconds is not None]

    @property
    def median_seconds(self) -> float | None:
        s = self._seconds()
        return float(statistics.median(s)) if s else None

    @property
    def mean_seconds(self) -> float | None:
        s = self._seconds()
        return sum(s) / len(s) if s else None

    @property
    def max_seconds(self) -> float | None:
        s = self._seconds()
        return max(s) if s else None

    @property
    def mean_turns(self) -> float | None:
        d = self.decided
        return sum(x.turns for x in d) / len(d) if d else None

    @property
    def max_turns(self) -> int | None:
        d = self.decided
        return max(x.turns for x in d) if d else None


def decision_latencies(state: State) -> list[Latency]:
    """Every live decision and vote, in log order, with its latency from the inject's release."""
    turns = turns_by_seq(state)
    by_seq = BySeq(state.log)  # a release's wall time, without a dict of every event's
    out: list[Latency] = []
    for e in state.live_entries():
        ev = e.event
        by: str
        if isinstance(ev, DecisionTaken):
            team, option, by = ev.team, ev.option, ev.by
        elif isinstance(ev, VoteCast):
            team, option, by = ev.nation, ev.option, "bot-vote" if ev.by == "bot" else "vote"
        else:
            continue
        rseq = state.release_seq.get(ev.inject)
        if rseq is None:
            continue
        released = by_seq.get(rseq)
        out.append(Latency(team, ev.inject, option, by, rseq, e.seq, turns[rseq], turns[e.seq],
                           seconds_between(released.at if released else None, e.at)))
    return out


def latency_by_team(state: State) -> list[TeamLatency]:
    """Latencies grouped by who decided: nations in scenario order, then organisations that decided."""
    sc = state.scenario
    groups: dict[str, TeamLatency] = {n: TeamLatency(n) for n in sc.nations}
    for o in sc.orgs:
        groups[o] = TeamLatency(o)
    for lat in decision_latencies(state):
        groups.setdefault(lat.team, TeamLatency(lat.team)).items.append(lat)
    return [g for g in groups.values() if g.items or g.team in sc.nations]


# -- observations and objectives -------------------------------------------------------------

@dataclass(frozen=True)
class Observation:
    seq: int
    turn: int
    at: str | None
    objective: str | None
    rating: str | None
    kind: str  # as noted: observation | strength | improvement | hotwash
    text: str
    by: str
    category: str  # 'strength' | 'improvement' | 'note'
    after_end: bool  # noted after the session ended (the hot wash)
    evidence: tuple[int, ...] = ()  # seqs of the releases and decisions that bear on it

    @property
    def hotwash(self) -> bool:
        return self.kind == "hotwash" or self.after_end


def classify(kind: str, rating: str | None) -> str:
    """Strength or area for improvement: said outright by the kind, else read from the rating
    (P is a strength; S, M and U are areas for improvement); an unrated observation is a note."""
    if kind == "strength":
        return "strength"
    if kind == "improvement":
        return "improvement"
    if rating == "P":
        return "strength"
    if rating in ("S", "M", "U"):
        return "improvement"
    return "note"


@dataclass
class ObjectiveEvidence:
    id: str
    text: str
    capability: str
    injects: list[str]  # tagged with this objective, scenario order (then injects written in play)
    released: list[int]  # seqs of their releases, log order
    decisions: list[int]  # seqs of decisions and votes on them, log order
    observations: list[Observation]
    ratings: list[tuple[int, str]]  # (seq, rating) in log order

    @property
    def rating(self) -> str | None:
        """The rating that stands: the last one noted (a later judgement, such as the hot wash's, replaces
        an earlier one)."""
        return self.ratings[-1][1] if self.ratings else None

    @property
    def strengths(self) -> list[Observation]:
        return [o for o in self.observations if o.category == "strength"]

    @property
    def improvements(self) -> list[Observation]:
        return [o for o in self.observations if o.category == "improvement"]

    @property
    def notes(self) -> list[Observation]:
        return [o for o in self.observations if o.category == "note"]


def _objective_injects(state: State) -> dict[str, list[str]]:
    sc = state.scenario
    tagged: dict[str, list[str]] = {o.id: [] for o in sc.model.objectives}
    for ci in sorted(sc.injects.values(), key=lambda c: c.order):
        for obj in ci.objectives:
            tagged.setdefault(obj, []).append(ci.id)
    for inject_id, w in state.written.items():
        if w.objective:
            tagged.setdefault(w.objective, []).append(inject_id)
    return tagged


def observations(state: State) -> list[Observation]:
    """Every live observation, classified, with the evidence behind it: for an observation on an objective,
    the decisions (or, for injects that ask none, the releases) on that objective's injects since the
    previous observation on the same objective (or, when there were none since, the last few before it)."""
    turns = turns_by_seq(state)
    tagged = _objective_injects(state)
    inject_objs: dict[str, list[str]] = {}
    for obj, ids in tagged.items():
        for i in ids:
            inject_objs.setdefault(i, []).append(obj)
    ended_seq = None
    last_noted: dict[str, int] = {}
    # Evidence seen so far, per objective, in log order: release seq per inject, decisions per inject.
    released: dict[str, dict[str, int]] = {o: {} for o in tagged}
    decided: dict[str, dict[str, list[int]]] = {o: {} for o in tagged}
    out: list[Observation] = []
    for e in state.live_entries():
        ev = e.event
        if isinstance(ev, InjectReleased):
            for obj in inject_objs.get(ev.inject, ()):
                released[obj].setdefault(ev.inject, e.seq)
        elif isinstance(ev, (DecisionTaken, VoteCast)):
            for obj in inject_objs.get(ev.inject, ()):
                decided[obj].setdefault(ev.inject, []).append(e.seq)
        elif isinstance(ev, SessionEnded):
            ended_seq = e.seq
        elif isinstance(ev, ObservationNoted):
            evidence: list[int] = []
            if ev.objective is not None:
                for inject_id, rseq in released.get(ev.objective, {}).items():
                    evidence.extend(decided[ev.objective].get(inject_id) or [rseq])
                evidence.sort()
                # What happened on this objective since the last observation on it; when nothing did, the
                # latest few items before it, so that a hot wash judgement still points at its grounds.
                since = last_noted.get(ev.objective, 0)
                recent = [s for s in evidence if s > since]
                evidence = recent or evidence[-EVIDENCE_FALLBACK:]
                last_noted[ev.objective] = e.seq
            out.append(Observation(
                seq=e.seq, turn=turns[e.seq], at=e.at, objective=ev.objective, rating=ev.rating, kind=ev.kind,
                text=ev.text, by=ev.by, category=classify(ev.kind, ev.rating), after_end=ended_seq is not None,
                evidence=tuple(sorted(evidence))))
    return out


def objective_evidence(state: State, obs: list[Observation] | None = None) -> list[ObjectiveEvidence]:
    """Per objective (scenario order): its injects, their releases and decisions, its observations and ratings.
    `obs` is `observations(state)` when the caller has it already."""
    sc = state.scenario
    tagged = _objective_injects(state)
    obs = observations(state) if obs is None else obs
    objs_of: dict[str, list[str]] = {}
    for obj, ids in tagged.items():
        for i in ids:
            objs_of.setdefault(i, []).append(obj)
    rels: dict[str, list[int]] = {}
    decs: dict[str, list[int]] = {}
    for e in state.live_entries():
        ev = e.event
        if isinstance(ev, InjectReleased):
            for obj in objs_of.get(ev.inject, ()):
                rels.setdefault(obj, []).append(e.seq)
        elif isinstance(ev, (DecisionTaken, VoteCast)):
            for obj in objs_of.get(ev.inject, ()):
                decs.setdefault(obj, []).append(e.seq)
    out: list[ObjectiveEvidence] = []
    for o in sc.model.objectives:
        ids = tagged.get(o.id, [])
        rel, dec = rels.get(o.id, []), decs.get(o.id, [])
        mine = [x for x in obs if x.objective == o.id]
        out.append(ObjectiveEvidence(o.id, o.text, o.capability, ids, rel, dec, mine,
                                     [(x.seq, x.rating) for x in mine if x.rating is not None]))
    return out


def most_involved(state: State) -> dict[str, str | None]:
    """Who is most associated with each objective, for a first guess at who owns a corrective action:
    the organisation that decided most on its injects, else the one nation that decided most (deadline
    defaults do not count); None on a tie or when nobody decided."""
    sc = state.scenario
    objs_of: dict[str, list[str]] = {}
    for obj, ids in _objective_injects(state).items():
        for i in ids:
            objs_of.setdefault(i, []).append(obj)
    counts: dict[str, dict[str, int]] = {o.id: {} for o in sc.model.objectives}
    for e in state.live_entries():
        ev = e.event
        if isinstance(ev, DecisionTaken) and ev.by != "deadline":
            for obj in objs_of.get(ev.inject, ()):
                per = counts.setdefault(obj, {})
                per[ev.team] = per.get(ev.team, 0) + 1
    out: dict[str, str | None] = {}
    for obj, per in counts.items():
        orgs = {k: v for k, v in per.items() if k in sc.orgs}
        pool = orgs or per
        if not pool:
            out[obj] = None
            continue
        top = max(pool.values())
        leaders = sorted(k for k, v in pool.items() if v == top)
        out[obj] = leaders[0] if len(leaders) == 1 else None
    return out

