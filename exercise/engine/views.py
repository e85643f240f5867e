"""Read models over a session's state, shared by the terminal UI, the CLI and the reports.

Everything a screen or a report says about a session comes from here (or, for the timeline and the
MSEL, from `chronology`), so that no widget or template computes the same thing a second way: what an
event means in words, an inject as a team reads it, each team's status, which decisions moved the state
most, the paths not taken, how a value went turn by turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .compile import CompiledScenario
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
from .inject_words import CONTROL, ending_text, text_context, words_for
from .inject_words import first_line as _first_line
from .session import Session
from .state import State
from .text import isolate
from .words import (
    bot_tag,
    decision,
    decision_of,
    number,
    signed,
    variable,
    vote_result,
    votes_cast,
    words_of,
)

__all__ = ["text_context", "words_of"]  # read models and the narrator take them from here

RATING_WORDS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}


@dataclass
class OptionView:
    id: str
    label: str
    unavailable: str | None  # why this reader may not take it, or None
    chosen: bool = False


@dataclass
class InjectView:
    id: str
    title: str
    sender: str
    kind: str
    to: list[str]  # display names
    text: str
    turn: int | None  # released at
    time: str | None
    expected: str | None
    objectives: list[str]
    prompt: str | None
    options: list[OptionView] = field(default_factory=list)
    decided: str | None = None  # the option this reader (or its organisation) took
    deadline_turn: int | None = None
    votes: dict[str, str] = field(default_factory=dict)  # nation's short name -> its vote in words (`words.votes_cast`)
    outcome: str | None = None  # the text of the chance outcome rolled, if any
    result: str | None = None  # the chosen option's own text
    via: str | None = None  # the organisation through which this reader decides
    via_name: str | None = None  # and its name
    decision: str | None = None  # the decision in words (`words.Decision.line`): 'deadline passed, default taken: X'
    vote_result: str | None = None  # through an organisation: how its vote stands or came out (`words.vote_result`)


def inject_view(session: Session, inject_id: str, reader: str | None) -> InjectView:
    """An inject as `reader` (a nation, or None for control) sees it, with its decision if any."""
    sc, st = session.scenario, session.state
    turn = st.released.get(inject_id)
    ci = sc.injects.get(inject_id)
    words = words_of(st, inject_id, reader)
    if ci is None:
        w = st.written[inject_id]
        view = InjectView(inject_id, words.title, words.sender, w.kind, [sc.name_of(t) for t in w.to], words.text,
                          turn, sc.time_of(turn) if turn else None, None, [w.objective] if w.objective else [], None,
                          [OptionView(oid, o.label, None) for oid, o in words.options.items()])
        if reader:
            view.decided = st.chosen.get((inject_id, reader))
            view.decision = _decision_line(st, inject_id, reader, reader)
        return view
    m = ci.model
    view = InjectView(
        id=inject_id, title=words.title, sender=words.sender, kind=m.kind, to=[sc.name_of(t) for t in ci.recipients],
        text=words.text, turn=turn, time=sc.time_of(turn) if turn else None, expected=m.expected,
        objectives=list(ci.objectives), prompt=words.prompt,
    )
    if m.decision is None:
        return view
    decider = reader
    if reader is not None and reader not in ci.deciders:
        decider = next((o for o in ci.orgs if reader in sc.orgs[o].members), None)
        view.via = decider
    avail = session.available(reader, inject_id) if reader else {o: None for o in ci.options}
    chosen = st.chosen.get((inject_id, decider)) if decider else None
    view.decided = chosen or None
    for oid, said in words.options.items():
        why = avail.get(oid)
        view.options.append(OptionView(oid, said.label, (said.unavailable or why) if why else None, chosen == oid))
    if view.via:
        view.votes = votes_cast(st, view.via, inject_id, reader)
        view.vote_result = vote_result(st, view.via, inject_id, reader)
        view.via_name = sc.name_of(view.via)
    if decider is not None:
        view.decision = _decision_line(st, inject_id, decider, reader)
    if turn is not None:
        view.deadline_turn = turn + ci.deadline
    if chosen and chosen in words.options:
        said = words.options[chosen]
        view.result = said.text or None
        branch = st.outcomes.get((inject_id, decider or ""))
        if branch is not None and branch < len(said.outcomes):
            view.outcome = said.outcomes[branch] or None
    return view


def _decision_line(state: State, inject_id: str, decider: str, reader: str | None) -> str | None:
    said = decision_of(state, inject_id, decider, reader)
    return said.line if said is not None else None


def ending_words(state: State) -> tuple[str, str]:
    """The ending's title and text: those the session ended with, or (before the end) the ending reached now."""
    sc = state.scenario
    if state.ended is not None:
        ending_id, text = state.ended.ending, state.ending_text
    else:
        from .rules import ending as reached

        ending_id = reached(sc, state)
        text = ending_text(sc, ending_id, max(state.turn, 1))
    title = next((e.model.title for e in sc.endings if e.id == ending_id), None)
    return title or "no ending reached", text


def describe(sc: CompiledScenario, event: Event, written: Mapping[str, InjectWritten] | None = None, *,
             words: Mapping[str, Mapping[str, InjectWords]] | None = None, state: State | None = None) -> str:
    """One line in words for any event: the log, the timeline, the report all say it the same way.

    `written` (a state's injects written on the spot) and `words` (a state's released words, `State.words`)
    let titles and labels read as the teams were shown them; without `words`, an inject's words are those
    its release event carries, or else a preview of them. `state` (the session's, which gives both) also lets a
    bot's act name its profile and an organisation's decision say how its vote went (`words.decision`).

    Every outside value (a name, a title, a label, a reason, what someone wrote) is isolated where it is put in
    (`text.isolate`, which marks only right-to-left text): a Hebrew title followed by ": 12 tanks" cannot pull
    the number into its own direction, and the sentence reads from its own first word. A terminal has no use for
    the marks: `text.without_isolates` takes them out again."""
    if state is not None:
        written, words = written or state.written, words or state.words
    said = _Said(sc, written or {}, words or {}, event)

    def n(who: str) -> str:
        return isolate(sc.name_of(who))

    match event:
        case SessionStarted():
            humans = [n(t) for t, who in event.teams.items() if who == "human"]
            bots = [f"{n(t)} ({isolate(who[4:])})" for t, who in event.teams.items() if who != "human"]
            parts = [f"{isolate(event.scenario_title)} started (seed {event.seed}, {event.mode})"]
            if humans:
                parts.append("played by people: " + ", ".join(humans))
            if bots:
                parts.append("bots: " + ", ".join(bots))
            return "; ".join(parts)
        case ClockAdvanced():
            return f"Turn {event.turn} begins ({sc.time_of(event.turn)})"
        case InjectReleased():
            title = said.title(event.inject)
            who = "by control" if event.by == "control" else "on schedule"
            return f"Inject '{title}' released {who}"
        case InjectDelayed():
            return f"Inject '{said.title(event.inject)}' delayed {event.turns} turn(s)"
        case InjectWritten():
            to = ", ".join(n(t) for t in event.to)
            return f"Control wrote inject '{isolate(event.title or event.inject)}' to {to}"
        case DecisionTaken():
            label, title = said.label(event.inject, event.option), said.title(event.inject)
            if event.by == "deadline":
                return f"{n(event.team)}: deadline passed on '{title}'" + (
                    f", default taken: {label}" if event.option else ", no decision")
            if event.by == "organisation":
                if state is not None and event.team in sc.orgs:
                    return f"{n(event.team)} resolved on '{title}': {decision(state, event).line}"
                return f"{n(event.team)} resolved on '{title}' by vote: {label}"
            return f"{n(event.team)}{_bot(state, event.team, event.by)} decided on '{title}': {label}"
        case OutcomeRolled():
            text = said.outcome(event.inject, event.option, event.outcome)
            return f"Chance outcome for {n(event.team)} (p={event.p:g}, roll {event.roll:.2f}): " + (
                isolate(_first_line(text)) or f"branch {event.outcome + 1}")
        case VoteCast():
            return f"{n(event.nation)}{_bot(state, event.nation, event.by)} voted in {n(event.org)} on " \
                   f"'{said.title(event.inject)}': {said.label(event.inject, event.option)}"
        case MessageSent():
            return f"{n(event.sender)} → {', '.join(n(t) if t != 'all' else 'everyone' for t in event.to)}: " \
                   f"{isolate(_first_line(event.text))}"
        case Adjudicated():
            how = f"set to {number(event.change)}" if event.mode == "set" else signed(event.change)
            return f"Adjudication: {variable(sc, event.target)} {how} ({isolate(event.reason)})"
        case ObservationNoted():
            rating = f" [{event.rating}]" if event.rating else ""
            obj = f" on {isolate(event.objective)}" if event.objective else ""
            return f"{event.kind.capitalize()}{obj}{rating}: {isolate(_first_line(event.text))}"
        case SessionPaused():
            return "Session paused" + (f": {isolate(event.reason)}" if event.reason else "")
        case SessionResumed():
            return "Session resumed"
        case EventRetracted():
            return f"Event {event.seq} retracted: {isolate(event.reason)}"
        case SessionEnded():
            ending = next((e.model.title for e in sc.endings if e.id == event.ending), None)
            return f"Session ended at turn {event.turn}: " + (isolate(ending) if ending else "no ending reached") + \
                (f" ({isolate(event.reason)})" if event.reason else "")
    return type(event).__name__


def _bot(state: State | None, team: str, by: str) -> str:
    """' (bot, cautious)' after the name of a nation whose bot acted ('' for a team's own act)."""
    if by != "bot":
        return ""
    return f" ({bot_tag(state, team)})" if state is not None else " (bot)"


class _Said:
    """The words of the injects an event names: from the state, the event itself, or a preview. An act is
    told in the words its actor was shown (each nation may read its own); anything else in control's."""

    def __init__(self, sc: CompiledScenario, written: Mapping[str, InjectWritten],
                 words: Mapping[str, Mapping[str, InjectWords]], event: Event) -> None:
        self.sc, self.written, self.words, self.event = sc, written, words, event
        actor = event.team if isinstance(event, (DecisionTaken, OutcomeRolled)) else \
            event.nation if isinstance(event, VoteCast) else None
        self.reader = actor or CONTROL

    def _of(self, inject_id: str) -> InjectWords | None:
        stored = self.words.get(inject_id)
        if stored is None and isinstance(self.event, InjectReleased) and self.event.words is not None:
            stored = self.event.words
        if stored is None:
            ci = self.sc.injects.get(inject_id)
            if ci is None and inject_id not in self.written:
                return None
            stored = words_for(self.sc, self.written, inject_id, (ci.turn or 1) if ci else 1)
        return stored.get(self.reader) or stored[CONTROL]

    # Isolated where they go into the sentence (see `describe`).
    def title(self, inject_id: str) -> str:
        w = self._of(inject_id)
        return isolate(w.title if w else inject_id)

    def label(self, inject_id: str, option: str | None) -> str:
        if option is None:
            return "no decision"
        w = self._of(inject_id)
        return isolate(w.options[option].label if w and option in w.options else option)

    def outcome(self, inject_id: str, option: str, branch: int) -> str:
        w = self._of(inject_id)
        said = w.options.get(option) if w else None
        return said.outcomes[branch] if said and 0 <= branch < len(said.outcomes) else ""


@dataclass
class TeamStatus:
    team: str
    name: str
    player: str  # 'human' or 'bot:<profile>'
    pending: list[str]  # inject ids awaiting this nation
    next_deadline: int | None
    last_action: str  # a sentence


def team_status(state: State) -> list[TeamStatus]:
    sc = state.scenario
    out = []
    for n, nation in sc.nations.items():
        pend = state.pending(n)
        seq = state.last_action.get(n)
        last = describe(sc, state.log[seq - 1].event, state=state) if seq else "nothing yet"
        player = state.started.teams.get(n, "human") if state.started else "human"
        out.append(TeamStatus(n, nation.name, player, [p.inject for p in pend],
                              min((p.deadline_turn for p in pend), default=None), last))
    return out


@dataclass
class Move:
    team: str
    inject: str
    option: str
    seq: int
    turn: int
    weight: float  # sum of |change| as a share of each variable's range
    changes: dict[str, float]  # state key -> net change


def biggest_moves(state: State, team: str | None = None, top: int = 5) -> list[Move]:
    """The decisions (with their chance outcomes) that moved the state most, largest first."""
    sc = state.scenario
    keys = sc.layout.keys
    moves: dict[tuple[str, str], Move] = {}
    for ch in state.changes:
        if ch.source not in ("decision", "outcome") or ch.team is None or ch.inject is None:
            continue
        if team is not None and ch.team != team:
            continue
        key = (ch.team, ch.inject)
        mv = moves.get(key)
        if mv is None:
            mv = moves[key] = Move(ch.team, ch.inject, ch.option or "", ch.seq, ch.turn, 0.0, {})
        span = max(sc.maxs[ch.slot] - sc.mins[ch.slot], 1e-9)
        mv.weight += abs(ch.after - ch.before) / span
        mv.changes[keys[ch.slot]] = mv.changes.get(keys[ch.slot], 0.0) + ch.after - ch.before
    return sorted(moves.values(), key=lambda m: (-m.weight, m.seq))[:top]


@dataclass
class NotTaken:
    team: str
    inject: str
    chosen: str
    others: list[tuple[str, str]]  # (option id, label)


def paths_not_taken(state: State, team: str | None = None) -> list[NotTaken]:
    sc = state.scenario
    out = []
    for (inject, who), option in state.chosen.items():
        if team is not None and who != team:
            continue
        ci = sc.injects.get(inject)
        if ci is None:
            continue
        labels = words_of(state, inject, who).options
        others = [(o, labels[o].label if o in labels else o) for o in ci.options if o != option]
        if others:
            out.append(NotTaken(who, inject, option or "", others))
    return out


def series(state: State, key: str) -> list[float]:
    """A state value at the end of each turn so far: what a sparkline draws."""
    slot = state.scenario.layout.slot(key)
    if slot is None:
        raise KeyError(key)
    history = state.history[slot]
    last_turn = max(state.turn, 1)
    out = []
    i = 0
    value = history[0][2]
    for turn in range(1, last_turn + 1):
        while i < len(history) and history[i][1] <= turn:
            value = history[i][2]
            i += 1
        out.append(value)
    return out


def visible_keys(sc: CompiledScenario) -> list[str]:
    """The state keys a team may see (control sees all)."""
    return [k for k, var in zip(sc.layout.keys, sc.layout.var_of, strict=True) if not sc.vars[var].hidden]
