"""The one door between the terminal UI and a session: read the state, send commands, hear of changes, and
the side data kept beside the log (who is at which console, unsent drafts, each console's place).

Screens never talk to the store or fold events themselves. They call `controller.execute(...)` with a named
engine command (engine/commands.py); the controller gives it as the actor it was made for (engine/roles.py),
and the session layer refuses what that actor may not give. A refusal comes back as a notification, never a
traceback. Widgets never decide who may do what. A timer polls the store
(cheaply: one `last_seq` read) so that another terminal's events show within a second.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..engine import presence
from ..engine.bots import bots_waiting
from ..engine.commands import BotMove, Command, NextStep
from ..engine.compile import CompiledScenario
from ..engine.roles import Actor
from ..engine.session import Refused, Session
from ..engine.state import Entry, State
from ..live import LiveSession, SessionFileError
from ..store import Location
from .sessions import play_command, shown_path

DRAFT = "draft"  # side data: a team's unsent choice, rationale and message, by nation
PLACE = "place"  # side data: where a console was (hot-seat's turn order, a team's tab and inject)


def _wall(moment: datetime) -> str:
    """A moment as the console's own presence record states it (UTC; a naive test clock is taken as UTC)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).isoformat(timespec="seconds")


@dataclass
class Outcome:
    ok: bool
    entries: list[Entry]
    error: str | None = None


class SessionController:
    def __init__(self, live: LiveSession, notify: Callable[[str, str], None] | None = None, *,
                 actor: Actor, host: Actor | None = None, clock: Callable[[], datetime] | None = None,
                 workdir: Path | None = None, served_at: str | None = None) -> None:
        """`actor` gives this console's commands; `host`, when this console hosts the session (the facilitator's,
        solo's stand-in control, the hot-seat), plays the bot nations and the turn policy with control's
        authority. A team's or an observer's console hosts nothing. `served_at`: the address `tabletop serve`
        answers on, when this console runs under it (teams then join there, in a browser, with their codes)."""
        self.live = live
        self.actor = actor
        self.host = host
        self._notify = notify or (lambda message, severity: None)
        self.listeners: list[Callable[[list[Entry]], None]] = []
        self._clock = clock or (lambda: datetime.now(UTC))
        self.workdir = workdir or Path.cwd()  # where tabletop was started: paths are shown relative to it
        self.served_at = served_at
        self._seat: presence.Seat | None = None
        self._unread: str | None = None  # why the last poll could not read the session, until one can
        # One record per console: two apps in one process (tests, a future server) are two consoles.
        self._seat_key = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    @property
    def session(self) -> Session:
        return self.live.session

    @property
    def state(self) -> State:
        return self.live.session.state

    @property
    def scenario(self) -> CompiledScenario:
        return self.live.scenario

    def reader(self, nation: str | None) -> Actor:
        """Who a view of `nation` (None: control's whole picture) is read as, through engine/role_views.py. A
        team's or an observer's console reads as itself whatever a screen asks; a console with control's
        authority (the facilitator's preview, the hot-seat's screens) reads as the nation it shows."""
        if self.actor.role != "control":
            return self.actor
        return Actor.team(nation) if nation is not None else Actor.control()

    # -- where the session is kept, and how each team joins it ------------------------------------------------
    @property
    def path(self) -> Location:
        return self.live.path

    def location(self) -> str:
        """The session file as the facilitator would type it (relative to where tabletop was started), or the
        session's PostgreSQL URL without its password."""
        return shown_path(self.path, self.workdir) if isinstance(self.path, Path) else self.path.shown

    def play_command(self, team: str | None = None) -> str:
        """The exact command that opens this session (as a team's console with `team`)."""
        return play_command(self.location(), team)

    def join_commands(self) -> list[tuple[str, str]]:
        """(nation, what its team opens to join) for each nation played by people, in the scenario's order: the
        `tabletop play` command, or under `serve` the address to open in a browser (the code is the team's own,
        handed out when serve started: never shown on a console)."""
        started = self.state.started
        teams = started.teams if started else {}
        people = [n for n in self.scenario.nations if teams.get(n, "human") == "human"]
        if self.served_at is not None:
            return [(n, self.served_at) for n in people]
        return [(n, self.play_command(n)) for n in people]

    # -- presence: which consoles are open now (side data, never the log) ----------------------------------
    def now(self) -> datetime:
        return self._clock()

    def arrive(self, role: str, nation: str | None) -> None:
        """Say this console is open (and forget consoles nobody will come back to)."""
        now = self.now()
        self._seat = presence.Seat(role, nation, os.getpid(), socket.gethostname(), _wall(now))
        with suppress(SessionFileError):  # nothing here is the record: the next console to arrive tries again
            for key, seat in self._seats().items():
                if presence.stale(seat, now):
                    self.live.set_side(presence.SIDE_KIND, key, None)
        self.beat()

    def beat(self) -> None:
        """The heartbeat (every `presence.HEARTBEAT_SECONDS`): this console is still here."""
        if self._seat is None:
            return
        # A missed beat is no error: three in a row and the others see this console as gone, which it then is.
        with suppress(SessionFileError):
            self.live.set_side(presence.SIDE_KIND, self._seat_key, self._seat.to_json())

    def leave(self) -> None:
        """A clean exit takes the record away at once (a killed console's fades after three heartbeats)."""
        if self._seat is None:
            return
        self._seat = None
        with suppress(SessionFileError):
            self.live.set_side(presence.SIDE_KIND, self._seat_key, None)

    def _seats(self) -> dict[str, presence.Seat]:
        out = {}
        for key, entry in self.live.side(presence.SIDE_KIND).items():
            seat = presence.Seat.from_side(entry.value, entry.updated)
            if seat is not None:
                out[key] = seat
        return out

    def room(self) -> list[presence.TeamPresence]:
        """Each nation: its consoles connected now, and when it last acted (in words)."""
        try:
            seats = list(self._seats().values())
        except SessionFileError:
            seats = []
        return presence.room(self.state, seats, self.now())

    # -- a console's place and a team's unsent draft (side data) -----------------------------------------
    def place(self, key: str) -> str:
        """Where a console was, as it saved it ("" when it never did, or it cannot be read)."""
        try:
            return self.live.place(key)
        except SessionFileError:
            return ""

    def save_place(self, key: str, value: str) -> str | None:
        """Keep a console's place; the reason when it could not be kept (the game goes on without it)."""
        try:
            self.live.set_side(PLACE, key, value)
        except SessionFileError as exc:
            return str(exc)
        return None

    def draft(self, nation: str) -> dict[str, str]:
        """A team's unsent draft: its fields as saved (empty when there is none, or it is not one of ours)."""
        try:
            entry = self.live.side(DRAFT).get(nation)
            data = json.loads(entry.value) if entry is not None else {}
        except (SessionFileError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, str)}

    def save_draft(self, nation: str, draft: dict[str, str]) -> str | None:
        """Keep a team's unsent draft (an empty one, e.g. once it is sent, is removed); the reason when it
        could not be kept."""
        kept = {k: v for k, v in draft.items() if v}
        try:
            self.live.set_side(DRAFT, nation, json.dumps(kept, sort_keys=True) if kept else None)
        except SessionFileError as exc:
            return str(exc)
        return None

    # -- commands ------------------------------------------------------------------------------------------
    def execute(self, command: Command, *, quiet: bool = False, actor: Actor | None = None) -> Outcome:
        """Run an engine command in the store's write lock, as this console's actor (`actor`: the host, for the
        bots and the turn policy); tell the person if it is refused. A command given here (not quietly, as a
        bot's move or the stand-in's is) is this console acting: its presence says so."""
        try:
            entries = self.live.execute(command, actor=actor or self.actor)
        except Refused as exc:
            if not quiet:
                self._notify(str(exc), "warning")
            return Outcome(False, [], str(exc))
        except SessionFileError as exc:
            self._notify(f"Could not save: {exc}", "error")
            return Outcome(False, [], str(exc))
        if not quiet and self._seat is not None:
            self._seat = replace(self._seat, acted=_wall(self.now()))
        self._changed(entries)
        return Outcome(True, entries)

    def poll(self) -> list[Entry]:
        """Fold what other terminals appended; called a few times a second by the app."""
        try:
            new = self.live.refresh()
        except (SessionFileError, ValueError) as exc:
            # Said once while it lasts (a database server restarting fails every poll for a while), and its end too.
            if self._unread is None:
                self._notify(f"Could not read the session: {exc}. This console keeps trying.", "error")
            self._unread = str(exc)
            return []
        if self._unread is not None:
            self._unread = None
            self._notify("The session can be read again: this console is up to date.", "information")
        if new:
            self._changed(new)
        return new

    def play_bots(self, only: set[str] | None = None) -> int:
        """Let bot nations take their pending decisions, each stored as its own command (the same moves
        `tabletop run --bots` and the simulator make from the same log)."""
        if self.host is None:
            return 0  # a team's console never plays another nation
        taken = 0
        command = BotMove(frozenset(only) if only is not None else None)
        while self.state.ended is None and not self.state.paused:
            out = self.execute(command, quiet=True, actor=self.host)
            if not out.ok or not out.entries:
                break
            taken += 1
        return taken

    def _changed(self, entries: list[Entry]) -> None:
        for listener in list(self.listeners):
            listener(entries)

    def close(self) -> None:
        self.live.close()

    # -- nobody at the controls: the turn policy (engine/autopilot.py) ------------------------------------
    def host_bots(self) -> int:
        """The console hosting a facilitated session plays its bot nations after every change it hears of:
        each move its own command, decided in the store's write lock on the latest state, so a second console
        doing the same finds the move made and makes none. The lock is asked for only when our view has a bot
        with a decision open."""
        if not bots_waiting(self.state):
            return 0
        return self.play_bots()

    def play_turn(self, seen: int | None) -> list[Entry]:
        """The turn policy, one command at a time, until the clock has moved or the session ended: the entries
        stored, in order. It stops earlier, the clock unmoved, when people are to decide first: a decision
        released after log position `seen` (what they have seen) to a nation they play."""
        done: list[Entry] = []
        if self.host is None:
            return done
        while True:
            out = self.execute(NextStep(seen), quiet=True, actor=self.host)
            done += out.entries
            if not out.entries or any(e.event.type in ("ClockAdvanced", "SessionEnded") for e in out.entries):
                return done
