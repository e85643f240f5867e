"""The scenario format as pydantic models: what an author writes, checked field by field.

Every model forbids unknown fields, so a typo is an error with a position, never silently ignored.
Cross-references (ids, names in expressions) are checked later, in `compile.py`, where all files are known.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Nations, organisations, state variables and include parameters appear inside expressions,
# so they must be identifiers; everything else may use hyphens.
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Slug = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]
EffectValue = int | float | str
Effects = dict[str, EffectValue]

BOT_PROFILES = ("cautious", "cooperative", "self-interested", "hawkish", "random")
BotProfile = Literal["cautious", "cooperative", "self-interested", "hawkish", "random"]
InjectKind = Literal[
    "intelligence", "media", "cable", "event", "ultimatum", "request", "report", "social", "briefing"
]


class Model(BaseModel):
    # allow_inf_nan=False: a quoted 'nan' or a plain 1e999 (text to YAML 1.1) would become a float that no
    # comparison or sum survives; every number a scenario gives must be finite.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Objective(Model):
    """What the exercise tests (HSEEP: an objective mapped to a core capability)."""

    id: Slug
    text: str
    capability: str


class Clock(Model):
    """The scenario clock: facilitator-paced turns, each a fixed step of scenario time."""

    start: str = Field("D+0 06:00", description="scenario time of turn 1, as 'D+N HH:MM'")
    step: str = Field("6h", description="scenario time per turn: '30m', '6h', '1d'")
    turns: Annotated[int, Field(ge=1, le=200)] = 8


class BotSpec(Model):
    """How the computer plays a nation in solo play and simulation."""

    profile: BotProfile = "cautious"
    agenda: dict[str, float] = Field(
        default_factory=dict,
        description="extra weight the bot gives to state targets, e.g. {'support[self]': 2, cohesion: -1}",
    )


class NationOutcome(Model):
    """One result a nation may reach by the end, judged against its own brief: its goals and red lines."""

    id: Slug = Field(description="a name for this result, unique within the nation")
    title: str = Field(description="the result in a few words, shown in the debrief and the report")
    when: str | None = Field(
        None, description="an expression ('self' is this nation); the first outcome that holds is the nation's")
    text: str = Field("", description="what the result means for this nation, read at the end (a template)")


class Nation(Model):
    id: Ident
    name: str
    short: str | None = Field(None, description="a short name for tight screens")
    brief: str = Field("", description="agenda, red lines, domestic pressure: private to that team")
    capabilities: dict[str, Annotated[int, Field(ge=0, le=5)]] = Field(default_factory=dict)
    bot: BotSpec = Field(default_factory=BotSpec)
    outcomes: list[NationOutcome] = Field(
        default_factory=list,
        description="this nation's own result at the end, against its brief: the first whose 'when' holds "
                    "(one without 'when' must come last)")


class Organisation(Model):
    """A regional or alliance body: its members vote on injects addressed to it."""

    id: Ident
    name: str
    short: str | None = None
    brief: str = ""
    members: list[Ident] = Field(min_length=1)
    decides: Literal["consensus", "majority"] = "consensus"


class StateVar(Model):
    """A typed, bounded piece of state: global, one per nation, or one per ordered pair of nations."""

    per: Literal["global", "nation", "pair"] = "global"
    type: Literal["int", "float"] = "int"
    min: float = 0
    max: float = 100
    start: float = 50
    overrides: dict[str, float] = Field(
        default_factory=dict, description="start values for some nations ('norvia') or pairs ('norvia>kessland')"
    )
    label: str | None = None
    description: str = ""
    hidden: bool = Field(False, description="shown to control only, never on a team's screen")
    good: Literal["high", "low"] = Field("high", description="which way is better: 'low' for tension, casualties…")

    @model_validator(mode="after")
    def _bounds(self) -> StateVar:
        if self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g})")
        if not self.min <= self.start <= self.max:
            raise ValueError(f"start ({self.start:g}) is outside {self.min:g}..{self.max:g}")
        return self


class IncludeSpec(Model):
    """An inject library, adapted to this scenario by binding its parameters to nations."""

    path: str
    with_: dict[str, str] = Field(default_factory=dict, alias="with")
    prefix: str = Field("", description="prepended to every inject id, so one library can be included twice")
    objective: Slug | list[Slug] | None = Field(
        None, description="the including scenario's objective(s) for the library's injects that name none"
    )


class Outcome(Model):
    """One branch of a chance outcome: rolled once, logged, never re-rolled."""

    p: Annotated[float, Field(gt=0, le=1)]
    text: str = ""
    effects: Effects = Field(default_factory=dict)


class Option(Model):
    id: Slug
    label: str
    requires: str | None = Field(None, description="an expression; when false the option is shown but refused")
    unavailable: str | None = Field(None, description="why the option is refused, shown to the team")
    effects: Effects = Field(default_factory=dict)
    outcomes: list[Outcome] = Field(default_factory=list)
    text: str = Field("", description="what the team reads after choosing")


class Decision(Model):
    prompt: str | None = None
    deadline: int | str = Field("1 turn", description="'N turn(s)': after that the default is taken")
    options: list[Option] = Field(min_length=1)
    default: Slug | None = Field(None, description="the option taken when the deadline passes")


class Inject(Model):
    """A scripted event, message or request released to some nations at a point in the exercise."""

    id: Slug
    title: str | None = None
    at: int | str | None = Field(None, description="'turn N', N, or a scenario time 'D+1 06:00'")
    after: str | None = Field(None, description="'other-inject' or 'other-inject + N turn(s)'")
    when: str | None = Field(None, description="an expression; released at the first turn it holds")
    manual: bool = Field(False, description="released only by the facilitator")
    to: list[str] | str = Field("all", description="nation ids, organisation ids, 'all' or 'control'")
    from_: str = Field("Exercise Control", alias="from")
    kind: InjectKind = "event"
    objective: Slug | list[Slug] | None = None
    text: str
    expected: str | None = Field(None, description="the expected player action, for the MSEL and evaluators")
    effects: Effects = Field(default_factory=dict, description="applied when the inject is released")
    decision: Decision | None = None


class Ending(Model):
    id: Slug
    title: str
    when: str | None = Field(None, description="an expression; the first ending that holds is reached")
    early: bool = Field(False, description="checked at every turn, ending the exercise as soon as it holds")
    text: str = ""


class Step(Model):
    """One line of a transcript test or a `tabletop run` script: a command, as control or a team would give it."""

    team: Ident | None = None
    inject: Slug | None = None
    option: Slug | None = None
    rationale: str = "transcript"
    roll: Annotated[float, Field(ge=0, lt=1)] | None = None
    advance: Annotated[int, Field(ge=1, le=200)] | None = None
    release: Slug | None = None
    adjudicate: Effects | None = None
    reason: str = "transcript"
    message: str | None = Field(None, description="a message's text (sent by `team`, or by control)")
    to: list[str] | None = None
    text: str | None = Field(None, description="an observation's text")
    observe: Slug | None = None
    rating: Literal["P", "S", "M", "U"] | None = None
    kind: Literal["observation", "strength", "improvement", "hotwash"] = Field(
        "observation", description="what an `observe` step notes")
    pause: bool = False
    resume: bool = False
    retract: bool = False
    bots: bool = Field(False, description="let every bot nation take its pending decisions")
    end: bool = False


class Transcript(Model):
    name: str
    seed: int = 1
    play: list[Step] = Field(default_factory=list)
    expect: dict[str, Any] = Field(
        default_factory=dict, description="state targets ('cohesion', 'support[norvia]') or 'ending', 'turn'"
    )


class ExerciseFacts(Model):
    """What an after-action report's overview states about the exercise (HSEEP's exercise overview): all
    optional, written once near the top of a scenario."""

    scope: str = Field("", description="what the exercise covers and leaves out: level, duration, play")
    mission_areas: list[str] = Field(
        default_factory=list, alias="mission-areas",
        description="HSEEP mission areas exercised: Prevention, Protection, Mitigation, Response, Recovery")
    threat: str = Field("", description="the threat or hazard the scenario is built around")
    sponsor: str = Field("", description="the organisation that sponsors the exercise")
    contact: str = Field("", description="the exercise's point of contact: name, role, address")
    participating: list[str] = Field(
        default_factory=list,
        description="the organisations taking part (ministries, agencies), not the scenario's fictional nations")


class Scenario(Model):
    """A whole exercise: who plays, what state is tracked, what happens, how it ends."""

    ttx: Literal[1] = Field(description="format version")
    id: Slug
    title: str
    summary: str = ""
    brief: str = Field("", description="shown to everyone at the start")
    audience: str = ""
    duration: str | None = Field(None, description="estimated workshop length, e.g. '2h30m'")
    exercise: ExerciseFacts = Field(default_factory=ExerciseFacts,
                                    description="the exercise's facts for the report's overview")
    objectives: list[Objective] = Field(default_factory=list)
    clock: Clock = Field(default_factory=Clock)
    nations: list[Nation] = Field(min_length=1)
    organisations: list[Organisation] = Field(default_factory=list)
    state: dict[Ident, StateVar] = Field(default_factory=dict)
    include: list[str | IncludeSpec] = Field(default_factory=list)
    injects: list[Inject] = Field(default_factory=list)
    endings: list[Ending] = Field(min_length=1)
    tests: list[Transcript] = Field(default_factory=list)


class Library(Model):
    """A reusable inject library (`injects/...`), parameterised by nation."""

    ttx_library: Literal[1] = Field(alias="ttx-library", description="library format version")
    title: str = ""
    params: dict[Ident, str] = Field(
        default_factory=dict, description="parameter name -> what it stands for; bound to nation ids by `with:`"
    )
    names: dict[Ident, str] = Field(
        default_factory=dict,
        description="text parameters: name -> what it stands for (a ship, a cable, an exercise); bound to words by "
                    "`with:` and used in texts as {{ name }}, so no scenario's names are written into the library")
    requires_state: list[Ident] = Field(
        default_factory=list, alias="requires-state", description="state variables the including scenario must define"
    )
    include: list[str | IncludeSpec] = Field(default_factory=list)
    injects: list[Inject] = Field(default_factory=list)
