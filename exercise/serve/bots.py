"""The server plays the bot nations of the session it serves: as soon as a decision or vote opens to one,
whether or not any console is open (the facilitator's console does the same while it runs; each move is its own
command decided in the store's write lock on the latest state, so the second to look finds it made).

A thread of its own with its own connection to the session file: the store is synchronous, and the server's
event loop must not wait on its write lock.
"""

from __future__ import annotations

import logging
import threading

from exercise.engine.bots import bots_waiting
from exercise.engine.commands import BotMove
from exercise.engine.roles import Actor
from exercise.engine.session import Refused
from exercise.live import LiveSession, SessionFileError
from exercise.store import Location

log = logging.getLogger("tabletop.serve")

POLL_SECONDS = 0.5


class BotHost(threading.Thread):
    def __init__(self, db: Location, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__(name="tabletop-bots", daemon=True)
        self.db = db
        self.poll_seconds = poll_seconds
        self.moves = 0
        self._halt = threading.Event()

    def stop(self, timeout: float = 5.0) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        try:
            live = LiveSession.open(self.db)
        except SessionFileError as exc:
            log.error("the bots cannot play: %s", exc)
            return
        try:
            while not self._halt.is_set():
                try:
                    self.play(live)
                except (SessionFileError, Refused) as exc:  # said, and tried again at the next look
                    log.warning("a bot's move was not made: %s", exc)
                self._halt.wait(self.poll_seconds)
        finally:
            live.close()

    def play(self, live: LiveSession) -> int:
        """Every move the bots can make now, each its own command; how many were made."""
        live.refresh()
        made = 0
        while bots_waiting(live.state) and not self._halt.is_set():
            # As control, not as the process holding the file: control may make the bot nations' moves only.
            if not live.execute(BotMove(), actor=Actor.control()):
                break
            made += 1
        self.moves += made
        return made
