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

    id: Slug = Field(description="the objective's id, named by injects' `objective` and by observations")
    text: str = Field(description="what the exercise tests, as one sentence an evaluator can rate (P, S, M, U)")
    capability: str = Field(
        description="the core capability it exercises (HSEEP), e.g. 'Intelligence and Information Sharing'")


class Clock(Model):
    """The scenario clock: facilitator-paced turns, each a fixed step of scenario time."""

    start: str = Field("D+0 06:00", description="scenario time of turn 1, as 'D+N HH:MM'")
    step: str = Field("6h", description="scenario time per turn: '30m', '6h', '1d'")
    turns: Annotated[int, Field(ge=1, le=200)] = Field(
        8, description="the number of turns (1 to 200); the exercise ends after the last")


class BotSpec(Model):
    """How the computer plays a nation in solo play and simulation."""

    profile: BotProfile = Field(
        "cautious", description="the computer's style of play: cautious, cooperative, self-interested, hawkish or "
                                "random")
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
    id: Ident = Field(description="the nation's id (lower case, digits and '_'): the name expressions and `to:` use")
    name: str = Field(description="the nation's full name ('Kingdom of Norvald')")
    short: str | None = Field(None, description="a short name for tight screens")
    brief: str = Field("", description="agenda, red lines, domestic pressure: private to that team")
    capabilities: dict[str, Annotated[int, Field(ge=0, le=5)]] = Field(
        default_factory=dict, description="what the nation can bring, each 0 to 5 ({cyber: 3, naval: 1}); expressions "
                                          "read them as cap(nation, 'cyber')")
    bot: BotSpec = Field(
        default_factory=BotSpec, description="how the computer plays this nation in solo play and simulation")
    outcomes: list[NationOutcome] = Field(
        default_factory=list,
        description="this nation's own result at the end, against its brief: the first whose 'when' holds "
                    "(one without 'when' must come last)")


class Organisation(Model):
    """A regional or alliance body: its members vote on injects addressed to it."""

    id: Ident = Field(description="the organisation's id, used in `to:` and in `members`-style expressions")
    name: str = Field(description="the organisation's full name")
    short: str | None = Field(None, description="a short name for tight screens")
    brief: str = Field("", description="what the organisation is and how it decides, read by its members")
    members: list[Ident] = Field(min_length=1, description="the nation ids that belong to it and vote on its injects")
    decides: Literal["consensus", "majority"] = Field(
        "consensus", description="how a vote is carried: consensus (every member the same option) or majority (more "
                                 "than half)")


class StateVar(Model):
    """A typed, bounded piece of state: global, one per nation, or one per ordered pair of nations."""

    per: Literal["global", "nation", "pair"] = Field(
        "global", description="global (one value), nation (one per nation: support[norvia]) or pair (one per ordered "
                              "pair: trust[a][b])")
    type: Literal["int", "float"] = Field("int", description="int (whole numbers, rounded after each change) or float")
    min: float = Field(0, description="the lowest value: changes stop here")
    max: float = Field(100, description="the highest value: changes stop here")
    start: float = Field(
        50, description="the value at the start (per-nation and per-pair variables: for each, unless `overrides` says "
                        "otherwise)")
    overrides: dict[str, float] = Field(
        default_factory=dict, description="start values for some nations ('norvia') or pairs ('norvia>kessland')"
    )
    label: str | None = Field(
        None, description="the value's name on screens and in the report ('Public support at home')")
    description: str = Field("", description="what the value measures, shown on the state panel and in the report")
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

    path: str = Field(
        description="the library file, relative to this file (or under a library root: the bundled injects/, "
                    "--library-path)")
    with_: dict[str, str] = Field(
        default_factory=dict, alias="with",
        description="binds the library's parameters: each nation parameter to a nation or organisation id, each text "
                    "parameter (`names:`) to words")
    prefix: str = Field("", description="prepended to every inject id, so one library can be included twice")
    objective: Slug | list[Slug] | None = Field(
        None, description="the including scenario's objective(s) for the library's injects that name none"
    )


class Outcome(Model):
    """One branch of a chance outcome: rolled once, logged, never re-rolled."""

    p: Annotated[float, Field(gt=0, le=1)] = Field(description="the branch's probability (above 0, at most 1)")
    text: str = Field("", description="what the team reads when this branch is rolled (a template)")
    effects: Effects = Field(
        default_factory=dict, description="what this branch changes, on top of the option's own effects")


class Option(Model):
    id: Slug = Field(description="the option's id, unique within its decision; chose('inject', 'option') tests it")
    label: str = Field(description="the option as the team reads it in the decision panel (a template)")
    requires: str | None = Field(None, description="an expression; when false the option is shown but refused")
    unavailable: str | None = Field(None, description="why the option is refused, shown to the team")
    effects: Effects = Field(
        default_factory=dict, description="what choosing it changes: target -> amount ('+5', -3, or an expression); "
                                          "applied once, when decided")
    outcomes: list[Outcome] = Field(
        default_factory=list, description="chance branches rolled once when the option is chosen; their p must add up "
                                          "to 1")
    text: str = Field("", description="what the team reads after choosing")


class Decision(Model):
    prompt: str | None = Field(None, description="the question put to the team above the options (a template)")
    deadline: int | str = Field("1 turn", description="'N turn(s)': after that the default is taken")
    options: list[Option] = Field(min_length=1, description="the choices the team has: at least one")
    default: Slug | None = Field(None, description="the option taken when the deadline passes")


class Inject(Model):
    """A scripted event, message or request released to some nations at a point in the exercise."""

    id: Slug = Field(
        description="the inject's id, unique in the scenario once prefixed; expressions name it in released(), "
                    "decided(), chose()")
    title: str | None = Field(
        None, description="a short title for the inbox and the MSEL (a template); without it the text's first line is "
                          "used")
    at: int | str | None = Field(None, description="'turn N', N, or a scenario time 'D+1 06:00'")
    after: str | None = Field(None, description="'other-inject' or 'other-inject + N turn(s)'")
    when: str | None = Field(None, description="an expression; released at the first turn it holds")
    manual: bool = Field(False, description="released only by the facilitator")
    to: list[str] | str = Field("all", description="nation ids, organisation ids, 'all' or 'control'")
    from_: str = Field(
        "Exercise Control", alias="from", description="who the inject comes from, as the team reads it ('Ministry of "
                                                      "Defence'; a template)")
    kind: InjectKind = Field(
        "event", description="what sort of message it is: intelligence, media, cable, event, ultimatum, request, "
                             "report, social or briefing")
    objective: Slug | list[Slug] | None = Field(
        None, description="the objective id(s) the inject tests, for the MSEL and the evaluator")
    text: str = Field(description="what the recipients read (a template: {{ nation.name }}, {% if %}...)")
    expected: str | None = Field(None, description="the expected player action, for the MSEL and evaluators")
    effects: Effects = Field(default_factory=dict, description="applied when the inject is released")
    decision: Decision | None = Field(
        None, description="the decision the inject asks for, with its options, deadline and default")


class Ending(Model):
    id: Slug = Field(description="the ending's id, as transcripts and `chose`-style tests name it")
    title: str = Field(description="the ending in a few words, shown in the debrief and the report")
    when: str | None = Field(None, description="an expression; the first ending that holds is reached")
    early: bool = Field(False, description="checked at every turn, ending the exercise as soon as it holds")
    text: str = Field("", description="what the ending means, read by every team at the end (a template; no `nation`)")


class Step(Model):
    """One line of a transcript test or a `tabletop run` script: a command, as control or a team would give it."""

    team: Ident | None = Field(
        None, description="the nation giving the step (for a decision or a message); control when absent")
    inject: Slug | None = Field(None, description="the inject a decision is taken on")
    option: Slug | None = Field(None, description="the option chosen (with `team` and `inject`)")
    rationale: str = Field("transcript", description="why the team decided so, as a team would type it")
    roll: Annotated[float, Field(ge=0, lt=1)] | None = Field(
        None, description="the chance roll to use (0 to 1, below 1), instead of the seed's")
    advance: Annotated[int, Field(ge=1, le=200)] | None = Field(None, description="move the clock on this many turns")
    release: Slug | None = Field(None, description="release this (manual) inject now, as control")
    adjudicate: Effects | None = Field(
        None, description="control changes state values: target -> amount ('+5', -3) or '=40' to set")
    reason: str = Field("transcript", description="control's reason for an adjudication, a pause or an end")
    message: str | None = Field(None, description="a message's text (sent by `team`, or by control)")
    to: list[str] | None = Field(None, description="who a message goes to: nation or organisation ids, or 'all'")
    text: str | None = Field(None, description="an observation's text")
    observe: Slug | None = Field(None, description="the objective an observation is noted against")
    rating: Literal["P", "S", "M", "U"] | None = Field(
        None, description="an observation's rating: P, S, M or U (HSEEP)")
    kind: Literal["observation", "strength", "improvement", "hotwash"] = Field(
        "observation", description="what an `observe` step notes")
    pause: bool = Field(False, description="pause the exercise")
    resume: bool = Field(False, description="resume the exercise")
    retract: bool = Field(False, description="retract the last event (an event that says so; nothing is deleted)")
    bots: bool = Field(False, description="let every bot nation take its pending decisions")
    end: bool = Field(False, description="end the exercise now")


class Transcript(Model):
    name: str = Field(description="what the transcript shows, printed by `tabletop test`")
    seed: int = Field(1, description="the seed the session starts with (chance rolls and bots follow it)")
    play: list[Step] = Field(default_factory=list, description="the steps, in order")
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


MAP_TEXT_COLUMNS = 74  # the Brief tab of an 80-column terminal, inside its padding and scroll bar
MAP_TEXT_LINES = 40


class RegionMap(Model):
    """The region the exercise plays in: a picture for the guide and the report, a drawing in text for the
    team consoles."""

    image: str | None = Field(
        None, description="an SVG picture of the region, a file in the scenario's folder ('region.svg'): shown in "
                          "the report and linked from the guide; checked, never run (no scripts, no outside links)")
    caption: str = Field("", description="one line under the picture: what it shows")
    text: str = Field(
        "", description=f"the region drawn in text (at most {MAP_TEXT_COLUMNS} characters by {MAP_TEXT_LINES} "
                        "lines, spaces not tabs), shown as it is written on every team's Brief tab")

    @model_validator(mode="after")
    def _fits(self) -> RegionMap:
        lines = self.text.rstrip("\n").split("\n")
        if len(lines) > MAP_TEXT_LINES:
            raise ValueError(f"the text map has {len(lines)} lines; at most {MAP_TEXT_LINES} fit the Brief tab")
        for n, line in enumerate(lines, 1):
            if "\t" in line:
                raise ValueError(f"line {n} of the text map holds a tab: draw with spaces, so columns line up")
            if len(line) > MAP_TEXT_COLUMNS:
                raise ValueError(f"line {n} of the text map is {len(line)} characters wide; at most "
                                 f"{MAP_TEXT_COLUMNS} fit the Brief tab of an 80-column terminal")
        return self


class Scenario(Model):
    """A whole exercise: who plays, what state is tracked, what happens, how it ends."""

    ttx: Literal[1] = Field(description="format version")
    id: Slug = Field(
        description="the scenario's id: letters, digits, '-', '_' and '.'; names it on the command line ('tabletop "
                    "play northern-shield')")
    title: str = Field(description="the scenario's name, shown in the launcher, the console's header and the report")
    summary: str = Field("", description="two or three sentences on what the exercise is about, shown in the launcher")
    brief: str = Field("", description="shown to everyone at the start")
    audience: str = Field(
        "", description="who the exercise is written for (shown in the launcher and the facilitator guide)")
    duration: str | None = Field(None, description="estimated workshop length, e.g. '2h30m'")
    exercise: ExerciseFacts = Field(default_factory=ExerciseFacts,
                                    description="the exercise's facts for the report's overview")
    region_map: RegionMap | None = Field(
        None, alias="map", description="the region: an SVG picture for the report and a text drawing for the "
                                       "team consoles' Brief tab")
    objectives: list[Objective] = Field(
        default_factory=list, description="what the exercise tests: each objective names a core capability (HSEEP); "
                                          "injects and observations refer to them")
    clock: Clock = Field(
        default_factory=Clock, description="the scenario clock: when turn 1 is, how much scenario time a turn is, how "
                                           "many turns")
    nations: list[Nation] = Field(
        min_length=1, description="the partner nations the teams (or bots) play: at least one")
    organisations: list[Organisation] = Field(
        default_factory=list, description="bodies whose members vote on the injects addressed to them (consensus or "
                                          "majority)")
    state: dict[Ident, StateVar] = Field(
        default_factory=dict, description="the values choices move: name -> a typed, bounded variable, global, per "
                                          "nation or per pair of nations")
    include: list[str | IncludeSpec] = Field(
        default_factory=list, description="inject libraries to include: a path, or {path, with, prefix, objective} to "
                                          "bind its parameters")
    injects: list[Inject] = Field(
        default_factory=list, description="the scenario's own injects (those of its libraries come in by `include`)")
    endings: list[Ending] = Field(
        min_length=1, description="how the exercise can end: the first whose `when` holds is reached; the last, with "
                                  "no `when`, is the fallback")
    tests: list[Transcript] = Field(
        default_factory=list, description="transcript tests run by `tabletop test`: steps as teams and control would "
                                          "give them, and the state expected")


class Library(Model):
    """A reusable inject library (`injects/...`), parameterised by nation."""

    ttx_library: Literal[1] = Field(alias="ttx-library", description="library format version")
    title: str = Field("", description="the library's name, shown in `tabletop validate` and the docs")
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
    include: list[str | IncludeSpec] = Field(
        default_factory=list, description="other libraries this one includes, bound with this library's parameters")
    injects: list[Inject] = Field(
        default_factory=list, description="the library's injects; their ids are prefixed by the including scenario's "
                                          "`prefix`")
