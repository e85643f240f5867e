"""The report's sections and the rows in them: plain data classes that the templates and the DOCX writer
lay out. The report model (`model.py`) fills them; nothing here computes anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..engine import views
from . import figures as fg
from .region_map import RegionMapView


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
    option: str  # the decision (or the vote) in the engine's words: 'deadline passed, default taken: Wait'
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
    ratings_note: str = ""  # the ratings noted in words (`wording.ratings_noted`)


@dataclass
class IPRow:
    number: int
    objective: str
    capability: str
    issue: str
    rating: str | None
    action: str  # the corrective actions, one a line ('To be determined' when the log shows nothing to act on)
    recommendation: str  # what the actions are drawn from: 'drawn from events #12, #15' ('' when nothing)
    responsible: str
    responsible_suggested: bool
    poc: str
    start: str
    completion: str
    source: str
    element: str = ""  # the capability element: Planning, Organisation, Equipment, Training, Exercises
    element_note: str = ""  # where it comes from: 'suggested', 'to be determined by the planning team'…
    root_cause: str = ""
    root_cause_note: str = ""  # 'noted in event #12', 'no observation names a cause'…
    key: int = 0  # the observation's event number: how a row of the plan sheet finds its row again
    actions: list[str] = field(default_factory=list)
    filled: bool = False  # owner, contact or dates came from the planning team's sheet


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
    rows: Iterable[TimelineRow]  # a long log's are made as they are read (`record.Timeline`): read them once


@dataclass
class NationRow:
    id: str
    name: str
    player: str  # people or a bot, in the engine's words
    capabilities: str
    decisions: int
    votes: int
    defaults: int
    messages: int
    played_by: str = ""  # 'Cdr. Ada Lovelace (people)': who was named at set-up, else `player` alone


@dataclass
class NationResult:
    """A nation's own result against its brief, in the engine's words (`engine.outcomes`), made safe to show."""
    nation: str  # the nation's id
    name: str
    title: str  # the outcome's title ('no result reached' where none of its outcomes holds)
    text: str  # the outcome's text as rendered for that nation ('' when it has none)
    reached: bool  # one of its outcomes holds


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
    delivery: str = ""  # its kind, sender and recipients, and whether the schedule or control released it
    text: str = ""  # the inject's text as released (control's words); '' when it was not released
    variants: list[tuple[str, str]] = field(default_factory=list)  # (nation, text) where a nation read other words
    notes: list[str] = field(default_factory=list)  # the evaluators' observations that cite it


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
    verified: bool | None  # what `tabletop verify` says of the whole file (chain and copy); None when not checked
    verify_message: str
    scenario_hash: str
    snapshot_hash: str
    hash_matches: bool
    chain_verified: bool | None = None  # the hash chain alone
    chain_message: str = "not checked"
    copy_verified: bool | None = None  # the scenario copy stored beside the log, against the log's start
    copy_message: str = "not checked"


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
    # HSEEP's exercise facts, (label, value) in the order the overview gives them; '' where the scenario says
    # nothing (shown as not stated, so the reader sees what is missing)
    facts: list[tuple[str, str]] = field(default_factory=list)
    # Each nation's own result (how its government fared by its brief), beside the coalition's ending; empty
    # when the scenario gives its nations no outcomes
    results: list[NationResult] = field(default_factory=list)
    results_note: str = ""  # what the results are (`wording.results_note`)


@dataclass
class Summary:
    paragraphs: list[str]
    counts: list[tuple[str, int]]
    state: list[StateRow]
    moves: list[MoveView]
    not_taken: list[NotTakenView]
    change_legend: str = ""  # what '+8' and 'better' mean (`words.CHANGE_LEGEND`), under each table of changes


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
    timeline: Iterable[TurnBlock]  # `record.Timeline`: each block's rows read before the next block
    figures: list[fg.Figure]
    participants: Participants
    msel: list[MselPlayed]
    digest: Digest
    # What the reader must know before trusting the rest (a changed scenario copy, a broken chain): shown first,
    # above everything, in every format.
    warnings: list[str] = field(default_factory=list)
    plan_intro: str = ""  # what the improvement plan's columns are and where they come from (`plan.intro`)
    rating_words: dict[str, str] = field(default_factory=lambda: dict(views.RATING_WORDS))
    region_map: RegionMapView | None = None  # the scenario's map, when it ships one (`region_map.py`)

    def figures_in(self, group: str) -> list[fg.Figure]:
        return [f for f in self.figures if f.group == group]


def _register() -> None:
    # Registered where they are defined, so that any importer of these classes gets the templates' fast
    # path (`render.ReportSandbox`).
    from .render import register_data_types

    register_data_types(EvidenceItem, ObsView, DecisionView, InjectEvidence, ObjectiveSection, IPRow, StateRow,
                        MoveView, NotTakenView, TimelineRow, TurnBlock, NationRow, NationResult, OrgRow, MselPlayed,
                        Digest, Overview, Summary, Participants)


_register()
