"""What happened in a session: small, typed, frozen, versioned events. A session is a list of them.

Events record facts, including every random draw, so a replay never rolls again. `cause` ties an event
to the one that brought it about (an inject released by a clock advance, an outcome by its decision), so
retracting an event retracts its consequences with it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

Rating = Literal["P", "S", "M", "U"]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    v: int = 1
    cause: int | None = None


class SessionStarted(_Event):
    """v2 records each file's hash beside the whole copy's, so `tabletop verify` can name a file that changed;
    v3 who played each nation (names or roles typed at set-up), for the report's participants."""

    type: Literal["SessionStarted"] = "SessionStarted"
    v: int = 3
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    source_hashes: dict[str, str] | None = Field(
        None, description="path -> SHA-256 of each file of the scenario copy stored with the session (from v2)")
    seed: int
    mode: Literal["facilitated", "solo", "hotseat", "headless"] = "headless"
    teams: dict[str, str] = Field(description="nation -> 'human' or 'bot:<profile>'")
    facilitator: str = "Exercise Control"
    players: dict[str, str] = Field(
        default_factory=dict, description="nation -> who played it, as typed at set-up (from v3; may be empty)")

    @model_validator(mode="after")
    def _versioned(self) -> SessionStarted:
        if self.v < 3 and self.players:
            raise ValueError("a SessionStarted before v3 names no players")
        return self


class ClockAdvanced(_Event):
    type: Literal["ClockAdvanced"] = "ClockAdvanced"
    turn: int  # the turn now begun


class OptionWords(BaseModel):
    """An option's texts as one reader reads them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    text: str = ""  # what the team reads after choosing it
    unavailable: str | None = None  # the author's reason it may be refused (when its `requires` fails)
    outcomes: tuple[str, ...] = ()  # each chance outcome's text, in the scenario's order


class InjectWords(BaseModel):
    """An inject's texts as one reader reads them: rendered once, at release, and kept in the log."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    sender: str
    text: str
    prompt: str | None = None
    options: dict[str, OptionWords] = Field(default_factory=dict)


class InjectReleased(_Event):
    """v2 carries the words each reader reads (v1 did not: its words are rendered when folded)."""

    type: Literal["InjectReleased"] = "InjectReleased"
    v: int = 2
    inject: str
    turn: int
    by: Literal["schedule", "control"] = "schedule"
    words: dict[str, InjectWords] | None = Field(
        None, description="reader ('control' or a nation id) -> its words; a nation not listed reads control's")

    @model_validator(mode="after")
    def _versioned(self) -> InjectReleased:
        if (self.v >= 2) != (self.words is not None and "control" in self.words):
            raise ValueError("an InjectReleased of v2 carries the words control reads, and one of v1 none")
        return self


class InjectDelayed(_Event):
    type: Literal["InjectDelayed"] = "InjectDelayed"
    inject: str
    turns: int


class InjectWritten(_Event):
    """An inject written on the spot by the facilitator (released by a following InjectReleased)."""

    type: Literal["InjectWritten"] = "InjectWritten"
    inject: str
    to: list[str]
    sender: str = "Exercise Control"
    kind: str = "event"
    title: str = ""
    text: str
    objective: str | None = None
    options: list[dict[str, str]] = Field(default_factory=list, description="[{id, label}] when it asks for a decision")


class DecisionTaken(_Event):
    type: Literal["DecisionTaken"] = "DecisionTaken"
    team: str  # a nation, or an organisation deciding by its members' votes
    inject: str
    option: str | None  # None: the deadline passed with no default
    rationale: str = ""
    by: Literal["team", "bot", "deadline", "organisation"] = "team"


class OutcomeRolled(_Event):
    type: Literal["OutcomeRolled"] = "OutcomeRolled"
    team: str
    inject: str
    option: str
    roll: float
    outcome: int
    p: float


class VoteCast(_Event):
    type: Literal["VoteCast"] = "VoteCast"
    org: str
    inject: str
    nation: str
    option: str
    rationale: str = ""
    by: Literal["team", "bot"] = "team"


class MessageSent(_Event):
    type: Literal["MessageSent"] = "MessageSent"
    sender: str  # a nation id or 'control'
    to: list[str]  # nation ids, organisation ids, 'control' or 'all'
    text: str
    channel: str = "direct"


class Adjudicated(_Event):
    type: Literal["Adjudicated"] = "Adjudicated"
    by: str = "control"
    target: str  # a state key: 'cohesion', 'support[norvia]'
    change: float
    mode: Literal["add", "set"] = "add"
    reason: str


class ObservationNoted(_Event):
    type: Literal["ObservationNoted"] = "ObservationNoted"
    objective: str | None
    rating: Rating | None = None
    text: str
    by: str = "control"
    kind: Literal["observation", "strength", "improvement", "hotwash"] = "observation"


class SessionPaused(_Event):
    type: Literal["SessionPaused"] = "SessionPaused"
    reason: str = ""


class SessionResumed(_Event):
    type: Literal["SessionResumed"] = "SessionResumed"


class EventRetracted(_Event):
    type: Literal["EventRetracted"] = "EventRetracted"
    seq: int
    reason: str


class SessionEnded(_Event):
    """v2 carries the ending's text as rendered (v1 did not: it is rendered when folded)."""

    type: Literal["SessionEnded"] = "SessionEnded"
    v: int = 2
    ending: str | None
    turn: int
    reason: str = ""
    text: str | None = None

    @model_validator(mode="after")
    def _versioned(self) -> SessionEnded:
        if (self.v >= 2) != (self.text is not None):
            raise ValueError("a SessionEnded of v2 carries the ending's text, and one of v1 none")
        return self


Event = Annotated[
    SessionStarted
    | ClockAdvanced
    | InjectReleased
    | InjectDelayed
    | InjectWritten
    | DecisionTaken
    | OutcomeRolled
    | VoteCast
    | MessageSent
    | Adjudicated
    | ObservationNoted
    | SessionPaused
    | SessionResumed
    | EventRetracted
    | SessionEnded,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: tuple[str, ...] = (
    "SessionStarted", "ClockAdvanced", "InjectReleased", "InjectDelayed", "InjectWritten", "DecisionTaken",
    "OutcomeRolled", "VoteCast", "MessageSent", "Adjudicated", "ObservationNoted", "SessionPaused",
    "SessionResumed", "EventRetracted", "SessionEnded",
)


def event_from_dict(data: dict[str, Any]) -> Event:
    return EVENT_ADAPTER.validate_python(data)


def event_to_dict(event: _Event) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude_none=False)
