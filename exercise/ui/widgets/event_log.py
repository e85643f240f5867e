"""The session log as the facilitator reads it: every event in words (`chronology.timeline`), newest last.

A long session keeps only the most recent events on screen (the full log is one `tabletop log` away), and
the log is only redrawn while it is visible, so a 10,000-event session costs nothing when it is not.
Retracted events stay in the list, struck through and marked '(retracted)'.
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.widgets import RichLog

from ...engine import chronology
from ...engine.events import EventRetracted
from ...engine.state import Entry
from ..controller import SessionController
from ..text import plain
from .drawn import DrawnFromLog
from .gauges import Palette

SHOWN = 300


class EventLog(DrawnFromLog, RichLog):
    DEFAULT_CSS = """
    EventLog { height: 1fr; background: $surface; color: $foreground; scrollbar-gutter: stable; }
    """

    def __init__(self, controller: SessionController, *, id: str | None = None, shown: int = SHOWN) -> None:
        super().__init__(id=id, wrap=True, markup=False, highlight=False, auto_scroll=True)
        self.controller = controller
        self.shown = shown

    def on_mount(self) -> None:
        self.follow_log(draw_now=False)  # drawn when its tab is first shown

    @on(events.Resize)
    def _rewrap(self) -> None:
        # Lines are wrapped when written: write them again at the new width (RichLog's own handler runs too).
        self.redraw()

    def refresh_from_state(self, *, force: bool = False) -> None:
        """Draw now if the log moved since the last draw (it redraws itself as the log changes)."""
        if force or self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        """Only the new events' lines, unless something was retracted (its line is struck through)."""
        state = self.controller.state
        grew_only = bool(new) and not any(isinstance(e.event, EventRetracted) for e in new or ())
        palette = Palette.of(self.app.get_css_variables())
        # The panel's own width: left to RichLog, a line is measured against the app's console, 80 columns
        # under test, and wrapped there however wide the panel is.
        width = self.scrollable_content_region.width or None
        items = chronology.timeline(state)
        if grew_only and new:
            lines = [i for i in items if i.seq >= new[0].seq]
        else:
            self.clear()
            lines = items[-self.shown:]
            if len(items) > self.shown:
                path = self.controller.location()
                self.write(plain(f"… {len(items) - self.shown} earlier events: `tabletop log {path}` lists them all",
                                 style=palette.muted), width=width)
        for item in lines:
            self.write(self._line(item, palette), width=width)

    @staticmethod
    def _line(item: chronology.TimelineItem, palette: Palette) -> Table:
        # Two columns, so a long line wraps under its own text, not under the turn and time.
        body = plain(item.summary, style=Style(strike=True, dim=True) if item.retracted else Style())
        if item.retracted:
            body.append(" (retracted)", style=Style(italic=True))
        if item.rationale:
            body.append(plain(f" — “{item.rationale}”", style=palette.muted))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=18, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(f"{item.seq:>5} T{item.turn} {item.time}", style=palette.muted), body)
        return grid
