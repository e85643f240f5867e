"""Where a team was on its console (the tab and the inject shown), kept beside the log (the controller's
place `team.NATION`) so that a restart returns to it.

A mixin of `TeamScreen` (kept apart so each file reads in one sitting). The place is written a moment
after it changes, not on every keystroke or highlight, and once more when the screen goes away.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

    from ..controller import SessionController

    _Base = Screen[str]
else:
    _Base = object

TABS = ("inbox", "messages", "state", "brief", "history", "coalition")


class TeamPlace(_Base):
    """Saving and restoring the team console's place."""

    controller: SessionController
    nation: str
    current: str | None
    _tab: str
    _saved_place: str | None
    _place_timer: Timer | None

    @property
    def _place_key(self) -> str:
        return f"team.{self.nation}"

    def _restore_place(self) -> str:
        try:
            place = json.loads(self.controller.place(self._place_key) or "{}")
        except (ValueError, RecursionError):  # no bookmark is no reason not to open
            place = {}
        if not isinstance(place, dict):
            place = {}
        if place.get("inject") in self.controller.state.inbox(self.nation):
            self.current = place["inject"]
        tab = place.get("tab")
        return tab if tab in TABS else "inbox"

    def _save_place(self) -> None:
        place = json.dumps({"tab": self._tab, "inject": self.current})
        if place != self._saved_place:
            self._saved_place = place
            problem = self.controller.save_place(self._place_key, place)
            if problem is not None:  # the game goes on without the bookmark
                self.log.warning(f"could not save the team's place: {problem}")

    def _place_changed(self) -> None:
        if self._place_timer is not None:
            self._place_timer.stop()
        self._place_timer = self.set_timer(0.5, self._save_place)

    def on_unmount(self) -> None:
        # Quitting must not lose a place the debounce timer has not written yet.
        if self._place_timer is not None:
            self._place_timer.stop()
        self._save_place()
