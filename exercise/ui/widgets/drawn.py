"""Widgets drawn from the session redraw when its log changes: the app's `log_seq` is the one signal.

A widget that mixes in `DrawnFromLog` says how it draws (`draw`) and, if it draws only part of what the log
holds, which new events concern it (`concerns`). It is drawn when it is mounted, when the log changes (by
this terminal or another; `log_seq` is set by the app as the controller hears of new events), when the theme
changes, and when it comes into view after changes it missed while hidden: a tab nobody looks at costs
nothing on a 10,000-event session. Nothing keeps its own record of which event it last drew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.widget import Widget

    from ...engine.state import Entry
    from ..controller import SessionController

    _Base = Widget
else:
    _Base = object


class DrawnFromLog(_Base):
    """Mixin for a Widget with a `controller`. Call `follow_log()` from `on_mount`."""

    controller: SessionController
    draw_hidden = False  # True: drawn even while out of view (a one-line bar, a small panel always on screen)
    _stale = True  # the log (or the theme) changed since the last draw

    def follow_log(self, *, draw_now: bool = True) -> None:
        """Start following the log; `draw_now` draws at once (before the first frame, not after it), else the
        widget is first drawn when it comes into view."""
        self.watch(self.app, "log_seq", self._log_moved, init=False)
        self.watch(self.app, "theme", lambda _theme: self.restyle(), init=False)
        self._stale = not draw_now
        if draw_now:
            self.draw(None)

    def _log_moved(self, before: int, now: int) -> None:
        log = self.controller.state.log
        new = log[before:now] if 0 <= before <= now <= len(log) else log
        if self._stale or self.concerns(new):
            self.redraw(new if not self._stale else None)

    def restyle(self) -> None:
        """The theme changed: its colours are drawn into the content."""
        self.redraw()

    def concerns(self, new: list[Entry]) -> bool:
        """Whether these new events change what this widget shows (by default, any event does)."""
        return True

    def redraw(self, new: list[Entry] | None = None) -> None:
        """Draw now if in view, else when it comes into view. `new`: the events since the last draw, when a
        widget can add just those (None: draw it all)."""
        self._stale = True
        if not self.is_mounted or not (self.draw_hidden or self._displayed()):
            return
        self._stale = False
        self.draw(new)

    def _displayed(self) -> bool:
        """Not in a hidden tab or column. Asked of the widget and its parents, not of the screen's layout
        (`is_on_screen`), which works the whole layout out again after any change to it: once per widget and
        event, that cost more than the drawing it saved."""
        screen = self.screen
        node: DOMNode | None = self
        while node is not None and node is not screen:
            if not node.display or not node.visible:
                return False
            node = node.parent
        return True

    def on_show(self) -> None:
        if self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        raise NotImplementedError
