"""Read models over a session's state, shared by the terminal UI, the CLI and the reports.

Everything a screen or a report says about a session comes from here (or, for the timeline and the
MSEL, from `chronology`), so that no widget or template computes the same thing a second way: what an
event means in words, an inject as a team reads it, each team's status, which decisions moved the state
most, the paths not taken, how a value went turn by turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    VoteCast,
)
from .session import Session
from .state import State
from .templates import render

RATING_WORDS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}


def text_context(sc: CompiledScenario, reader: str | None, turn: int, params: dict[str, str] | None = None
                 ) -> dict[str, Any]:
    nations = {n: {"id": n, "name": v.name, "short": v.short or v.name} for n, v in sc.nations.items()}
    me = nations.get(reader or "", {"id": reader or "control", "name": sc.name_of(reader or "control"),
                                    "short": sc.name_of(reader or "control")})
    ctx: dict[str, Any] = {"nation": me, "scenario": {"id": sc.id, "title": sc.title}, "nations": nations,
                           "turn": turn, "time": sc.time_of(turn)}
    for name, nation_id in (params or {}).items():
        ctx[name] = nations.get(nation_id, {"id": nation_id, "name": nation_id, "short": nation_id})
    return ctx


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
    votes: dict[str, str] = field(default_factory=dict)  # nation name -> option (organisation injects)
    outcome: str | None = None  # the text of the chance outcome rolled, if any
    result: str | None = None  # the chosen option's own text
    via: str | None = None  # the organisation through which this reader decides


def inject_view(session: Session, inject_id: str, reader: str | None) -> InjectView:
    """An inject as `reader` (a nation, or None for control) sees it, with its decision if any."""
    sc, st = session.scenario, session.state
    turn = st.released.get(inject_id)
    ci = sc.injects.get(inject_id)
    if ci is None:
        w = st.written[inject_id]
        ctx = text_context(sc, reader, turn or st.turn)
        view = InjectView(inject_id, w.title or "Control inject", w.sender, w.kind, [sc.name_of(t) for t in w.to],
                          render(w.text, ctx), turn, sc.time_of(turn) if turn else None, None,
                          [w.objective] if w.objective else [], None,
                          [OptionView(o["id"], o.get("label", o["id"]), None) for o in w.options])
        if reader:
            view.decided = st.chosen.get((inject_id, reader))
        return view
    m = ci.model
    ctx = text_context(sc, reader, turn or st.turn, ci.params)
    view = InjectView(
        id=inject_id, title=m.title or _first_line(render(m.text, ctx)), sender=render(m.from_, ctx), kind=m.kind,
        to=[sc.name_of(t) for t in ci.recipients], text=render(m.text, ctx).strip(), turn=turn,
        time=sc.time_of(turn) if turn else None, expected=m.expected, objectives=list(ci.objectives),
        prompt=render(m.decision.prompt, ctx) if m.decision and m.decision.prompt else None,
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
    for oid, opt in ci.options.items():
        why = avail.get(oid)
        view.options.append(OptionView(oid, render(opt.model.label, ctx), render(why, ctx) if why else None,
                                       chosen == oid))
    if view.via:
        view.votes = {sc.name_of(n): o for n, o in st.votes.get((view.via, inject_id), {}).items()}
    if turn is not None:
        view.deadline_turn = turn + ci.deadline
    if chosen:
        view.result = render(ci.options[chosen].model.text, ctx) or None
        branch = st.outcomes.get((inject_id, decider or ""))
        if branch is not None:
            view.outcome = render(ci.options[chosen].outcomes[branch].text, ctx) or None
    return view


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 72 else line[:71] + "…"


def describe(sc: CompiledScenario, event: Event, written: dict[str, InjectWritten] | None = None) -> str:
    """One line in words for any event: the log, the timeline, the report all say it the same way.

    `written` (a state's injects written on the spot) lets their titles show instead of their ids."""
    n = sc.name_of
    match event:
        case SessionStarted():
            humans = [n(t) for t, who in event.teams.items() if who == "human"]
            bots = [f"{n(t)} ({who[4:]})" for t, who in event.teams.items() if who != "human"]
            parts = [f"{event.scenario_title} started (seed {event.seed}, {event.mode})"]
            if humans:
                parts.append("played by people: " + ", ".join(humans))
            if bots:
                parts.append("bots: " + ", ".join(bots))
            return "; ".join(parts)
        case ClockAdvanced():
            return f"Turn {event.turn} begins ({sc.time_of(event.turn)})"
        case InjectReleased():
            title = _inject_title(sc, event.inject, written)
            who = "by control" if event.by == "control" else "on schedule"
            return f"Inject '{title}' released {who}"
        case InjectDelayed():
            return f"Inject '{_inject_title(sc, event.inject, written)}' delayed {event.turns} turn(s)"
        case InjectWritten():
            return f"Control wrote inject '{event.title or event.inject}' to {', '.join(n(t) for t in event.to)}"
        case DecisionTaken():
            label = _option_label(sc, event.inject, event.option, written)
            if event.by == "deadline":
                return f"{n(event.team)}: deadline passed on '{_inject_title(sc, event.inject, written)}'" + (
                    f", default taken: {label}" if event.option else ", no decision")
            verb = "decided" if event.by != "organisation" else "resolved"
            return f"{n(event.team)} {verb} on '{_inject_title(sc, event.inject, written)}': {label}"
        case OutcomeRolled():
            ci = sc.injects.get(event.inject)
            text = ci.options[event.option].outcomes[event.outcome].text if ci else ""
            return f"Chance outcome for {n(event.team)} (p={event.p:g}, roll {event.roll:.2f}): " + (
                _first_line(text) or f"branch {event.outcome + 1}")
        case VoteCast():
            return f"{n(event.nation)} voted in {n(event.org)} on '{_inject_title(sc, event.inject, written)}': " \
                   f"{_option_label(sc, event.inject, event.option, written)}"
        case MessageSent():
            return f"{n(event.sender)} → {', '.join(n(t) if t != 'all' else 'everyone' for t in event.to)}: " \
                   f"{_first_line(event.text)}"
        case Adjudicated():
            how = f"set to {event.change:g}" if event.mode == "set" else f"{event.change:+g}"
            return f"Adjudication: {sc.label_of(event.target)} {how} ({event.reason})"
        case ObservationNoted():
            rating = f" [{event.rating}]" if event.rating else ""
            obj = f" on {event.objective}" if event.objective else ""
            return f"{event.kind.capitalize()}{obj}{rating}: {_first_line(event.text)}"
        case SessionPaused():
            return "Session paused" + (f": {event.reason}" if event.reason else "")
        case SessionResumed():
            return "Session resumed"
        case EventRetracted():
            return f"Event {event.seq} retracted: {event.reason}"
        case SessionEnded():
            ending = next((e.model.title for e in sc.endings if e.id == event.ending), None)
            return f"Session ended at turn {event.turn}: " + (ending or "no ending reached") + \
                (f" ({event.reason})" if event.reason else "")
    return type(event).__name__


def _inject_title(sc: CompiledScenario, inject_id: str, written: dict[str, InjectWritten] | None = None) -> str:
    ci = sc.injects.get(inject_id)
    if ci is None:
        w = (written or {}).get(inject_id)
        return (w.title or _first_line(w.text)) if w else inject_id
    # Control reads texts as if it were the first nation addressed, so '{{ nation.name }}' reads well.
    ctx = text_context(sc, ci.nations[0] if ci.nations else None, ci.turn or 1, ci.params)
    return render(ci.model.title or _first_line(ci.model.text), ctx) or inject_id


def _option_label(sc: CompiledScenario, inject_id: str, option: str | None,
                  written: dict[str, InjectWritten] | None = None) -> str:
    if option is None:
        return "no decision"
    ci = sc.injects.get(inject_id)
    if ci is None:
        w = (written or {}).get(inject_id)
        return next((o.get("label", option) for o in (w.options if w else []) if o.get("id") == option), option)
    if option not in ci.options:
        return option
    return ci.options[option].model.label


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
        last = describe(sc, state.log[seq - 1].event, state.written) if seq else "nothing yet"
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
        others = [(o, c.model.label) for o, c in ci.options.items() if o != option]
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
