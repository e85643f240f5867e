"""Commands by name: what a console, a script or a bot asks of a session, as data.

The session layer (live.py) must know WHAT is asked before it runs it, to refuse what the asker may not give
(roles.py): so a command is a small frozen value naming its kind, the nation it acts as (if any) and, in words,
what it asks for. `run` carries it out on a `Session`, which checks it against the state as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .autopilot import next_step
from .bots import next_bot_move
from .events import Rating
from .models import Step
from .session import Session
from .state import Entry
from .transcript import apply_step


@dataclass(frozen=True)
class Command:
    """One command. `kind` names it; `acts_as` is the nation (or "control") a decision, vote or message is given
    as, None for the control cell's commands; `local_only`: only the process holding the file may give it."""

    kind: ClassVar[str] = "command"
    local_only: ClassVar[bool] = False

    @property
    def acts_as(self) -> str | None:
        return None

    def what(self) -> str:
        """The command in words, for a refusal: 'release inject 'summit''."""
        return self.kind

    def run(self, session: Session) -> list[Entry]:
        raise NotImplementedError


# -- the control cell's commands ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Start(Command):
    kind: ClassVar[str] = "start"
    seed: int
    teams: dict[str, str]
    mode: str = "headless"
    facilitator: str = "Exercise Control"
    players: dict[str, str] = field(default_factory=dict)  # nation -> who played it (names or roles)

    def what(self) -> str:
        return "start the session"

    def run(self, session: Session) -> list[Entry]:
        return session.start(self.seed, self.teams, mode=self.mode, facilitator=self.facilitator,
                             players=self.players)


@dataclass(frozen=True)
class Advance(Command):
    kind: ClassVar[str] = "advance"

    def what(self) -> str:
        return "end the turn (advance the clock)"

    def run(self, session: Session) -> list[Entry]:
        return session.advance()


@dataclass(frozen=True)
class Release(Command):
    kind: ClassVar[str] = "release"
    inject: str

    def what(self) -> str:
        return f"release inject '{self.inject}'"

    def run(self, session: Session) -> list[Entry]:
        return session.release(self.inject)


@dataclass(frozen=True)
class Delay(Command):
    kind: ClassVar[str] = "delay"
    inject: str
    turns: int = 1

    def what(self) -> str:
        return f"delay inject '{self.inject}'"

    def run(self, session: Session) -> list[Entry]:
        return session.delay(self.inject, self.turns)


@dataclass(frozen=True)
class WriteInject(Command):
    kind: ClassVar[str] = "write inject"
    inject: str
    to: tuple[str, ...]
    text: str
    title: str = ""
    inject_kind: str = "event"
    sender: str = "Exercise Control"
    objective: str | None = None
    options: tuple[tuple[tuple[str, str], ...], ...] = ()  # each option's fields, frozen

    def what(self) -> str:
        return f"write inject '{self.inject}'"

    def run(self, session: Session) -> list[Entry]:
        return session.write_inject(self.inject, list(self.to), self.text, title=self.title, kind=self.inject_kind,
                                    sender=self.sender, objective=self.objective,
                                    options=[dict(o) for o in self.options])


@dataclass(frozen=True)
class Adjudicate(Command):
    kind: ClassVar[str] = "adjudicate"
    target: str
    change: float
    reason: str
    mode: str = "add"

    def what(self) -> str:
        return f"adjudicate '{self.target}'"

    def run(self, session: Session) -> list[Entry]:
        return session.adjudicate(self.target, self.change, self.reason, mode=self.mode)


@dataclass(frozen=True)
class Observe(Command):
    """Observations and ratings against objectives (the hot wash's notes too), one command for several."""

    kind: ClassVar[str] = "observe"
    notes: tuple[tuple[str | None, str, Rating | None, str], ...]  # (objective, text, rating, kind)

    def what(self) -> str:
        return "note an observation" if len(self.notes) == 1 else f"note {len(self.notes)} observations"

    def run(self, session: Session) -> list[Entry]:
        out: list[Entry] = []
        for objective, text, rating, kind in self.notes:
            out += session.observe(objective, text, rating, kind=kind)
        return out


def observe(objective: str | None, text: str, rating: Rating | None = None, kind: str = "observation") -> Observe:
    return Observe(((objective, text, rating, kind),))


@dataclass(frozen=True)
class Pause(Command):
    kind: ClassVar[str] = "pause"
    reason: str = ""

    def what(self) -> str:
        return "pause the session"

    def run(self, session: Session) -> list[Entry]:
        return session.pause(self.reason)


@dataclass(frozen=True)
class Resume(Command):
    kind: ClassVar[str] = "resume"

    def what(self) -> str:
        return "resume the session"

    def run(self, session: Session) -> list[Entry]:
        return session.resume()


@dataclass(frozen=True)
class Retract(Command):
    kind: ClassVar[str] = "retract"
    reason: str

    def what(self) -> str:
        return "retract the last event"

    def run(self, session: Session) -> list[Entry]:
        return session.retract(self.reason)


@dataclass(frozen=True)
class End(Command):
    kind: ClassVar[str] = "end"
    reason: str = "ended by control"

    def what(self) -> str:
        return "end the exercise"

    def run(self, session: Session) -> list[Entry]:
        return session.end(self.reason)


@dataclass(frozen=True)
class BotMove(Command):
    """The next pending decision or vote of a nation a bot plays (only those in `only`, when given)."""

    kind: ClassVar[str] = "bot move"
    only: frozenset[str] | None = None

    def what(self) -> str:
        return "play a bot nation's move"

    def run(self, session: Session) -> list[Entry]:
        return next_bot_move(session, set(self.only) if self.only is not None else None)


@dataclass(frozen=True)
class NextStep(Command):
    """The turn policy's next step (autopilot.next_step): a bot's move, the stand-in's release, or the clock."""

    kind: ClassVar[str] = "turn policy"
    seen: int | None = None

    def what(self) -> str:
        return "play the turn policy's next step"

    def run(self, session: Session) -> list[Entry]:
        return next_step(session, seen=self.seen)


@dataclass(frozen=True)
class ScriptStep(Command):
    """A step of a script or transcript: it may decide for any nation and act as control in one go, so only
    the facilitator's own process (holding the file) gives it."""

    kind: ClassVar[str] = "script step"
    local_only: ClassVar[bool] = True
    step: Step

    def what(self) -> str:
        return "play a script step"

    def run(self, session: Session) -> list[Entry]:
        return apply_step(session, self.step)


# -- commands given as a nation (or as control, for a message) ----------------------------------------------
@dataclass(frozen=True)
class Decide(Command):
    """A nation's decision, or its vote when the inject is addressed to an organisation it belongs to."""

    kind: ClassVar[str] = "decide"
    nation: str
    inject: str
    option: str
    rationale: str
    roll: float | None = None

    @property
    def acts_as(self) -> str | None:
        return self.nation

    def what(self) -> str:
        return f"decide on '{self.inject}' for {self.nation}"

    def run(self, session: Session) -> list[Entry]:
        return session.decide(self.nation, self.inject, self.option, self.rationale, roll=self.roll)


@dataclass(frozen=True)
class Send(Command):
    kind: ClassVar[str] = "send"
    sender: str
    to: tuple[str, ...]
    text: str
    channel: str = "direct"

    @property
    def acts_as(self) -> str | None:
        return self.sender

    def what(self) -> str:
        return f"send a message as {self.sender}"

    def run(self, session: Session) -> list[Entry]:
        return session.send(self.sender, list(self.to), self.text, self.channel)
