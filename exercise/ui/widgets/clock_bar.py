"""The scenario clock in one line: turn, scenario time, running / paused / ended, and what waits.

Each state is said in words ('PAUSED', 'ENDED'), with a symbol; colour only repeats it.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ...engine.state import Entry
from ...engine.views import ending_words
from ..controller import SessionController
from ..text import label
from .drawn import DrawnFromLog


class ClockBar(DrawnFromLog, Static):
    DEFAULT_CSS = """
    ClockBar { height: 1; width: 1fr; padding: 0 1; background: $panel; color: $foreground; }
    ClockBar.-paused { background: $warning-muted; }
    ClockBar.-ended { background: $error-muted; }
    """

    draw_hidden = True  # one line, always in view

    def __init__(self, controller: SessionController, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller

    def on_mount(self) -> None:
        self.follow_log()

    def on_resize(self) -> None:
        self.redraw()  # narrow and wide say it in fewer or more words

    def refresh_from_state(self) -> None:
        """Draw now if the log moved since the last draw (it redraws itself as the log changes)."""
        if self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        state = self.controller.state
        sc = self.controller.scenario
        turn = max(state.turn, 1)
        if state.ended is not None:
            ending = ending_words(state)[0] if state.ended.ending else None
            status = Content.from_markup("[b]■ ENDED[/b]") + (Content(" — ") + label(ending) if ending else Content())
        elif state.paused:
            status = Content.from_markup("[b]‖ PAUSED[/b]")
        else:
            status = Content.from_markup("[b]▶ running[/b]")
        pending = state.pending()
        lapsing = sum(1 for p in pending if p.deadline_turn <= turn + 1)
        due = len(self.controller.session.due()) if state.ended is None else 0
        parts = [Content.from_markup(f"[b]Turn {turn}[/b] of {sc.turns}"),
                 Content(sc.time_of(turn)), status]
        narrow = (self.size.width or self.app.size.width) < 100
        if state.ended is None:
            parts.append(Content(_count(len(pending), "decision", "open" if narrow else "pending")
                                 + ((f" ({lapsing} lapse on advance)" if narrow else
                                     f" ({lapsing} take their default at the next advance)") if lapsing else "")))
            if due:
                parts.append(Content(_count(due, "inject", "due")))
        self.set_class(state.paused and state.ended is None, "-paused")
        self.set_class(state.ended is not None, "-ended")
        self.update(Content(" · ").join(parts), layout=False)  # one line, always: no new layout needed


def _count(n: int, noun: str, what: str) -> str:
    if n == 0:
        return f"no {noun}s {what}"
    return f"{n} {noun}{'s' if n != 1 else ''} {what}"
