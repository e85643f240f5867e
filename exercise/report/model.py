"""The report model: everything an after-action report says, computed once from a session.

Built from a `LiveSession` through the shared read models (`engine.views`) and the analysis ones
(`engine.analysis`); the templates and the DOCX writer only lay it out. Nothing here reads the clock:
the report is dated by the session's last event, so the same log always gives the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import analysis, views
from ..engine.compile import CompiledScenario
from ..engine.events import (
    Adjudicated,
    DecisionTaken,
    EventRetracted,
    InjectReleased,
    InjectWritten,
    MessageSent,
    ObservationNoted,
    SessionPaused,
    VoteCast,
)
from ..engine.state import State
from ..store.chain import GENESIS_HASH
from . import figures as fg

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
TO_BE_ASSIGNED = "To be assigned"
TO_BE_SET = "To be set"

KIND_LABELS = {
    "SessionStarted": "Start", "InjectReleased": "Inject", "InjectDelayed": "Inject", "InjectWritten": "Inject",
    "DecisionTaken": "Decision", "OutcomeRolled": "Outcome", "VoteCast": "Vote", "MessageSent": "Message",
    "Adjudicated": "Adjudication", "ObservationNoted": "Observation", "SessionPaused": "Control",
    "SessionResumed": "Control", "EventRetracted": "Retraction", "SessionEnded": "End",
}

# The seed's recommendations (the debrief spine): what a prefilled corrective action suggests, chosen
# by the words of the capability, the objective and the issue.
RECOMMENDATIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("dialogue forums",
     ("intelligence", "information shar", "sharing", "share", "attribution", "indicator", "trust", "consult",
      "channel"),
     "Set up a standing dialogue forum among the partners (a regular meeting and an agreed secure channel), "
     "so that {capability} does not depend on ad hoc contacts."),
    ("civilian perspectives",
     ("public", "media", "disinformation", "civil", "humanitarian", "population", "shelter", "warning", "water"),
     "Bring civilian perspectives (public information officers, humanitarian and utility representatives) "
     "into planning for {capability}, and into the next exercise."),
    ("joint exercises",
     ("coordinat", "operation", "joint", "interoperab", "consensus", "response", "mission", "deploy", "logistic"),
     "Run a joint exercise with all partners that rehearses {capability}, with procedures agreed beforehand."),
    ("education and training", (),
     "Education and training on {capability} for the staff concerned, followed by a short refresher exercise."),
)


# -- small formatting helpers (shared with the templates as filters) ------------------------------

def num(v: float | int | None) -> str:
    if v is None:
        return ""
    return str(round(v)) if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def delta(v: float) -> str:
    if abs(v) < 1e-9:
        return "±0"
    return ("+" if v > 0 else "-") + num(abs(v))


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    minutes = s // 60
    if minutes < 60:
        rest = s % 60
        return f"{minutes} min" + (f" {rest:02d} s" if rest and minutes < 10 else "")
    return f"{minutes // 60} h {minutes % 60:02d} min"


def wall_date(at: str | None) -> str:
    d = analysis.parse_wall(at)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else "unknown date"


def wall_clock(at: str | None, seconds: bool = False) -> str:
    if at and len(at) >= 19 and at[10] == "T" and at.endswith("Z"):  # the store's own UTC form: no parsing
        return at[11:19] if seconds else at[11:16]
    d = analysis.parse_wall(at)
    if d is None:
        return ""
    return d.strftime("%H:%M:%S" if seconds else "%H:%M")


def wall_stamp(at: str | None) -> str:
    d = analysis.parse_wall(at)
    return f"{d.strftime('%Y-%m-%d %H:%M')} UTC" if d else "unknown"


def short_name(sc: CompiledScenario, who: str) -> str:
    if who in sc.nations:
        return sc.nations[who].short or sc.nations[who].name
    if who in sc.orgs:
        return sc.orgs[who].short or sc.orgs[who].name
    return sc.name_of(who)


def key_label(sc: CompiledScenario, key: str) -> str:
    """A state key in words: 'Public support at home (Maren)', 'Trust (Maren → Tarvos)'."""
    slot = sc.layout.slot(key)
    if slot is None:
        return key
    var = sc.layout.var_of[slot]
    spec = sc.vars[var]
    label = spec.label or var.replace("_", " ").capitalize()
    inner = key[len(var):].strip("[]")
    if not inner:
        return label
    parts = inner.split("][")
    return f"{label} ({' → '.join(short_name(sc, x) for x in parts)})"


def player_words(who: str) -> str:
    if who == "human":
        return "people"
    if who.startswith("bot:"):
        return f"bot: {who[4:]}"
    return who


# -- the model -------------------------------------------------------------------------------------

@dataclass
class EvidenceItem:
    seq: int
    turn: int
    time: str
    summary: str
    rationale: str = ""


@dataclass
class ObsView:
    seq: int
    turn: int
    time: str
    wall: str
    objective: str | None
    capability: str
    rating: str | None
    rating_words: str
    kind: str
    category: str
    text: str
    by: str
    hotwash: bool
    evidence: list[EvidenceItem]


@dataclass
class DecisionView:
    seq: int
    turn: int
    time: str
    team: str
    option: str
    by: str
    rationale: str
    vote: bool = False


@dataclass
class InjectEvidence:
    id: str
    title: str
    released: str  # 'turn 2 (D+0 18:00)' or 'not released'
    expected: str
    decisions: list[DecisionView]


@dataclass
class ObjectiveSection:
    id: str
    text: str
    capability: str
    rating: str | None
    rating_words: str
    ratings: list[tuple[str, str]]  # (when, rating) in order
    strengths: list[ObsView]
    improvements: list[ObsView]
    notes: list[ObsView]
    injects: list[InjectEvidence]


@dataclass
class IPRow:
    number: int
    objective: str
    capability: str
    issue: str
    rating: str | None
    action: str
    recommendation: str  # which of the seed's recommendations it draws on
    responsible: str
    responsible_suggested: bool
    poc: str
    start: str
    completion: str
    source: str


@dataclass
class StateRow:
    key: str
    label: str
    start: str
    end: str
    change: str
    judgement: str  # 'better' | 'worse' | ''
    low: str
    high: str
    hidden: bool


@dataclass
class MoveView:
    team: str
    inject: str
    option: str
    turn: int
    time: str
    changes: str


@dataclass
class NotTakenView:
    team: str
    inject: str
    chosen: str
    others: list[str]


@dataclass
class TimelineRow:
    seq: int
    wall: str
    kind: str
    actor: str
    summary: str
    detail: str
    retracted: bool


@dataclass
class TurnBlock:
    turn: int
    time: str
    rows: list[TimelineRow]


@dataclass
class NationRow:
    id: str
    name: str
    player: str
    capabilities: str
    decisions: int
    votes: int
    defaults: int
    messages: int


@dataclass
class OrgRow:
    id: str
    name: str
    members: str
    decides: str
    decisions: int


@dataclass
class MselPlayed:
    number: int
    id: str
    time: str
    trigger: str
    kind: str
    sender: str
    to: str
    description: str
    expected: str
    objective: str
    capability: str
    status: str
    released: str
    decisions: list[str]


@dataclass
class Digest:
    file: str
    events: int
    live: int
    retracted: int
    by_type: list[tuple[str, int]]
    first_wall: str
    last_wall: str
    first_hash: str
    head_hash: str
    genesis: str
    verified: bool | None
    verify_message: str
    scenario_hash: str
    snapshot_hash: str
    hash_matches: bool


@dataclass
class Overview:
    title: str
    scenario_id: str
    scenario_title: str
    summary: str
    scenario_hash: str
    dates: str
    start: str
    end: str
    duration: str
    span: str
    turns_played: int
    turns: int
    step: str
    mode: str
    seed: int
    facilitator: str
    objectives: list[tuple[str, str, str]]  # (id, text, capability)
    capabilities: list[str]
    nations: list[NationRow]
    organisations: list[OrgRow]
    ending_id: str | None
    ending_title: str
    ending_text: str
    ended: bool


@dataclass
class Summary:
    paragraphs: list[str]
    counts: list[tuple[str, int]]
    state: list[StateRow]
    moves: list[MoveView]
    not_taken: list[NotTakenView]


@dataclass
class Participants:
    nations: list[NationRow]
    organisations: list[OrgRow]
    facilitator: str
    control: list[tuple[str, int]]


@dataclass
class Report:
    title: str
    generated: str  # the last event's wall time: the report's date, never now()
    overview: Overview
    summary: Summary
    objectives: list[ObjectiveSection]
    general: list[ObsView]
    hotwash: list[ObsView]
    improvement_plan: list[IPRow]
    timeline: list[TurnBlock]
    figures: list[fg.Figure]
    participants: Participants
    msel: list[MselPlayed]
    digest: Digest
    rating_words: dict[str, str] = field(default_factory=lambda: dict(views.RATING_WORDS))

    def figures_in(self, group: str) -> list[fg.Figure]:
        return [f for f in self.figures if f.group == group]


# -- building ----------------------------------------------------------------------------------------

class _Builder:
    def __init__(self, sc: CompiledScenario, state: State, session: Any, rows: list[Any], meta: dict[str, str],
                 verified: Any, file_name: str) -> None:
        self.sc, self.state, self.session = sc, state, session
        self.rows, self.meta, self.verified, self.file_name = rows, meta, verified, file_name
        self.turns = analysis.turns_by_seq(state)
        self.entry = {e.seq: e for e in state.log}
        self.live = state.live_entries()
        self.observations = analysis.observations(state)
        self._obs: dict[int, ObsView] = {}
        self._names: dict[str, str] = {}
        self.ended_seq = next((e.seq for e in self.live if type(e.event).__name__ == "SessionEnded"), None)
        self.step_text = _step_words(sc.step_minutes)

    # names and texts
    def when(self, turn: int) -> str:
        return f"turn {turn} ({self.sc.time_of(turn)})"

    def inject_title(self, inject_id: str) -> str:
        ci = self.sc.injects.get(inject_id)
        if ci is None:
            w = self.state.written.get(inject_id)
            return (w.title or inject_id) if w else inject_id
        return views.inject_view(self.session, inject_id, None).title

    def option_label(self, inject_id: str, option: str | None) -> str:
        if option is None or option == "":
            return "no decision"
        ci = self.sc.injects.get(inject_id)
        if ci is not None and option in ci.options:
            return ci.options[option].model.label
        w = self.state.written.get(inject_id)
        if w is not None:
            for o in w.options:
                if o.get("id") == option:
                    return o.get("label", option)
        return option

    def evidence(self, seq: int) -> EvidenceItem:
        e = self.entry[seq]
        ev = e.event
        rationale = _own_rationale(ev)
        turn = self.turns[seq]
        said = views.describe(self.sc, ev, self.state.written)
        return EvidenceItem(seq, turn, self.sc.time_of(turn), said, rationale)

    def name(self, who: str) -> str:
        got = self._names.get(who)
        if got is None:
            got = self._names[who] = self.sc.name_of(who)
        return got

    def obs(self, o: analysis.Observation) -> ObsView:
        if o.seq in self._obs:
            return self._obs[o.seq]
        caps = {x.id: x.capability for x in self.sc.model.objectives}
        view = self._obs[o.seq] = ObsView(
            seq=o.seq, turn=o.turn, time=self.sc.time_of(o.turn), wall=wall_clock(o.at), objective=o.objective,
            capability=caps.get(o.objective or "", ""), rating=o.rating,
            rating_words=views.RATING_WORDS.get(o.rating or "", ""), kind=o.kind, category=o.category, text=o.text,
            by=self.sc.name_of(o.by), hotwash=o.hotwash, evidence=[self.evidence(s) for s in o.evidence])
        return view

    # sections
    def overview(self) -> Overview:
        sc, st = self.sc, self.state
        started = st.started
        first = self.rows[0].wall if self.rows else None
        last = self.rows[-1].wall if self.rows else None
        d1, d2 = wall_date(first), wall_date(last)
        dates = f"{d1}, {wall_clock(first)}–{wall_clock(last)} UTC" if d1 == d2 else \
            f"{d1} {wall_clock(first)} – {d2} {wall_clock(last)} UTC"
        played = max(st.turn, 1)
        span = f"{sc.time_of(1)} to {sc.time_of(played)}: turn 1 to {played} of {sc.turns}, {self.step_text} a turn"
        ending = next((e for e in sc.endings if st.ended and e.id == st.ended.ending), None)
        caps: list[str] = []
        for o in sc.model.objectives:
            if o.capability not in caps:
                caps.append(o.capability)
        return Overview(
            title=sc.title, scenario_id=sc.id, scenario_title=sc.title, summary=sc.model.summary.strip(),
            scenario_hash=started.scenario_hash if started else sc.hash, dates=dates, start=wall_stamp(first),
            end=wall_stamp(last), duration=duration(analysis.seconds_between(first, last)), span=span,
            turns_played=played, turns=sc.turns, step=self.step_text, mode=started.mode if started else "",
            seed=st.seed, facilitator=started.facilitator if started else "Exercise Control",
            objectives=[(o.id, o.text, o.capability) for o in sc.model.objectives], capabilities=caps,
            nations=self.nation_rows(), organisations=self.org_rows(),
            ending_id=st.ended.ending if st.ended else None,
            ending_title=(ending.model.title if ending else ("no ending reached" if st.ended else "the session has "
                                                                                                 "not ended")),
            ending_text=(ending.model.text.strip() if ending else ""), ended=st.ended is not None)

    def nation_rows(self) -> list[NationRow]:
        st = self.state
        counts: dict[tuple[str, str], int] = {}
        for e in self.live:
            ev = e.event
            if isinstance(ev, DecisionTaken):
                k = (ev.team, "defaults" if ev.by == "deadline" else "decisions")
            elif isinstance(ev, VoteCast):
                k = (ev.nation, "votes")
            elif isinstance(ev, MessageSent):
                k = (ev.sender, "messages")
            else:
                continue
            counts[k] = counts.get(k, 0) + 1
        teams = st.started.teams if st.started else {}
        out = []
        for nid, nat in self.sc.nations.items():
            caps = ", ".join(f"{c} {v}" for c, v in nat.capabilities.items())
            out.append(NationRow(nid, nat.name, player_words(teams.get(nid, "human")), caps,
                                 counts.get((nid, "decisions"), 0), counts.get((nid, "votes"), 0),
                                 counts.get((nid, "defaults"), 0), counts.get((nid, "messages"), 0)))
        return out

    def org_rows(self) -> list[OrgRow]:
        st = self.state
        out = []
        for oid, org in self.sc.orgs.items():
            decided = sum(1 for (inj, who) in st.chosen if who == oid)
            out.append(OrgRow(oid, org.name, ", ".join(self.sc.name_of(m) for m in org.members), org.decides, decided))
        return out

    def state_rows(self) -> list[StateRow]:
        sc, st = self.sc, self.state
        out = []
        for slot, key in enumerate(sc.layout.keys):
            var = sc.layout.var_of[slot]
            spec = sc.vars[var]
            if spec.per == "pair":
                continue
            start, end = sc.start[slot], st.vals[slot]
            values = [h[2] for h in st.history[slot]]
            d = end - start
            judgement = ""
            if abs(d) > 1e-9:
                better = d > 0 if spec.good == "high" else d < 0
                judgement = "better" if better else "worse"
            label = key_label(sc, key)
            out.append(StateRow(key, label, num(start), num(end), delta(d), judgement, num(min(values)),
                                num(max(values)), spec.hidden))
        return out

    def summary(self, overview: Overview, objectives: list[ObjectiveSection], ip: list[IPRow]) -> Summary:
        sc, st = self.sc, self.state
        live = self.live
        c: dict[str, int] = {}
        for e in live:
            ev = e.event
            key = type(ev).__name__
            if isinstance(ev, DecisionTaken):
                key = {"deadline": "defaults", "bot": "bot decisions", "organisation": "organisation decisions"}.get(
                    ev.by, "team decisions")
            elif isinstance(ev, VoteCast):
                key = "votes"
            c[key] = c.get(key, 0) + 1
        counts = [
            ("injects released", c.get("InjectReleased", 0)),
            ("decisions by teams", c.get("team decisions", 0)),
            ("decisions by bots", c.get("bot decisions", 0)),
            ("votes in organisations", c.get("votes", 0)),
            ("organisation decisions", c.get("organisation decisions", 0)),
            ("deadlines passed (default taken)", c.get("defaults", 0)),
            ("messages", c.get("MessageSent", 0)),
            ("adjudications", c.get("Adjudicated", 0)),
            ("observations", c.get("ObservationNoted", 0)),
            ("retracted events", len(st.retracted)),
        ]
        humans = [n.name for n in overview.nations if n.player == "people"]
        bots = [f"{n.name} ({n.player[5:]})" for n in overview.nations if n.player.startswith("bot")]
        paras = []
        who = []
        if humans:
            who.append("played by people: " + _join(humans))
        if bots:
            who.append("played by the computer: " + _join(bots))
        paras.append(
            f"{sc.title} was played on {overview.dates} ({overview.duration} of play), in {overview.mode} mode with "
            f"seed {overview.seed}; {'; '.join(who)}. {overview.facilitator} ran the exercise as control.")
        decided = c.get("team decisions", 0) + c.get("bot decisions", 0)
        paras.append(
            f"The session covered {overview.span}. {plural(c.get('InjectReleased', 0), 'inject')} "
            f"{'was' if c.get('InjectReleased', 0) == 1 else 'were'} released; teams took "
            f"{plural(decided, 'decision')} and cast {plural(c.get('votes', 0), 'vote')}; "
            f"{plural(c.get('defaults', 0), 'deadline')} passed with the default taken; "
            f"{plural(c.get('MessageSent', 0), 'message')} {'was' if c.get('MessageSent', 0) == 1 else 'were'} "
            f"exchanged and control made {plural(c.get('Adjudicated', 0), 'adjudication')}.")
        if st.ended is not None:
            paras.append(f"The exercise ended at turn {st.ended.turn} with the outcome “{overview.ending_title}”."
                         + (f" {overview.ending_text}" if overview.ending_text else ""))
        else:
            paras.append(f"The session had not ended when this report was written (turn {st.turn} of {sc.turns}).")
        rated = [f"{o.id} {o.rating}" for o in objectives if o.rating]
        unrated = [o.id for o in objectives if not o.rating]
        if objectives:
            text = "Objective ratings: " + (", ".join(rated) if rated else "none recorded")
            if unrated:
                text += f"; not rated: {', '.join(unrated)}"
            paras.append(text + f". {plural(len(ip), 'area', 'areas')} for improvement "
                         f"{'is' if len(ip) == 1 else 'are'} carried into the improvement plan.")
        moves = []
        for mv in views.biggest_moves(st, top=5):
            changes = ", ".join(f"{key_label(sc, k)} {delta(v)}" for k, v in mv.changes.items() if abs(v) > 1e-9)
            moves.append(MoveView(sc.name_of(mv.team), self.inject_title(mv.inject), self.option_label(mv.inject,
                                  mv.option), mv.turn, sc.time_of(mv.turn), changes))
        nt = []
        for p in sorted(views.paths_not_taken(st), key=lambda p: st.decided_seq.get((p.inject, p.team), 0)):
            nt.append(NotTakenView(sc.name_of(p.team), self.inject_title(p.inject),
                                   self.option_label(p.inject, p.chosen), [label for _, label in p.others]))
        return Summary([" ".join(p.split()) for p in paras], counts, self.state_rows(), moves, nt)

    def objectives(self) -> list[ObjectiveSection]:
        sc, st = self.sc, self.state
        out = []
        for ev_ in analysis.objective_evidence(st, self.observations):
            injects = []
            for inject_id in ev_.injects:
                rturn = st.released.get(inject_id)
                decisions = []
                for seq in ev_.decisions:
                    e = self.entry[seq].event
                    if getattr(e, "inject", None) != inject_id:
                        continue
                    t = self.turns[seq]
                    if isinstance(e, VoteCast):
                        decisions.append(DecisionView(seq, t, sc.time_of(t), sc.name_of(e.nation),
                                                      self.option_label(inject_id, e.option), e.by,
                                                      _own_rationale(e), True))
                    elif isinstance(e, DecisionTaken):
                        decisions.append(DecisionView(seq, t, sc.time_of(t), sc.name_of(e.team),
                                                      self.option_label(inject_id, e.option), e.by,
                                                      _own_rationale(e)))
                ci = sc.injects.get(inject_id)
                injects.append(InjectEvidence(
                    inject_id, self.inject_title(inject_id),
                    self.when(rturn) if rturn is not None else "not released",
                    (ci.model.expected or "").strip() if ci else "", decisions))
            ratings = [(self.when(self.turns[s]) + (" (hot wash)" if self._after_end(s) else ""), r)
                       for s, r in ev_.ratings]
            obs = [self.obs(o) for o in ev_.observations]
            out.append(ObjectiveSection(
                ev_.id, ev_.text, ev_.capability, ev_.rating, views.RATING_WORDS.get(ev_.rating or "", "Not rated"),
                ratings, [o for o in obs if o.category == "strength"], [o for o in obs if o.category == "improvement"],
                [o for o in obs if o.category == "note"], injects))
        return out

    def _after_end(self, seq: int) -> bool:
        return self.ended_seq is not None and seq > self.ended_seq

    def improvement_plan(self, objectives: list[ObjectiveSection], general: list[ObsView]) -> list[IPRow]:
        rows: list[IPRow] = []
        owners = analysis.most_involved(self.state)
        for sec in objectives:
            owner = owners.get(sec.id)
            for o in sec.improvements:
                rows.append(self._ip_row(len(rows) + 1, sec.id, sec.capability, sec.text, o, owner))
        for o in general:
            if o.category == "improvement":
                rows.append(self._ip_row(len(rows) + 1, "", "(no objective)", "", o, None))
        return rows

    def _ip_row(self, number: int, objective: str, capability: str, objective_text: str, o: ObsView,
                owner: str | None) -> IPRow:
        name, action = suggest_action(capability, objective_text, o.text)
        source = ("Hot wash" if o.hotwash else f"Observation at {self.when(o.turn)}") + f", event #{o.seq}"
        return IPRow(number, objective, capability, o.text, o.rating, action, name,
                     self.sc.name_of(owner) if owner else TO_BE_ASSIGNED, owner is not None, TO_BE_ASSIGNED,
                     TO_BE_SET, TO_BE_SET, source)

    def timeline(self) -> list[TurnBlock]:
        sc = self.sc
        blocks: list[TurnBlock] = []
        current: TurnBlock | None = None
        entry = self.entry
        name = self.name
        for item in views.timeline(self.state):
            kind = item.type
            if kind == "ClockAdvanced":
                continue
            if current is None or current.turn != item.turn:
                current = TurnBlock(item.turn, item.time, [])
                blocks.append(current)
            ev: Any = entry[item.seq].event
            detail = ""
            summary = item.summary
            if kind == "MessageSent":
                to = ", ".join("everyone" if t == "all" else name(t) for t in ev.to)
                summary = f"{name(ev.sender)} → {to}" + (f" ({ev.channel})" if ev.channel != "direct" else "")
                detail = ev.text
            elif kind in ("DecisionTaken", "VoteCast"):
                detail = "" if kind == "DecisionTaken" and ev.by == "deadline" else ev.rationale
            elif kind == "ObservationNoted":
                summary = ev.kind.capitalize() + (f" on {ev.objective}" if ev.objective else "") + (
                    f", rated {ev.rating} ({views.RATING_WORDS[ev.rating]})" if ev.rating else "")
                detail = ev.text
            elif kind == "InjectWritten":
                detail = ev.text
            elif kind == "OutcomeRolled":
                ci = sc.injects.get(ev.inject)
                detail = ci.options[ev.option].outcomes[ev.outcome].text if ci else ""
            elif kind == "SessionPaused":
                detail = ev.reason
            current.rows.append(TimelineRow(item.seq, wall_clock(item.wall, True), KIND_LABELS.get(kind, kind),
                                            item.actor, summary, detail.strip(), item.retracted))
        return blocks

    def msel(self) -> list[MselPlayed]:
        sc = self.sc
        decided: dict[str, list[str]] = {}
        for e in self.live:
            ev = e.event
            if isinstance(ev, DecisionTaken):
                how = {"deadline": " (deadline default)", "bot": " (bot)", "organisation": " (by vote)"}.get(ev.by, "")
                decided.setdefault(ev.inject, []).append(
                    f"{sc.name_of(ev.team)}: {self.option_label(ev.inject, ev.option)}{how}, turn {self.turns[e.seq]}")
        rows = []
        for r in views.msel(self.session):
            rows.append(MselPlayed(r.number, r.id, r.time, r.trigger, r.kind, r.sender, r.to, r.description,
                                   r.expected.strip(), r.objective, r.capability, r.status,
                                   self.when(r.released_turn) if r.released_turn is not None else "not released",
                                   decided.get(r.id, [])))
        return rows

    def participants(self, overview: Overview) -> Participants:
        st = self.state
        c: dict[str, int] = {}
        for e in self.live:
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
        c["retractions"] = sum(1 for e in st.log if isinstance(e.event, EventRetracted))
        order = ("injects released by control", "injects written in play", "adjudications", "observations",
                 "messages from control", "pauses", "retractions")
        return Participants(overview.nations, overview.organisations, overview.facilitator,
                            [(k, c.get(k, 0)) for k in order])

    def digest(self) -> Digest:
        st, rows = self.state, self.rows
        by_type: dict[str, int] = {}
        for r in rows:
            by_type[r.type] = by_type.get(r.type, 0) + 1
        started = st.started
        snap = self.sc.hash
        stated = started.scenario_hash if started else ""
        v = self.verified
        return Digest(
            file=self.file_name, events=len(rows), live=len(self.live), retracted=len(st.retracted),
            by_type=sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
            first_wall=rows[0].wall if rows else "", last_wall=rows[-1].wall if rows else "",
            first_hash=rows[0].hash if rows else "", head_hash=rows[-1].hash if rows else GENESIS_HASH,
            genesis=GENESIS_HASH, verified=v.ok if v is not None else None,
            verify_message=v.message if v is not None else "not checked", scenario_hash=stated, snapshot_hash=snap,
            hash_matches=stated == snap)


def _own_rationale(ev: Any) -> str:
    """A decision's or vote's rationale when a person gave it; a bot's or a deadline's says nothing new."""
    if isinstance(ev, (DecisionTaken, VoteCast)) and ev.by not in ("bot", "deadline"):
        return " ".join(ev.rationale.split()) if ev.by == "organisation" else ev.rationale
    return ""


def _step_words(minutes: int) -> str:
    if minutes % 1440 == 0:
        d = minutes // 1440
        return f"{d} day" + ("s" if d != 1 else "")
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def suggest_action(capability: str, objective_text: str, issue: str) -> tuple[str, str]:
    """(recommendation, suggested corrective action) for an area for improvement, from the seed's
    recommendations: the capability's words decide first, then the objective's, then the issue's."""
    cap = capability.strip() or "this capability"
    for text in (capability, objective_text, issue):
        low = text.lower()
        for name, words, template in RECOMMENDATIONS:
            if words and any(w in low for w in words):
                return name, template.format(capability=cap.lower())
    name, _, template = RECOMMENDATIONS[-1]
    return name, template.format(capability=cap.lower())


# -- figures -----------------------------------------------------------------------------------------

def build_figures(sc: CompiledScenario, state: State) -> list[fg.Figure]:
    figs: list[fg.Figure] = []
    played = max(state.turn, 1)
    x_labels = ["start"] + [str(t) for t in range(1, played + 1)]
    x_title = f"turn ({_step_words(sc.step_minutes)} each; turn 1 = {sc.time_of(1)})"
    for var, spec in sc.vars.items():
        label = spec.label or var.replace("_", " ").capitalize()
        hidden = " (hidden from teams)" if spec.hidden else ""
        direction = "lower is better" if spec.good == "low" else "higher is better"
        if spec.per == "global":
            slot = sc.layout.slot(var)
            assert slot is not None
            values = [sc.start[slot], *views.series(state, var)]
            lo_i = min(range(len(values)), key=lambda i: values[i])
            hi_i = max(range(len(values)), key=lambda i: values[i])
            desc = (f"{label}{hidden} ({direction}, scale {num(spec.min)} to {num(spec.max)}): {num(values[0])} at the "
                    f"start, {num(values[-1])} at the end of turn {played}; lowest {num(values[lo_i])} "
                    f"({x_labels[lo_i] if lo_i == 0 else 'turn ' + x_labels[lo_i]}), highest {num(values[hi_i])} "
                    f"({x_labels[hi_i] if hi_i == 0 else 'turn ' + x_labels[hi_i]}).")
            fig = fg.line_chart(f"fig-{var}", f"{label}{hidden}", desc, x_labels, [fg.Series(label, values)],
                                spec.min, spec.max, x_title)
        elif spec.per == "nation":
            series = []
            parts = []
            for nid in sc.nations:
                key = f"{var}[{nid}]"
                slot = sc.layout.slot(key)
                assert slot is not None
                values = [sc.start[slot], *views.series(state, key)]
                series.append(fg.Series(short_name(sc, nid), values))
                parts.append(f"{short_name(sc, nid)} {num(values[0])} to {num(values[-1])}")
            desc = f"{label}{hidden} per nation ({direction}), start to end of turn {played}: " + "; ".join(parts) + "."
            fig = fg.line_chart(f"fig-{var}", f"{label}{hidden}", desc, x_labels, series, spec.min, spec.max, x_title)
        else:
            continue
        fig.group = "state"
        figs.append(fig)
    for var, spec in sc.vars.items():
        if spec.per != "pair":
            continue
        ids = list(sc.nations)
        label = spec.label or var.replace("_", " ").capitalize()

        def matrix(values: list[float], var: str = var, ids: list[str] = ids) -> list[list[float | None]]:
            return [[None if a == b else values[sc.layout.slot(f"{var}[{a}][{b}]") or 0] for b in ids]
                    for a in ids]

        start, end = matrix(list(sc.start)), matrix(list(state.vals))
        changed = []
        for i, a in enumerate(ids):
            for j, b in enumerate(ids):
                s0, s1 = start[i][j], end[i][j]
                if s0 is not None and s1 is not None and abs(s1 - s0) > 1e-9:
                    changed.append((abs(s1 - s0), f"{short_name(sc, a)} in {short_name(sc, b)} {num(s0)} to {num(s1)}"))
        changed.sort(key=lambda x: -x[0])
        desc = (f"{label} between each pair of nations at the start and at the end (row: who trusts; column: whom; "
                f"scale {num(spec.min)} to {num(spec.max)}). " +
                ("Largest changes: " + "; ".join(t for _, t in changed[:4]) + "." if changed else "No value changed."))
        fig = fg.matrix_chart(f"fig-{var}-matrix", f"{label} between nations, start and end", desc,
                              [short_name(sc, x) for x in ids], start, end, spec.min, spec.max)
        fig.group = "matrix"
        figs.append(fig)
    lat = latency_figure(sc, state)
    if lat is not None:
        figs.append(lat)
    tl = decision_timeline_figure(sc, state)
    if tl is not None:
        figs.append(tl)
    for i, f in enumerate(figs, 1):
        f.number = i
    return figs


def latency_figure(sc: CompiledScenario, state: State) -> fg.Figure | None:
    groups = analysis.latency_by_team(state)
    have_wall = any(x.seconds is not None for g in groups for x in g.decided)
    rows = []
    parts = []
    for g in groups:
        if not g.items:
            continue
        if have_wall:
            values = [((x.seconds or 0.0) / 60, x.by) for x in g.decided if x.seconds is not None]
            med = g.median_seconds / 60 if g.median_seconds is not None else None
        else:
            values = [(float(x.turns), x.by) for x in g.decided]
            med = None
        if g.decided:
            turns = g.mean_turns or 0.0
            lag = "same turn" if turns < 1e-9 else f"{num(round(turns, 1))} turn{'s' if abs(turns - 1) > 1e-9 else ''}"
            note = (f"median {duration(g.median_seconds)} · " if have_wall else "") + f"{lag} · {len(g.decided)} taken"
        else:
            note = "none taken"
        if g.defaults:
            note += f", {g.defaults} by deadline"
        rows.append(fg.LatencyRow(short_name(sc, g.team), values, med, note))
        parts.append(f"{sc.name_of(g.team)}: {note}")
    if not rows:
        return None
    unit = "minutes of wall time from the inject's release to the decision" if have_wall else \
        "turns from the inject's release to the decision"
    desc = ("Decision latency per team, from an inject's release to the team's decision or vote. "
            + "; ".join(parts) + ".")
    fig = fg.latency_chart("fig-latency", "Decision latency per team", desc, rows, unit)
    fig.group = "latency"
    return fig


def decision_timeline_figure(sc: CompiledScenario, state: State) -> fg.Figure | None:
    turns_of = analysis.turns_by_seq(state)
    deciders: list[str] = []
    items = []
    releases = []
    for e in state.live_entries():
        ev = e.event
        by: str
        if isinstance(ev, DecisionTaken):
            who, by = ev.team, ev.by
        elif isinstance(ev, VoteCast):
            who, by = ev.nation, ("bot-vote" if ev.by == "bot" else "vote")
        elif isinstance(ev, InjectReleased):
            releases.append((turns_of[e.seq], e.seq))
            continue
        else:
            continue
        items.append((turns_of[e.seq], e.seq, who, by))
    if not items:
        return None
    for nid in sc.nations:
        if any(i[2] == nid for i in items):
            deciders.append(nid)
    for oid in sc.orgs:
        if any(i[2] == oid for i in items):
            deciders.append(oid)
    for i in items:
        if i[2] not in deciders:
            deciders.append(i[2])
    per_turn: dict[int, list[int]] = {}
    for t, seq, _, _ in items:
        per_turn.setdefault(t, []).append(seq)
    marks = []
    for t, seq, who, by in items:
        seqs = per_turn[t]
        marks.append(fg.Mark(deciders.index(who), t, seqs.index(seq), len(seqs), by, f"#{seq}"))
    rel_turn: dict[int, list[int]] = {}
    for t, seq in releases:
        rel_turn.setdefault(t, []).append(seq)
    rel = [(t, rel_turn[t].index(seq), len(rel_turn[t]), f"#{seq}") for t, seq in releases]
    played = max(state.turn, 1)
    counts: dict[str, int] = {}
    for _, _, who, _ in items:
        counts[who] = counts.get(who, 0) + 1
    desc = (f"Decisions and votes by turn, turns 1 to {played}: " +
            "; ".join(f"{sc.name_of(w)} {counts[w]}" for w in deciders) +
            f". {len(releases)} inject releases are marked on the top row; numbers refer to the timeline.")
    fig = fg.decision_timeline("fig-decisions", "Decision timeline", desc, [short_name(sc, w) for w in deciders],
                               played, [sc.time_of(t) for t in range(1, played + 1)], marks, rel)
    fig.group = "decisions"
    return fig


# -- entry point -------------------------------------------------------------------------------------

def build_report(live: Any, *, rows: list[Any] | None = None, verify: bool = True,
                 file_name: str | None = None) -> Report:
    """The report model of an open LiveSession (`exercise.live.LiveSession`); `rows` are its stored rows
    when the caller has read them already."""
    sc: CompiledScenario = live.scenario
    state: State = live.state
    rows = rows if rows is not None else live.store.read()
    verified = live.store.verify() if verify else None
    name = file_name if file_name is not None else Path(str(live.store.path)).name
    b = _Builder(sc, state, live.session, rows, live.store.meta, verified, name)
    overview = b.overview()
    objectives = b.objectives()
    obs_all = [b.obs(o) for o in b.observations]
    general = [o for o in obs_all if o.objective is None]
    hotwash = [o for o in obs_all if o.hotwash]
    ip = b.improvement_plan(objectives, general)
    return Report(
        title=f"After-action report: {sc.title}",
        generated=wall_stamp(rows[-1].wall if rows else None),
        overview=overview,
        summary=b.summary(overview, objectives, ip),
        objectives=objectives,
        general=general,
        hotwash=hotwash,
        improvement_plan=ip,
        timeline=b.timeline(),
        figures=build_figures(sc, state),
        participants=b.participants(overview),
        msel=b.msel(),
        digest=b.digest(),
    )


def msel_played(live: Any) -> list[MselPlayed]:
    """The MSEL as played (every inject, its release and the decisions on it) of an open LiveSession."""
    return _Builder(live.scenario, live.state, live.session, [], {}, None, "").msel()


def _register() -> None:
    from .render import register_data_types

    register_data_types(EvidenceItem, ObsView, DecisionView, InjectEvidence, ObjectiveSection, IPRow, StateRow,
                        MoveView, NotTakenView, TimelineRow, TurnBlock, NationRow, OrgRow, MselPlayed, Digest,
                        Overview, Summary, Participants)


_register()
