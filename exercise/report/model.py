"""The report model: everything an after-action report says, computed once from a session.

Built from a `LiveSession` through the shared read models (`engine.views`) and the analysis ones
(`engine.analysis`); the templates and the DOCX writer only lay it out. Nothing here reads the clock:
the report is dated by the session's last event, so the same log always gives the same report.

This module builds the overview, the summary, the objectives, the improvement plan and the MSEL as
played; the data classes are in `sections`, the timeline and the appendices in `record`, the figures in
`charts`, the wording of numbers and names in `wording`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import analysis, chronology, views, words
from ..engine.compile import CompiledScenario
from ..engine.events import DecisionTaken, Event, MessageSent, VoteCast
from ..engine.outcomes import national_results
from ..engine.session import Session
from ..engine.state import BySeq, State
from ..engine.text import reflow
from ..store import LogFacts
from . import record
from .charts import build_figures
from .outside import block, guard_tree, line, part, sentence
from .plan import intro as plan_intro
from .region_map import region_map_view
from .sections import (
    DecisionView,
    EvidenceItem,
    InjectEvidence,
    IPRow,
    MoveView,
    MselPlayed,
    NationResult,
    NationRow,
    NotTakenView,
    ObjectiveSection,
    ObsView,
    OrgRow,
    Overview,
    Report,
    StateRow,
    Summary,
)
from .wording import (
    change_words,
    delta,
    duration,
    join_words,
    key_label,
    num,
    player_tag_words,
    player_words,
    plural,
    ratings_noted,
    results_note,
    step_words,
    wall_clock,
    wall_date,
    wall_stamp,
)

if TYPE_CHECKING:
    from ..live import LiveSession


class _Builder:
    def __init__(self, sc: CompiledScenario, state: State, session: Session, facts: LogFacts) -> None:
        self.sc, self.state, self.session = sc, state, session
        self.log_facts = facts
        self.turns = analysis.turns_by_seq(state)
        self.entry = BySeq(state.log)
        self.live = state.live_entries()
        self.observations = analysis.observations(state)
        self._obs: dict[int, ObsView] = {}
        self.ended_seq = next((e.seq for e in self.live if type(e.event).__name__ == "SessionEnded"), None)
        self.step_text = step_words(sc.step_minutes)

    # names and texts
    # names and texts: outside text enters the model here, shown on one line (see outside.py)
    def when(self, turn: int) -> str:
        return f"turn {turn} ({self.sc.time_of(turn)})"

    def name(self, who: str) -> str:
        return line(self.sc.name_of(who))

    def inject_title(self, inject_id: str) -> str:
        return line(views.words_of(self.state, inject_id).title)

    def option_label(self, inject_id: str, option: str | None, reader: str | None = None) -> str:
        """An option in the words `reader` (the nation or organisation that took it) was shown: those stored at
        release, never the scenario's template."""
        if option is None or option == "":
            return "no decision"
        said = views.words_of(self.state, inject_id, reader).options.get(option)
        return line(said.label if said is not None else option)

    def decided(self, inject_id: str, team: str, option: str | None) -> str:
        """A decision in the engine's words: 'deadline passed, default taken: Wait', 'Share now (bot, cautious)'."""
        said = words.decision_of(self.state, inject_id, team)
        return sentence(said.line) if said is not None else self.option_label(inject_id, option, team)

    def evidence(self, seq: int) -> EvidenceItem:
        e = self.entry[seq]
        ev = e.event
        rationale = _own_rationale(ev)
        turn = self.turns[seq]
        said = sentence(views.describe(self.sc, ev, state=self.state))
        return EvidenceItem(seq, turn, self.sc.time_of(turn), said, rationale)

    def obs(self, o: analysis.Observation) -> ObsView:
        if o.seq in self._obs:
            return self._obs[o.seq]
        caps = {x.id: line(x.capability) for x in self.sc.model.objectives}
        view = self._obs[o.seq] = ObsView(
            seq=o.seq, turn=o.turn, time=self.sc.time_of(o.turn), wall=wall_clock(o.at), objective=o.objective,
            capability=caps.get(o.objective or "", ""), rating=o.rating,
            rating_words=views.RATING_WORDS.get(o.rating or "", ""), kind=o.kind, category=o.category,
            text=block(o.text), by=self.name(o.by), hotwash=o.hotwash, evidence=[self.evidence(s) for s in o.evidence])
        return view

    # sections
    def overview(self) -> Overview:
        sc, st = self.sc, self.state
        started = st.started
        first = self.log_facts.first_wall or None
        last = self.log_facts.last_wall or None
        d1, d2 = wall_date(first), wall_date(last)
        dates = f"{d1}, {wall_clock(first)}–{wall_clock(last)} UTC" if d1 == d2 else \
            f"{d1} {wall_clock(first)} – {d2} {wall_clock(last)} UTC"
        played = max(st.turn, 1)
        span = f"{sc.time_of(1)} to {sc.time_of(played)}: turn 1 to {played} of {sc.turns}, {self.step_text} a turn"
        # The ending as the session ended with it: its text rendered then and stored in the log.
        ending_title, ending_text = views.ending_words(st) if st.ended else ("the session has not ended", "")
        caps: list[str] = []
        for o in sc.model.objectives:
            if line(o.capability) not in caps:
                caps.append(line(o.capability))
        return Overview(
            title=line(sc.title), scenario_id=sc.id, scenario_title=line(sc.title),
            summary=block(sc.model.summary.strip()),
            scenario_hash=started.scenario_hash if started else sc.hash, dates=dates, start=wall_stamp(first),
            end=wall_stamp(last), duration=duration(analysis.seconds_between(first, last)), span=span,
            turns_played=played, turns=sc.turns, step=self.step_text, mode=started.mode if started else "",
            seed=st.seed, facilitator=line(started.facilitator) if started else "Exercise Control",
            objectives=[(o.id, line(o.text), line(o.capability)) for o in sc.model.objectives], capabilities=caps,
            nations=self.nation_rows(), organisations=self.org_rows(),
            ending_id=st.ended.ending if st.ended else None,
            ending_title=line(ending_title), ending_text=block(ending_text.strip()), ended=st.ended is not None,
            facts=self.facts(), results=self.results(), results_note=results_note(st.ended is not None))

    def results(self) -> list[NationResult]:
        return [NationResult(r.nation, line(r.name), line(r.title), block(reflow(r.text)), r.outcome is not None)
                for r in national_results(self.state)]

    def facts(self) -> list[tuple[str, str]]:
        f = self.sc.model.exercise
        return [("Scope", block(f.scope.strip())),
                ("Mission areas", ", ".join(part(a) for a in f.mission_areas)),
                ("Threat or hazard", block(f.threat.strip())),
                ("Sponsor", line(f.sponsor)),
                ("Point of contact", line(f.contact)),
                ("Participating organisations", "; ".join(part(o) for o in f.participating))]

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
        players = st.started.players if st.started else {}
        out = []
        for nid, nat in self.sc.nations.items():
            caps = ", ".join(f"{part(c)} {v}" for c, v in nat.capabilities.items())
            out.append(NationRow(nid, line(nat.name), line(player_words(teams.get(nid, "human"))), caps,
                                 counts.get((nid, "decisions"), 0), counts.get((nid, "votes"), 0),
                                 counts.get((nid, "defaults"), 0), counts.get((nid, "messages"), 0),
                                 _played_by(line(players.get(nid, "")), teams.get(nid, "human"))))
        return out

    def org_rows(self) -> list[OrgRow]:
        st = self.state
        out = []
        for oid, org in self.sc.orgs.items():
            decided = sum(1 for (inj, who) in st.chosen if who == oid)
            out.append(OrgRow(oid, line(org.name), ", ".join(part(self.sc.name_of(m)) for m in org.members),
                              org.decides, decided))
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
            judgement = words.judgement(sc, key, d)
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
        teams = st.started.teams if st.started else {}
        humans = [part(n.name) for n in overview.nations if teams.get(n.id, "human") == "human"]
        bots = [f"{part(n.name)} ({part(teams[n.id][4:])})" for n in overview.nations
                if teams.get(n.id, "").startswith("bot:")]
        paras = []
        who = []
        if humans:
            who.append("played by people: " + join_words(humans))
        if bots:
            who.append("played by the computer: " + join_words(bots))
        paras.append(
            f"{part(sc.title)} was played on {overview.dates} ({overview.duration} of play), in {overview.mode} mode "
            f"with seed {overview.seed}; {'; '.join(who)}. {part(overview.facilitator)} ran the exercise as control.")
        decided = c.get("team decisions", 0) + c.get("bot decisions", 0)
        paras.append(
            f"The session covered {overview.span}. {plural(c.get('InjectReleased', 0), 'inject')} "
            f"{'was' if c.get('InjectReleased', 0) == 1 else 'were'} released; teams took "
            f"{plural(decided, 'decision')} and cast {plural(c.get('votes', 0), 'vote')}; "
            f"{plural(c.get('defaults', 0), 'deadline')} passed with the default taken; "
            f"{plural(c.get('MessageSent', 0), 'message')} {'was' if c.get('MessageSent', 0) == 1 else 'were'} "
            f"exchanged and control made {plural(c.get('Adjudicated', 0), 'adjudication')}.")
        if st.ended is not None:
            paras.append(f"The exercise ended at turn {st.ended.turn} with the outcome “{part(overview.ending_title)}”."
                         + (f" {part(overview.ending_text)}" if overview.ending_text else ""))
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
            moves.append(MoveView(self.name(mv.team), self.inject_title(mv.inject),
                                  self.decided(mv.inject, mv.team, mv.option), mv.turn, sc.time_of(mv.turn),
                                  change_words(sc, mv.changes)))
        nt = []
        for p in sorted(views.paths_not_taken(st), key=lambda p: st.decided_seq.get((p.inject, p.team), 0)):
            nt.append(NotTakenView(self.name(p.team), self.inject_title(p.inject),
                                   self.decided(p.inject, p.team, p.chosen),
                                   [line(label) for _, label in p.others]))
        return Summary([" ".join(p.split()) for p in paras], counts, self.state_rows(), moves, nt,
                       words.CHANGE_LEGEND)

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
                        decisions.append(DecisionView(seq, t, sc.time_of(t), self.name(e.nation),
                                                      sentence(words.vote(st, e)), e.by, _own_rationale(e), True))
                    elif isinstance(e, DecisionTaken):
                        decisions.append(DecisionView(seq, t, sc.time_of(t), self.name(e.team),
                                                      sentence(words.decision(st, e).line), e.by,
                                                      _own_rationale(e)))
                ci = sc.injects.get(inject_id)
                injects.append(InjectEvidence(
                    line(inject_id), self.inject_title(inject_id),
                    self.when(rturn) if rturn is not None else "not released",
                    block((ci.model.expected or "").strip()) if ci else "", decisions))
            ratings = [(self.when(self.turns[s]) + (" (hot wash)" if self._after_end(s) else ""), r)
                       for s, r in ev_.ratings]
            obs = [self.obs(o) for o in ev_.observations]
            out.append(ObjectiveSection(
                ev_.id, block(ev_.text), line(ev_.capability), ev_.rating,
                views.RATING_WORDS.get(ev_.rating or "", "Not rated"), ratings,
                [o for o in obs if o.category == "strength"], [o for o in obs if o.category == "improvement"],
                [o for o in obs if o.category == "note"], injects, ratings_noted(ratings)))
        return out

    def _after_end(self, seq: int) -> bool:
        return self.ended_seq is not None and seq > self.ended_seq

    def improvement_plan(self, objectives: list[ObjectiveSection], general: list[ObsView]) -> list[IPRow]:
        from .plan import PlanBuilder

        return PlanBuilder(self).rows([(sec.id, sec.capability, sec.improvements, sec.notes)
                                       for sec in objectives], general)

    def msel(self) -> list[MselPlayed]:
        from .msel_appendix import msel

        return msel(self)


def _played_by(named: str, who: str) -> str:
    """'Cdr. Ada Lovelace (bot, hawkish)': who was named at set-up, with how the nation was played; else how."""
    # `part`: a right-to-left name would otherwise pull '(bot, cautious)' to its left.
    return f"{part(named)} ({line(player_tag_words(who))})" if named else line(player_words(who))


def _own_rationale(ev: Event) -> str:
    """A decision's or vote's rationale when a person gave it; a bot's, a deadline's or an organisation's note
    says nothing the decision's own words do not (`chronology.own_rationale`)."""
    if isinstance(ev, (DecisionTaken, VoteCast)) and ev.by != "bot":
        return block(chronology.own_rationale(ev))
    return ""


def build_report(live: LiveSession, *, facts: LogFacts | None = None, verify: bool = True,
                 file_name: str | None = None) -> Report:
    """The report model of an open LiveSession (`exercise.live.LiveSession`); `facts` are what its stored rows
    say, when the caller has read them already (`LiveSession.open_with_facts`)."""
    sc: CompiledScenario = live.scenario
    state: State = live.state
    facts = facts if facts is not None else LogFacts.of(live.store.read())
    verified = live.verify() if verify else None  # the file, its hash chain and its stored scenario copy
    name = file_name if file_name is not None else live.store.path.name  # a file's name, or a session's
    b = _Builder(sc, state, live.session, facts)
    overview = b.overview()
    objectives = b.objectives()
    obs_all = [b.obs(o) for o in b.observations]
    general = [o for o in obs_all if o.objective is None]
    hotwash = [o for o in obs_all if o.hotwash]
    ip = b.improvement_plan(objectives, general)
    report = Report(
        title=f"After-action report: {part(sc.title)}",
        generated=wall_stamp(facts.last_wall or None),
        overview=overview,
        summary=b.summary(overview, objectives, ip),
        objectives=objectives,
        general=general,
        hotwash=hotwash,
        improvement_plan=ip,
        timeline=record.timeline(sc, state),
        figures=build_figures(sc, state),
        participants=record.participants(state, b.live, overview),
        msel=b.msel(),
        digest=record.digest(sc, state, facts, b.live, verified, line(name)),
        warnings=record.warnings(verified, live.copy_problems, line(name)),
        plan_intro=plan_intro(),
        region_map=region_map_view(sc),
    )
    guard_tree(report)
    return report


def msel_played(live: LiveSession) -> list[MselPlayed]:
    """The MSEL as played (every inject, its release and the decisions on it) of an open LiveSession."""
    rows = _Builder(live.scenario, live.state, live.session, LogFacts()).msel()
    for row in rows:
        guard_tree(row)
    return rows
