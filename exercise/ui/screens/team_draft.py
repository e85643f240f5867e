"""A team's unsent draft (the option chosen, the reason typed so far, the message being written and to whom),
kept beside the log as it changes, so that a console restarted after a crash comes back with it.

A mixin of `TeamScreen`. The draft is written at most once a second while it changes (the first change starts
a one-second timer: typing without a pause still saves every second), at once when a text box loses the focus,
when something is sent (which empties that part of the draft) and when the screen goes away. What is written
is read from the widgets as each change happens, not while the screen is being taken down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from ..widgets.decision import DecisionPanel
from ..widgets.messages import MessagePanel

if TYPE_CHECKING:
    from textual import events
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widgets import Input, Select

    from ..controller import SessionController

    _Base = Screen[str]
else:
    _Base = object

DRAFT_SECONDS = 1.0


class TeamDraft(_Base):
    """Saving and restoring a team console's unsent draft."""

    controller: SessionController
    nation: str
    _draft_timer: Timer | None = None
    _draft_now: dict[str, str] | None = None  # the draft as the widgets last showed it
    _draft_saved: dict[str, str] | None = None  # as last written

    if TYPE_CHECKING:
        def refresh_inbox_to(self, inject: str) -> None: ...  # TeamScreen's

    def _restore_draft(self) -> None:
        """Put back what this nation's console had not sent when it last closed (or was killed)."""
        draft = self.controller.draft(self.nation)
        self._draft_saved = self._draft_now = draft
        back = []
        inject = draft.get("inject")
        if inject and any(p.inject == inject for p in self.controller.state.pending(self.nation)):
            self.refresh_inbox_to(inject)
            self.query_one("#decision", DecisionPanel).restore(draft.get("option", ""), draft.get("why", ""))
            back.append("the decision you were making")
        if draft.get("message"):
            self.query_one("#team-messages", MessagePanel).restore(draft.get("to", ""), draft["message"])
            back.append("the message you were writing")
        if back:
            self.notify(f"Back as you left it, not sent yet: {' and '.join(back)}.", title="Unsent draft", timeout=8)

    def _drafted(self) -> None:
        try:
            decision = self.query_one("#decision", DecisionPanel).draft()
            message = self.query_one("#team-messages", MessagePanel).draft()
        except NoMatches:  # the screen is being built or taken down: nothing typed is lost by skipping
            return
        self._draft_now = {**decision, **message}
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_SECONDS, self._save_draft)

    def _save_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        draft = self._draft_now
        if draft is None or draft == self._draft_saved:
            return
        problem = self.controller.save_draft(self.nation, draft)
        if problem is None:
            self._draft_saved = draft
        else:  # the game goes on; the draft is still on screen
            self.log.warning(f"could not keep the unsent draft: {problem}")

    # -- what changes the draft, and when it is written -----------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        self._drafted()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._drafted()

    def on_decision_panel_drafted(self, event: DecisionPanel.Drafted) -> None:
        self._drafted()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if self._draft_timer is not None:
            self._save_draft()

    def on_decision_panel_decided(self, event: DecisionPanel.Decided) -> None:
        self._drafted()
        self._save_draft()

    def on_message_panel_sent(self, event: MessagePanel.Sent) -> None:
        self._drafted()
        self._save_draft()

    def on_unmount(self) -> None:
        self._save_draft()
