"""Who may give which command: the roles of an exercise and the one rule that says what each may ask.

- control (the facilitator's console): every command of the control cell (release, delay, write an inject,
  adjudicate, observe, advance, pause, resume, retract, end), messages as control, and the moves of the nations
  a bot plays (the console hosting the session plays them: the turn policy). It never decides, votes or writes
  as a nation people play: that nation's team does.
- a team: decisions, votes and messages as its own nation, nothing else.
- an observer: no command (the scenario format has no ratings for observers yet; they read the public picture).
- the local authority: the process that holds the session file and plays every part itself (`tabletop run`,
  scripts, transcript tests, the hot-seat's shared screen): control that may also act as any nation. On one
  machine the file's permissions are the boundary; a console reached over a network is never local.

`refusal` is pure, so the session layer computes it once, inside the write transaction, on the latest state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .commands import Command
from .session import Refused
from .state import State

RoleKind = Literal["control", "team", "observer"]
CONTROL = "control"


@dataclass(frozen=True)
class Actor:
    """Who gives a command: a role, the nation for a team, and whether it is the local authority."""

    role: RoleKind
    nation: str | None = None
    local: bool = False

    def __post_init__(self) -> None:
        if (self.role == "team") != (self.nation is not None):
            raise ValueError("a team actor names its nation, and only a team actor does")
        if self.local and self.role != "control":
            raise ValueError("only control is the local authority")

    @classmethod
    def control(cls) -> Actor:
        return cls("control")

    @classmethod
    def team(cls, nation: str) -> Actor:
        return cls("team", nation)

    @classmethod
    def observer(cls) -> Actor:
        return cls("observer")

    @classmethod
    def local_authority(cls) -> Actor:
        return cls("control", local=True)

    def words(self, state: State | None = None) -> str:
        if self.role == "team" and self.nation is not None:
            name = state.scenario.name_of(self.nation) if state is not None else self.nation
            return f"{name}'s team"
        return "an observer" if self.role == "observer" else "control"


LOCAL = Actor.local_authority()


class NotAllowed(Refused):
    """A command its actor may not give: refused like any other (nothing is written), the reason in words."""


def _played_by_bot(state: State, nation: str) -> bool:
    who = state.started.teams.get(nation, "human") if state.started else "human"
    return who.startswith("bot:")


def _why_not(actor: Actor, command: Command, state: State) -> str | None:
    if actor.local:
        return None
    if actor.role == "observer":
        return "an observer gives no commands"
    if command.local_only:
        return "only the process holding the session file gives it"
    acts_as = command.acts_as
    if actor.role == "team":
        if acts_as is None:
            return "only control gives that command"
        if acts_as != actor.nation:
            return f"a team acts only as its own nation ({state.scenario.name_of(actor.nation or '')})"
        return None
    # control
    if acts_as is None or acts_as == CONTROL:
        return None
    if acts_as in state.scenario.nations and _played_by_bot(state, acts_as):
        return None  # the console hosting the session plays the bot nations
    return f"{state.scenario.name_of(acts_as)} is played by its team, which acts for itself"


def refusal(actor: Actor, command: Command, state: State) -> str | None:
    """None when `actor` may give `command` in this state; otherwise the refusal in words, naming the command."""
    why = _why_not(actor, command, state)
    if why is None:
        return None
    return f"Not allowed: {actor.words(state)} may not {command.what()}: {why}"


def may(actor: Actor, command: Command, state: State) -> bool:
    return refusal(actor, command, state) is None
