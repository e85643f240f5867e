"""The improvement plan's rows: each area for improvement with a capability element, a root cause and corrective
actions drawn from what the log shows happened on it (deadlines missed, slow or split decisions, partners who
did not talk), never a stock sentence. Everything here is a suggestion the planning team confirms or replaces
(in the plan sheet, `plan_sheet.py`); what it cannot know it says is to be determined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine import analysis, words
from ..engine.events import DecisionTaken, InjectReleased, MessageSent, VoteCast
from .outside import line, part
from .sections import IPRow, ObsView

if TYPE_CHECKING:
    from .model import _Builder

TO_BE_ASSIGNED = "To be assigned"
TO_BE_SET = "To be set"
TO_BE_DETERMINED = "To be determined"

# HSEEP's capability elements (POETE), in the order HSEEP lists them.
ELEMENTS = ("Planning", "Organisation", "Equipment", "Training", "Exercises")

# Words in an observation (or its cause) that point at one element; checked in this order, first match wins.
_ELEMENT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Training", ("train", "skill", "knowledge", "unfamiliar", "did not know", "didn't know", "experience",
                  "understand")),
    ("Equipment", ("equipment", "system", "tool", "secure line", "secure channel", "radio", "software", "platform",
                   "network", "phone", "terminal")),
    ("Exercises", ("exercise", "rehears", "drill", "practi")),
    ("Organisation", ("authority", "mandate", "role", "responsib", "leader", "chain of command", "who decides",
                      "structure", "staff", "liaison", "bilateral")),
    ("Planning", ("plan", "procedure", "protocol", "agreement", "agreed", "policy", "schedule", "deadline",
                  "line to take", "common line")),
)
# A cause the observer wrote into the finding: 'because …', 'due to …'.
_CAUSE = re.compile(r"\b(?:because|due to|owing to|as a result of|since|for lack of|for want of)\b\s*(.+)",
                    re.IGNORECASE | re.DOTALL)


def intro(sheet: str | None = None) -> str:
    """The words above the plan: what its columns hold, where they come from, and how the team finishes it."""
    head = ("One row per area for improvement, prefilled from the log. The capability element (planning, "
            "organisation, equipment, training, exercises), the root cause and the corrective actions are drawn "
            "from the observations and from what the log shows happened on them (missed deadlines, split votes, "
            "slow decisions, partners who did not consult); each says where it comes from, and what the log "
            "cannot tell is marked to be determined.")
    if sheet:
        return f"{head} The planning team's sheet {part(sheet)} gave the rows it filled: owners, points of contact, " \
               "dates and any element, root cause or action it changed."
    return (f"{head} The planning team confirms or replaces each, and names the responsible organisation, the point "
            "of contact and the dates: tabletop report --plan PLAN.xlsx writes this plan as a sheet to fill in, "
            "and reads it back into the report once filled.")


@dataclass(frozen=True)
class Happened:
    """One thing the log shows on an area for improvement, and the corrective action it calls for."""

    element: str
    action: str
    seqs: tuple[int, ...]


def element_of(*texts: str) -> str | None:
    for text in texts:
        low = text.lower()
        for element, cues in _ELEMENT_WORDS:
            if any(c in low for c in cues):
                return element
    return None


def cause_in(text: str) -> str | None:
    """The cause an observer wrote into a finding ('… because the council had no agreed line'), or None."""
    m = _CAUSE.search(text)
    if m is None:
        return None
    cause = m.group(1).strip().rstrip(".;:,")
    return cause[:1].upper() + cause[1:] if len(cause) >= 8 else None


class PlanBuilder:
    """The improvement plan of one report, from the report model's builder (its names, words and log)."""

    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.latency = {lat.decided_seq: lat for lat in analysis.decision_latencies(b.state)}
        self.messages = [(e.seq, e.event) for e in b.live if isinstance(e.event, MessageSent)]
        self.released = {e.event.inject: e.seq for e in b.live if isinstance(e.event, InjectReleased)}

    def rows(self, sections: list[tuple[str, str, list[ObsView], list[ObsView]]],
             general: list[ObsView]) -> list[IPRow]:
        """`sections`: (objective id, capability, its areas for improvement, its other notes)."""
        out: list[IPRow] = []
        owners = analysis.most_involved(self.b.state)
        for oid, capability, improvements, notes in sections:
            owner = owners.get(oid)
            for o in improvements:
                out.append(self.row(len(out) + 1, oid, capability, o, notes, owner))
        for o in general:
            if o.category == "improvement":
                out.append(self.row(len(out) + 1, "", "(no objective)", o, [], None))
        return out

    def row(self, number: int, objective: str, capability: str, o: ObsView, notes: list[ObsView],
            owner: str | None) -> IPRow:
        b = self.b
        happened = self.happened(o)
        cause, cause_from = self.root_cause(o, notes)
        element = element_of(cause or "", o.text) or (happened[0].element if happened else None)
        actions = [h.action for h in happened][:3]
        seqs = sorted({s for h in happened[:3] for s in h.seqs})
        basis = ("suggested, drawn from events " + ", ".join(f"#{s}" for s in seqs)) if seqs else \
            "nothing in the log bears on it: for the planning team"
        source = ("Hot wash" if o.hotwash else f"Observation at {b.when(o.turn)}") + f", event #{o.seq}"
        return IPRow(
            number=number, objective=objective, capability=capability, issue=o.text, rating=o.rating,
            action="\n".join(actions) if actions else TO_BE_DETERMINED, recommendation=basis,
            responsible=b.name(owner) if owner else TO_BE_ASSIGNED, responsible_suggested=owner is not None,
            poc=TO_BE_ASSIGNED, start=TO_BE_SET, completion=TO_BE_SET, source=source,
            element=element or TO_BE_DETERMINED, element_note="suggested" if element else "for the planning team",
            root_cause=cause or TO_BE_DETERMINED,
            root_cause_note=cause_from or "no observation names a cause: for the planning team", key=o.seq,
            actions=actions)

    def root_cause(self, o: ObsView, notes: list[ObsView]) -> tuple[str | None, str]:
        """(cause, where it was noted): the finding's own 'because …', else a note on the same objective
        that names one; (None, '') when no observation gives a cause."""
        own = cause_in(o.text)
        if own:
            return own, f"noted in event #{o.seq}"
        for n in notes:
            found = cause_in(n.text)
            if found:
                return found, f"noted in event #{n.seq}"
        return None, ""

    # -- what happened ------------------------------------------------------------------------------------
    def happened(self, o: ObsView) -> list[Happened]:
        """What the log shows on the finding's evidence, most telling first: deadlines missed, split votes,
        partners who chose apart, slow decisions, partners who did not talk, and the expected action."""
        b, st = self.b, self.b.state
        decisions: dict[str, list[tuple[int, DecisionTaken]]] = {}
        votes: dict[tuple[str, str], list[tuple[int, VoteCast]]] = {}
        for item in o.evidence:
            ev = b.entry[item.seq].event
            if isinstance(ev, DecisionTaken):
                decisions.setdefault(ev.inject, []).append((item.seq, ev))
            elif isinstance(ev, VoteCast):
                votes.setdefault((ev.org, ev.inject), []).append((item.seq, ev))
        out: list[Happened] = []
        for inject, taken in decisions.items():
            title = b.inject_title(inject)
            for seq, ev in taken:
                if ev.by == "deadline":
                    label = b.option_label(inject, ev.option, ev.team)
                    out.append(Happened("Organisation", (
                        f"Name who in {part(b.name(ev.team))} decides on matters like “{title}”, and by when: at "
                        f"turn {b.turns[seq]} its deadline passed and the default “{label}” was taken (#{seq})."),
                        (seq,)))
        for (org, inject), cast in votes.items():
            chose = {ev.option for _, ev in cast}
            if len(chose) > 1:
                said = "; ".join(f"{part(b.name(ev.nation))}: {part(words.vote(st, ev))}" for _, ev in cast)
                out.append(Happened("Planning", (
                    f"Prepare {part(b.name(org))}'s position before it meets: on “{b.inject_title(inject)}” its "
                    f"members voted apart ({said})."), tuple(s for s, _ in cast)))
        for inject, taken in decisions.items():
            nations = [(s, ev) for s, ev in taken if ev.team in b.sc.nations and ev.by != "deadline"]
            if len({ev.option for _, ev in nations}) > 1:
                said = "; ".join(f"{part(b.name(ev.team))} chose “{b.option_label(inject, ev.option, ev.team)}”"
                                 for _, ev in nations)
                out.append(Happened("Planning", (
                    f"Agree a common line among the partners for “{b.inject_title(inject)}” before acting: "
                    f"{said}."), tuple(s for s, _ in nations)))
        for inject, taken in decisions.items():
            for seq, ev in taken:
                lat = self.latency.get(seq)
                if lat is not None and not lat.missed and lat.turns >= 1:
                    out.append(Happened("Organisation", (
                        f"Shorten {part(b.name(ev.team))}'s decision cycle: it decided on “{b.inject_title(inject)}” "
                        f"at turn {lat.decided_turn}, {lat.turns} turn{'s' if lat.turns != 1 else ''} after its "
                        f"release (#{seq})."), (lat.released_seq, seq)))
        for inject, taken in decisions.items():
            deciders = {ev.team for _, ev in taken if ev.team in b.sc.nations}
            rseq = self.released.get(inject)
            if len(deciders) < 2 or rseq is None:
                continue
            last = max(s for s, _ in taken)
            talked = any(rseq < s <= last and (m.sender in deciders and (
                "all" in m.to or any(t in deciders or t in b.sc.orgs for t in m.to))) for s, m in self.messages)
            if not talked:
                names = [part(b.name(n)) for n in sorted(deciders)]
                out.append(Happened("Planning", (
                    f"Agree when and how partners consult before deciding: between the release of "
                    f"“{b.inject_title(inject)}” (#{rseq}) and the decisions on it (to #{last}), no message passed "
                    f"between {', '.join(names[:-1])} and {names[-1]}."), (rseq, last)))
        if not out:
            for inject, taken in decisions.items():
                ci = b.sc.injects.get(inject)
                expected = line(ci.model.expected or "") if ci else ""
                if not expected:
                    continue
                said = "; ".join(f"{part(b.name(ev.team))}: {part(b.decided(inject, ev.team, ev.option))}"
                                 for _, ev in taken)
                out.append(Happened("Planning", (
                    f"Review the play of “{b.inject_title(inject)}” against what was expected "
                    f"(“{part(expected)}”): {said}."), tuple(s for s, _ in taken)))
        return out
