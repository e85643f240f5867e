"""An observer's console comes back where it was: its tab and the inject it was reading (side data `place`, key
`observer`: one entry for the role, as the role has one code). A mixin of `ObserverScreen`; the place is looked at
once a second and written when it changed, and shown again when the console opens."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.widgets import TabbedContent

from .tab_place import show_tab

if TYPE_CHECKING:
    from textual.screen import Screen

    from ..controller import SessionController

    _Base = Screen[None]
else:
    _Base = object

OBSERVER_PLACE = "observer"
PLACE_SECONDS = 1.0
TABS = ("situation", "injects", "messages", "state", "timeline")


class ObserverPlace(_Base):
    controller: SessionController
    current: str | None
    _injects: list[str]
    _observer_place: str | None = None  # as last written

    if TYPE_CHECKING:
        def action_tab(self, tab: str) -> None: ...
        def refresh_all(self) -> None: ...

    def on_mount(self) -> None:
        # After ObserverScreen's own on_mount, and behind the focus it asked for (the app's queue).
        self.app.call_later(self._restore_observer_place)

    def _restore_observer_place(self) -> None:
        self._observer_place = saved = self.controller.place(OBSERVER_PLACE)
        try:
            place = json.loads(saved) if saved else {}
        except ValueError:
            place = {}
        if isinstance(place, dict):
            inject, tab = place.get("inject"), place.get("tab")
            if isinstance(inject, str) and inject in self._injects:
                self.current = inject
                self.refresh_all()
            if isinstance(tab, str) and tab in TABS and tab != "situation":
                show_tab(self, tab, lambda: self.action_tab(tab))
        self.set_interval(PLACE_SECONDS, self._keep_observer_place)

    def _keep_observer_place(self) -> None:
        try:
            tab = self.query_one("#tabs", TabbedContent).active
        except NoMatches:
            return
        place = json.dumps({"tab": tab, "inject": self.current or ""}, sort_keys=True)
        if place != self._observer_place and self.controller.save_place(OBSERVER_PLACE, place) is None:
            self._observer_place = place
