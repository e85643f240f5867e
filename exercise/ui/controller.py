"""The one door between the terminal UI and a session: read the state, send commands, hear of changes.

Screens never talk to the store or fold events themselves. They call `controller.execute(...)` with an
engine command; a refusal comes back as a notification, never a traceback. A timer polls the store
(cheaply: one `last_seq` read) so that another terminal's events show within a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine.bots import next_bot_move
from ..engine.compile import CompiledScenario
from ..engine.session import Refused, Session
from ..engine.state import Entry, State
from ..live import LiveSession, SessionFileError


@dataclass
class Outcome:
    ok: bool
    entries: list[Entry]
    error: str | None = None


class SessionController:
    def __init__(self, live: LiveSession, notify: Callable[[str, str], None] | None = None) -> None:
        self.live = live
        self._notify = notify or (lambda message, severity: None)
        self.listeners: list[Callable[[list[Entry]], None]] = []

    @property
    def session(self) -> Session:
        return self.live.session

    @property
    def state(self) -> State:
        return self.live.session.state

    @property
    def scenario(self) -> CompiledScenario:
        return self.live.scenario

    def execute(self, command: Callable[[Session], list[Entry]], *, quiet: bool = False) -> Outcome:
        """Run an engine command in the store's write lock; tell the person if it is refused."""
        try:
            entries = self.live.execute(command)
        except Refused as exc:
            if not quiet:
                self._notify(str(exc), "warning")
            return Outcome(False, [], str(exc))
        except SessionFileError as exc:
            self._notify(f"Could not save: {exc}", "error")
            return Outcome(False, [], str(exc))
        self._changed(entries)
        return Outcome(True, entries)

    def poll(self) -> list[Entry]:
        """Fold what other terminals appended; called a few times a second by the app."""
        try:
            new = self.live.refresh()
        except (SessionFileError, ValueError) as exc:
            self._notify(f"Could not read the session: {exc}", "error")
            return []
        if new:
            self._changed(new)
        return new

    def play_bots(self, only: set[str] | None = None) -> int:
        """Let bot nations take their pending decisions, each stored as its own command (the same moves
        `tabletop run --bots` and the simulator make from the same log)."""
        taken = 0
        while self.state.ended is None and not self.state.paused:
            out = self.execute(lambda s: next_bot_move(s, only), quiet=True)
            if not out.ok or not out.entries:
                break
            taken += 1
        return taken

    def _changed(self, entries: list[Entry]) -> None:
        for listener in list(self.listeners):
            listener(entries)

    def close(self) -> None:
        self.live.close()
