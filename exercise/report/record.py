"""The report's record of play: the timeline turn by turn (section 5), the participants and control's
activity (appendix A) and the digest of the event log with its verification (appendix C)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from ..engine import chronology, views
from ..engine.compile import CompiledScenario
from ..engine.events import (
    Adjudicated,
    ClockAdvanced,
    DecisionTaken,
    Event,
    EventRetracted,
    InjectReleased,
    InjectWritten,
    MessageSent,
    ObservationNoted,
    OutcomeRolled,
    SessionPaused,
    VoteCast,
)
from ..engine.state import Entry, State
from ..store import GENESIS_HASH, LogFacts
from .outside import block, guard_tree, line, part, sentence
from .sections import Digest, Overview, Participants, TimelineRow, TurnBlock
from .wording import wall_clock

if TYPE_CHECKING:
    from ..live import SessionVerification

KIND_LABELS = {
    "SessionStarted": "Start", "InjectReleased": "Inject", "InjectDelayed": "Inject", "InjectWritten": "Inject",
    "DecisionTaken": "Decision", "OutcomeRolled": "Outcome", "VoteCast": "Vote", "MessageSent": "Message",
    "Adjudicated": "Adjudication", "ObservationNoted": "Observation", "SessionPaused": "Control",
    "SessionResumed": "Control", "EventRetracted": "Retraction", "SessionEnded": "End",
}


# A timeline of more events than this is made again each time it is read (each format of the report reads it
# once), a row at a time, instead of being kept: a million events' rows would take about a gigabyte.
KEEP_UP_TO = 50_000


class Timeline:
    """Section 5: the events turn by turn, retracted ones marked, as `TurnBlock`s whose rows are made as they are
    read. What people wrote (a message, a rationale, an observation, a reason) is the row's detail, shown as
    written but for its control characters. Read it as the templates do: each block's rows before the next block."""

    def __init__(self, sc: CompiledScenario, state: State) -> None:
        self.sc, self.state = sc, state
        self._kept: list[TurnBlock] | None = None
        self._names: dict[str, tuple[str, str]] = {}  # id -> (its name on one line, isolated for a sentence)

    def __iter__(self) -> Iterator[TurnBlock]:
        if self._kept is not None:
            return iter(self._kept)
        if len(self.state.log) <= KEEP_UP_TO:
            self._kept = [TurnBlock(b.turn, b.time, list(b.rows)) for b in self._blocks()]
            return iter(self._kept)
        return self._blocks()

    def _blocks(self) -> Iterator[TurnBlock]:
        time_of = self.sc.time_of
        for turn, rows in groupby(self._rows(), key=itemgetter(0)):
            yield TurnBlock(turn, time_of(turn), (row for _, row in rows))

    def _rows(self) -> Iterator[tuple[int, TimelineRow]]:
        state = self.state
        retracted = state.retracted
        turn = 1
        for e in state.log:
            ev = e.event
            if isinstance(ev, ClockAdvanced):
                if e.seq not in retracted:
                    turn = ev.turn
                continue
            if isinstance(ev, MessageSent):  # most of a long log: made here, without the engine's sentence
                row = self._message(e.seq, e.at, ev, e.seq in retracted)
            else:
                row = self._row(chronology.timeline_item(state, e, turn), ev)
            guard_tree(row)
            yield turn, row

    def _name(self, who: str) -> tuple[str, str]:
        named = self._names.get(who)
        if named is None:
            name = self.sc.name_of(who)
            named = self._names[who] = (line(name), part(name))
        return named

    def _message(self, seq: int, at: str | None, ev: MessageSent, retracted: bool) -> TimelineRow:
        shown, sender = self._name(ev.sender)
        to = ", ".join("everyone" if t == "all" else self._name(t)[1] for t in ev.to)
        summary = f"{sender} → {to}" + (f" ({part(ev.channel)})" if ev.channel != "direct" else "")
        return TimelineRow(seq, wall_clock(at, True), "Message", shown if ev.sender else "", sentence(summary),
                           block(ev.text.strip()), retracted)

    def _row(self, item: chronology.TimelineItem, ev: Event) -> TimelineRow:
        state = self.state
        detail = ""
        summary = item.summary
        if isinstance(ev, (DecisionTaken, VoteCast)):
            detail = chronology.own_rationale(ev)  # none for a default or an organisation: the summary says it
        elif isinstance(ev, ObservationNoted):
            summary = ev.kind.capitalize() + (f" on {part(ev.objective)}" if ev.objective else "") + (
                f", rated {ev.rating} ({views.RATING_WORDS[ev.rating]})" if ev.rating else "")
            detail = ev.text
        elif isinstance(ev, InjectWritten):
            detail = ev.text
        elif isinstance(ev, OutcomeRolled):
            # In the words the team was shown (stored at release), never the scenario's template.
            said = views.words_of(state, ev.inject, ev.team).options.get(ev.option)
            detail = said.outcomes[ev.outcome] if said and 0 <= ev.outcome < len(said.outcomes) else ""
        elif isinstance(ev, SessionPaused):
            detail = ev.reason
        return TimelineRow(item.seq, wall_clock(item.wall, True), KIND_LABELS.get(item.type, item.type),
                           line(item.actor), sentence(summary), block(detail.strip()), item.retracted)


def timeline(sc: CompiledScenario, state: State) -> Timeline:
    """The report's timeline (`Timeline`)."""
    return Timeline(sc, state)


def participants(state: State, live: list[Entry], overview: Overview) -> Participants:
    """The teams (from the overview) and what control did; `live` is the state's live entries."""
    c: dict[str, int] = {}
    for e in live:
        ev = e.event
        if isinstance(ev, InjectReleased) and ev.by == "control":
            c["injects released by control"] = c.get("injects released by control", 0) + 1
        elif isinstance(ev, InjectWritten):
            c["injects written in play"] = c.get("injects written in play", 0) + 1
        elif isinstance(ev, Adjudicated):
            c["adjudications"] = c.get("adjudications", 0) + 1
        elif isinstance(ev, ObservationNoted):
            c["observations"] = c.get("observations", 0) + 1
        elif isinstance(ev, MessageSent) and ev.sender == "control":
            c["messages from control"] = c.get("messages from control", 0) + 1
        elif isinstance(ev, SessionPaused):
            c["pauses"] = c.get("pauses", 0) + 1
    c["retractions"] = sum(1 for e in state.log if isinstance(e.event, EventRetracted))
    order = ("injects released by control", "injects written in play", "adjudications", "observations",
             "messages from control", "pauses", "retractions")
    return Participants(overview.nations, overview.organisations, overview.facilitator,
                        [(k, c.get(k, 0)) for k in order])


def digest(sc: CompiledScenario, state: State, facts: LogFacts, live: list[Entry],
           verified: SessionVerification | None, file_name: str) -> Digest:
    """The stored log in numbers, its hash chain and its stored scenario copy; `verified` is `LiveSession.verify()`
    (what `tabletop verify` says), None when not run."""
    started = state.started
    snap = sc.hash
    stated = started.scenario_hash if started else ""
    return Digest(
        file=file_name, events=facts.events, live=len(live), retracted=len(state.retracted),
        by_type=sorted(facts.by_type.items(), key=lambda kv: (-kv[1], kv[0])),
        first_wall=facts.first_wall, last_wall=facts.last_wall,
        first_hash=facts.first_hash, head_hash=facts.head_hash or GENESIS_HASH,
        genesis=GENESIS_HASH, verified=verified.ok if verified is not None else None,
        verify_message=line(verified.message) if verified is not None else "not checked", scenario_hash=stated,
        snapshot_hash=snap, hash_matches=stated == snap,
        chain_verified=verified.chain.ok if verified is not None else None,
        chain_message=line(verified.chain.message) if verified is not None else "not checked",
        copy_verified=(not verified.copy) if verified is not None and verified.copy_checked else None,
        copy_message=line(verified.copy_message) if verified is not None else "not checked")


def warnings(verified: SessionVerification | None, copy_problems: list[str], file_name: str) -> list[str]:
    """What a reader must know before trusting the report, from the checks `tabletop verify` makes: a scenario
    copy changed after the start (naming the files), a hash chain that does not verify. `copy_problems` are those
    found when the file was opened, for when verify was not run."""
    out = []
    problems = list(verified.copy) if verified is not None else copy_problems
    if problems:
        out.append(f"The scenario copy stored in {part(file_name)} was changed after the session started "
                   f"({'; '.join(line(p) for p in problems)}). The log, and the words it stored as the teams were "
                   "shown them, are as played; what this report takes from the scenario itself (objectives, "
                   "briefs, state labels, expected actions) comes from the changed copy.")
    if verified is not None and not verified.chain.ok:
        bad = verified.chain.first_bad_seq
        out.append(f"The event log does not verify ({line(verified.chain.message)})"
                   + (f": the events from #{bad} on may not be those written during play." if bad else "."))
    if out:
        out.append(f"Run tabletop verify {part(file_name)} to check the file again.")
    return out
