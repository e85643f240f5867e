"""The facilitator's unsent words (an inject being written, an adjudication or an observation half filled, a
message to the teams), kept beside the log as the team drafts are (side data `draft`, key `@control`), so that a
reload, a dropped connection or a killed console comes back with them, in the dialog that was open; and its
place (the tab, the inject selected in the MSEL: side data `place`, key `control`), as a team console keeps its.

A mixin of `FacilitatorScreen`. The dialogs are screens of their own, whose typing never reaches this screen, so
what is on screen is read once a second (a few widgets) and written when it changed; when the screen goes away
the last reading is written, never the widgets as they are being taken down. A dialog is read field by field
through the ids its boxes already have, so a dialog gains a field without this module changing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches
from textual.widgets import Checkbox, Input, RadioButton, Select, TabbedContent, TextArea
from textual.widgets.select import InvalidSelectValueError

from ..widgets.messages import MessagePanel
from ..widgets.msel_table import MselTable
from .dialogs import AdjudicateDialog, ObservationDialog, WriteInjectDialog
from .dialogs.base import Dialog
from .tab_place import show_tab

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

    from ..controller import SessionController

    _Base = Screen[None]
else:
    _Base = object

CONTROL_DRAFT = "@control"  # the side entry's key: not a nation id (those are names, never '@...')
CONTROL_PLACE = "control"  # beside the teams' `team.NATION`
DRAFT_SECONDS = 1.0
OPEN = "dialog"  # which dialog was open
FIELD = "field:"  # a dialog's box, by its id
# The dialogs whose words are kept, by the action that opens them.
KEPT: dict[str, type[Dialog]] = {"write_inject": WriteInjectDialog, "adjudicate": AdjudicateDialog,
                                 "observe": ObservationDialog}
# The console's tabs as TabbedContent names them -> as action_tab takes them.
TABS = {"msel": "msel", "teams": "teams", "state": "state", "traffic-tab": "traffic", "log": "log", "notes": "notes"}
BOXES = "Input, TextArea, Select, Checkbox, RadioButton"
SAID = {"write_inject": "the inject you were writing", "adjudicate": "the adjudication you were making",
        "observe": "the observation you were noting"}


def dialog_fields(dialog: Dialog) -> dict[str, str]:
    """What is typed, chosen and ticked in a dialog, by each box's id."""
    out: dict[str, str] = {}
    for box in dialog.query(BOXES):
        if not box.id:
            continue
        if isinstance(box, Input):
            out[FIELD + box.id] = box.value
        elif isinstance(box, TextArea):
            out[FIELD + box.id] = box.text
        elif isinstance(box, Select):
            out[FIELD + box.id] = box.value if isinstance(box.value, str) else ""
        elif isinstance(box, Checkbox | RadioButton):
            out[FIELD + box.id] = "1" if box.value else "0"
    return out


def fill_dialog(dialog: Dialog, draft: dict[str, str]) -> None:
    """Put a dialog's kept words back, box by box; a box that no longer exists, or a choice no longer offered,
    is left as the dialog made it."""
    for box in dialog.query(BOXES):
        value = draft.get(FIELD + (box.id or ""))
        if not box.id or value is None:
            continue
        if isinstance(box, Input):
            box.value = value
        elif isinstance(box, TextArea):
            box.load_text(value)
        elif isinstance(box, Select) and value:
            with suppress(InvalidSelectValueError):  # a value the scenario no longer has
                box.value = value
        elif isinstance(box, Checkbox | RadioButton):
            box.value = value == "1"


class ControlDraft(_Base):
    """Keeping and bringing back the facilitator's unsent words."""

    controller: SessionController
    _control_timer: Timer | None = None
    _control_now: dict[str, str] | None = None  # the draft as the screens last showed it
    _control_saved: dict[str, str] | None = None  # as last written
    _place_saved: str | None = None
    _tab_wanted: str | None = None  # the tab to come back to, once the tabs have shown their first
    _tabs_ready = False

    if TYPE_CHECKING:
        def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...
        def action_message(self) -> None: ...
        def action_tab(self, tab: str) -> None: ...
        def _written(self, result: Any) -> None: ...
        def _adjudicated(self, result: Any) -> None: ...
        def _observed(self, result: Any) -> None: ...

    def on_mount(self) -> None:
        # FacilitatorScreen's own on_mount runs first (Textual calls each class's handler in turn) and focuses the
        # MSEL, which the app does later, from its own queue: queued behind it, a tab restored here is not pulled
        # back to the MSEL's pane by that focus.
        self.app.call_later(self._restore_control_draft)

    def on_unmount(self) -> None:
        if self._control_timer is not None:
            self._control_timer.stop()
        self._save_control_draft()

    # -- reading and writing ---------------------------------------------------------------------------------
    def _control_draft_shown(self) -> dict[str, str]:
        """The facilitator's unsent words on screen now."""
        draft: dict[str, str] = {}
        with suppress(NoMatches):  # the traffic tab is built when first shown: nothing is written there yet
            draft.update(self.query_one("#traffic", MessagePanel).draft())
        for screen in reversed(self.app.screen_stack):
            kind = next((k for k, cls in KEPT.items() if type(screen) is cls), None)
            if kind is not None and isinstance(screen, Dialog) and screen.is_mounted:
                if screen._typed() != getattr(screen, "_untouched", ()):  # words written, not a dialog opened
                    draft[OPEN] = kind
                    draft.update(dialog_fields(screen))
                break
        return draft

    def _look_at_control_draft(self) -> None:
        self._control_now = self._control_draft_shown()
        if self._control_now != self._control_saved:
            self._save_control_draft()
        self._keep_place()

    def _keep_place(self) -> None:
        try:
            place = json.dumps({"tab": self.query_one("#tabs", TabbedContent).active,
                                "inject": self.query_one(MselTable).selected or ""}, sort_keys=True)
        except NoMatches:
            return
        if place != self._place_saved and self.controller.save_place(CONTROL_PLACE, place) is None:
            self._place_saved = place

    def _save_control_draft(self) -> None:
        draft = self._control_now
        if draft is None or draft == self._control_saved:
            return
        problem = self.controller.save_draft(CONTROL_DRAFT, draft)
        if problem is None:
            self._control_saved = draft
        else:  # the exercise goes on; the words are still on screen
            self.log.warning(f"could not keep the facilitator's unsent words: {problem}")

    # -- bringing them back ----------------------------------------------------------------------------------
    def _restore_place(self) -> None:
        """The tab and the MSEL's selected inject the console last had."""
        self._place_saved = saved = self.controller.place(CONTROL_PLACE)
        try:
            place = json.loads(saved) if saved else {}
        except ValueError:
            return
        if not isinstance(place, dict):
            return
        inject, tab = place.get("inject"), place.get("tab")
        if isinstance(inject, str) and inject:
            self.query_one(MselTable).select(inject)
        if isinstance(tab, str) and tab in TABS and tab != "msel":
            self._tab_wanted = TABS[tab]
            if self._tabs_ready:
                self.app.call_later(self._show_wanted_tab)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # The tabs announce their first tab once, some time after the screen is mounted, and the screen then
        # focuses that tab's pane (pulling the tabs back to it): a tab restored before would not stay.
        if not self._tabs_ready:
            self._tabs_ready = True
            if self._tab_wanted is not None:
                self.app.call_later(self._show_wanted_tab)

    def _show_wanted_tab(self) -> None:
        tab, self._tab_wanted = self._tab_wanted, None
        if tab is not None:
            show_tab(self, "traffic-tab" if tab == "traffic" else tab, lambda: self.action_tab(tab))

    async def _restore_control_draft(self) -> None:
        self._restore_place()
        draft = self.controller.draft(CONTROL_DRAFT)
        self._control_saved = self._control_now = draft
        back = []
        if draft.get("message"):
            self.action_message()  # the traffic tab, its composer focused
            self._fill_composer(draft.get("to", ""), draft["message"])
            back.append("the message you were writing")
        kind = draft.get(OPEN, "")
        if kind in KEPT and self.check_action(kind, ()) and not any(
                isinstance(s, Dialog) for s in self.app.screen_stack):  # the hot wash, or another dialog, first
            opened = self._open_kept_dialog(kind)
            await self.app.push_screen(opened[0], opened[1])
            fill_dialog(opened[0], draft)
            back.append(SAID[kind])
        if back:
            self.notify(f"Back as you left it, not sent yet: {' and '.join(back)}.", title="Unsent draft",
                        timeout=8)
        self._control_timer = self.set_interval(DRAFT_SECONDS, self._look_at_control_draft)

    def _open_kept_dialog(self, kind: str) -> tuple[Dialog, Callable[[Any], None]]:
        if kind == "write_inject":
            return WriteInjectDialog(self.controller), self._written
        if kind == "adjudicate":
            return AdjudicateDialog(self.controller), self._adjudicated
        return ObservationDialog(self.controller), self._observed

    def _fill_composer(self, to: str, text: str, tries: int = 20) -> None:
        try:
            self.query_one("#traffic", MessagePanel).restore(to, text)
        except NoMatches:  # the tab is being built
            if tries:
                self.set_timer(0.1, lambda: self._fill_composer(to, text, tries - 1))
