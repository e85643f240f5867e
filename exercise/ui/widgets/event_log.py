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
from ..controller import SessionController
from ..text import plain
from .gauges import Palette

SHOWN = 300


class EventLog(RichLog):
    DEFAULT_CSS = """
    EventLog { height: 1fr; background: $surface; color: $foreground; scrollbar-gutter: stable; }
    """

    def __init__(self, controller: SessionController, *, id: str | None = None, shown: int = SHOWN) -> None:
        super().__init__(id=id, wrap=True, markup=False, highlight=False, auto_scroll=True)
        self.controller = controller
        self.shown = shown
        self._drawn: tuple[int, int, str] | None = None
        self._last_seq = 0

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.refresh_from_state(force=True), init=False)

    def on_show(self) -> None:
        self.refresh_from_state()

    @on(events.Resize)
    def _rewrap(self) -> None:
        # Lines are wrapped when written: write them again at the new width (RichLog's own handler runs too).
        if self._drawn is not None:
            self.refresh_from_state(force=True)

    def refresh_from_state(self, *, force: bool = False) -> None:
        if not self.is_mounted or (not self.is_on_screen and not force):
            return
        state = self.controller.state
        key = (state.next_seq, len(state.retracted), self.app.theme)
        if key == self._drawn and not force:
            return
        grew_only = (self._drawn is not None and not force and self._drawn[1] == len(state.retracted)
                     and self._drawn[2] == self.app.theme)
        self._drawn = key
        palette = Palette.of(self.app.get_css_variables())
        # The panel's own width: left to RichLog, a line is measured against the app's console, 80 columns
        # under test, and wrapped there however wide the panel is.
        width = self.scrollable_content_region.width or None
        items = chronology.timeline(state)
        if grew_only:
            new = [i for i in items if i.seq > self._last_seq]
        else:
            self.clear()
            new = items[-self.shown:]
            if len(items) > self.shown:
                path = self.controller.location()
                self.write(plain(f"… {len(items) - self.shown} earlier events: `tabletop log {path}` lists them all",
                                 style=palette.muted), width=width)
        for item in new:
            self.write(self._line(item, palette), width=width)
        self._last_seq = items[-1].seq if items else 0

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
