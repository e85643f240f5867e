"""The session in time order: the timeline of what happened and the MSEL of what was planned.

The timeline is every event in words with the turn it came in (all of it for control, `visible_to` for what
one nation may see of the others); the MSEL is every inject with its trigger and status, the scenario's
then those control wrote during play. Events are put into words by `views.describe`, so the log, the
team's history and the report say each one the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .compile import CompiledScenario
from .events import (
    Adjudicated,
    ClockAdvanced,
    DecisionTaken,
    Event,
    EventRetracted,
    InjectDelayed,
    InjectReleased,
    InjectWritten,
    MessageSent,
    ObservationNoted,
    OutcomeRolled,
    SessionPaused,
    SessionResumed,
    VoteCast,
)
from .inject_words import CONTROL, inject_words
from .session import Session
from .state import Entry, State
from .text import isolate
from .views import describe, words_of


@dataclass
class TimelineItem:
    seq: int
    turn: int
    time: str
    wall: str | None
    type: str
    actor: str
    summary: str
    retracted: bool
    rationale: str = ""


def timeline(state: State) -> list[TimelineItem]:
    """Every event in order with the scenario turn it happened in (retracted ones marked, not hidden)."""
    out = []
    turn = 1
    for e in state.log:
        ev = e.event
        if isinstance(ev, ClockAdvanced) and e.seq not in state.retracted:
            turn = ev.turn
        out.append(timeline_item(state, e, turn))
    return out


def timeline_item(state: State, e: Entry, turn: int) -> TimelineItem:
    """One event of `timeline`, in the `turn` it happened in: for a reader that walks the log itself (a report of a
    million events makes its rows as it writes them)."""
    sc = state.scenario
    ev = e.event
    actor = _actor(ev)
    return TimelineItem(e.seq, turn, sc.time_of(turn), e.at, ev.type, sc.name_of(actor) if actor else "",
                        describe(sc, ev, state=state), e.seq in state.retracted, own_rationale(ev))


def visible_to(state: State, nation: str, since: int = 0) -> list[TimelineItem]:
    """What `nation` can see others do, in order (messages left out: they have their own view).

    Decisions by other nations on injects this nation also received, votes and resolutions in the
    organisations it belongs to (with the chance outcomes that followed), adjudications of the state it
    may see (with their reasons), and the injects released to it. Retracted events are left out.
    Only entries with seq > `since` are returned, so a caller can ask for what is new.
    """
    sc = state.scenario
    orgs = {o for o, spec in sc.orgs.items() if nation in spec.members}
    inbox = set(state.inbox(nation))
    out: list[TimelineItem] = []
    turn = 1
    for e in state.log:
        ev = e.event
        if e.seq in state.retracted:
            continue
        if isinstance(ev, ClockAdvanced):
            turn = ev.turn
        if e.seq <= since:
            continue
        show = False
        if isinstance(ev, DecisionTaken):
            show = ev.team in orgs or (ev.team != nation and ev.inject in inbox)
        elif isinstance(ev, VoteCast):
            show = ev.org in orgs and ev.nation != nation
        elif isinstance(ev, OutcomeRolled):
            show = ev.team in orgs or (ev.team != nation and ev.inject in inbox)
        elif isinstance(ev, Adjudicated):
            var = ev.target.split("[", 1)[0].strip()
            show = not (var in sc.vars and sc.vars[var].hidden)
        elif isinstance(ev, InjectReleased):
            show = ev.inject in inbox
        if not show:
            continue
        actor = _actor(ev)
        out.append(TimelineItem(e.seq, turn, sc.time_of(turn), e.at, ev.type, sc.name_of(actor) if actor else "",
                                describe(sc, ev, state=state), False, own_rationale(ev)))
    return out


def own_rationale(ev: Event) -> str:
    """The reason given with a decision or a vote. The deadline and an organisation give none of their own: the
    notes the session stored with them ('the deadline passed'; in older logs 'majority of 3/3 votes (norvia:
    sanitised…)', ids and all) are left out, as the sentence already says what happened (`words.decision`)."""
    if isinstance(ev, DecisionTaken) and ev.by in ("organisation", "deadline"):
        return ""
    return ev.rationale if isinstance(ev, (DecisionTaken, VoteCast)) else ""


def _actor(ev: Event) -> str | None:
    if isinstance(ev, DecisionTaken):
        return ev.team
    if isinstance(ev, VoteCast):
        return ev.nation
    if isinstance(ev, MessageSent):
        return ev.sender
    if isinstance(ev, (Adjudicated, ObservationNoted, InjectWritten, SessionPaused, SessionResumed, EventRetracted,
                       InjectDelayed)):
        return "control"
    if isinstance(ev, InjectReleased) and ev.by == "control":
        return "control"
    return None


@dataclass
class MselRow:
    number: int
    id: str
    time: str
    turn: int | None
    trigger: str  # 'turn 2', 'after x + 1', 'when …', 'manual'
    kind: str
    sender: str
    to: str
    description: str
    expected: str
    objective: str
    capability: str
    status: str  # 'released', 'due', 'conditional', 'manual', 'scheduled'
    released_turn: int | None = None


WRITTEN_IN_PLAY = "written in play"


def _names(sc: CompiledScenario, ids: Iterable[str]) -> str:
    """Names in a list, each isolated (`text.isolate`): two Hebrew names and the comma between them would
    otherwise read right to left, the second first."""
    return ", ".join(isolate(sc.name_of(t)) for t in ids)


def msel(session: Session) -> list[MselRow]:
    """The master scenario events list: one row per inject, in release order then schedule order, then
    the injects control wrote during play."""
    sc, st = session.scenario, session.state
    caps = {o.id: o.capability for o in sc.model.objectives}
    due = {ci.id for ci in session.due()} if st.started and not st.ended else set()
    rows = []
    order = sorted(sc.injects.values(), key=lambda ci: (
        st.released.get(ci.id, 10_000), ci.turn if ci.turn is not None else 10_000, ci.order))
    for number, ci in enumerate(order, 1):
        m = ci.model
        if ci.turn is not None:
            trigger = f"turn {ci.turn}"
        elif ci.after is not None:
            trigger = f"after {ci.after[0]}" + (f" + {ci.after[1]}" if ci.after[1] else "")
        elif ci.manual:
            trigger = "manual"
        else:
            trigger = "when " + (m.when or "")
        if m.when and (ci.turn is not None or ci.after is not None):
            trigger += f" if {m.when}"
        if ci.id in st.released:
            status = "released"
        elif ci.id in due:
            status = "due"
        elif ci.manual:
            status = "manual"
        elif m.when:
            status = "conditional"
        else:
            status = "scheduled"
        turn = st.released.get(ci.id, ci.turn)
        delay = st.delays.get(ci.id, 0)
        if turn is not None and ci.id not in st.released:
            turn += delay
        # Released: the words control was shown; not yet: a preview at the turn it is due, or the first.
        said = st.words[ci.id][CONTROL] if ci.id in st.words else inject_words(sc, ci, turn or 1)[CONTROL]
        rows.append(MselRow(
            number=number, id=ci.id, time=sc.time_of(turn) if turn else "", turn=turn, trigger=trigger,
            kind=m.kind, sender=said.sender, to=_names(sc, ci.recipients),
            description=said.title, expected=m.expected or "",
            objective=", ".join(ci.objectives), capability=", ".join(caps.get(o, "") for o in ci.objectives),
            status=status, released_turn=st.released.get(ci.id)))
    for w in st.written.values():  # written on the spot by control: part of the MSEL as played
        turn = st.released.get(w.inject)
        rows.append(MselRow(
            number=len(rows) + 1, id=w.inject, time=sc.time_of(turn) if turn else "", turn=turn,
            trigger=WRITTEN_IN_PLAY, kind=w.kind, sender=w.sender, to=_names(sc, w.to),
            description=words_of(st, w.inject).title, expected="", objective=w.objective or "",
            capability=caps.get(w.objective or "", ""), status="released" if turn is not None else "written",
            released_turn=turn))
    return rows

