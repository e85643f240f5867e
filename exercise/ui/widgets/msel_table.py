"""The MSEL as a table: every inject with its status in words, when it comes, to whom, and what it is.

Rows come from `chronology.msel` (the scenario's injects, then those control wrote on the spot). The
status column says released / due / conditional / manual / scheduled as text, with a symbol; colour
only repeats it. The row under the cursor is the inject that rehearse, release and delay act on.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from ...engine import chronology
from ...engine.state import Entry
from ..controller import SessionController
from ..text import one_line
from .drawn import DrawnFromLog
from .gauges import Palette

STATUS_MARK = {"released": "✓", "due": "●", "scheduled": "○", "conditional": "◇", "manual": "□"}


@dataclass(frozen=True)
class Row:
    id: str
    number: str
    status: str
    when: str
    to: str
    description: str
    objective: str


class MselTable(DrawnFromLog, DataTable[Text]):
    DEFAULT_CSS = """
    MselTable { height: 1fr; }
    """

    class Selected(Message):
        """The cursor moved to another inject (or the table was redrawn under it)."""

        def __init__(self, inject: str | None) -> None:
            super().__init__()
            self.inject = inject

    def __init__(self, controller: SessionController, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.controller = controller
        self._rows: list[Row] = []
        self._rebuild = True  # lay the table out again (new width, new theme), not only the changed cells

    def _add_columns(self) -> None:
        self.add_column("#", key="number")
        self.add_column("Status", key="status")
        self.add_column("When", key="when")
        self.add_column("To", key="to")
        self.add_column("Inject", key="description")
        self.add_column("Obj", key="objective")

    draw_hidden = True  # the first tab, and its cursor is what the console's acts work on

    def on_mount(self) -> None:
        self._add_columns()
        self.follow_log()

    def restyle(self) -> None:
        self._rebuild = True
        self.redraw()

    @property
    def selected(self) -> str | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row].id

    def status_of(self, inject: str) -> str | None:
        return next((r.status for r in self._rows if r.id == inject), None)

    def select(self, inject: str) -> None:
        for i, r in enumerate(self._rows):
            if r.id == inject:
                self.move_cursor(row=i)
                return

    # -- drawing -----------------------------------------------------------------------------
    def msel_rows(self) -> list[Row]:
        session = self.controller.session
        state = session.state
        out = []
        for m in chronology.msel(session):
            if m.status == "released":
                when = f"turn {m.released_turn}" + (" (control)" if m.trigger == chronology.WRITTEN_IN_PLAY else "")
            elif m.trigger == chronology.WRITTEN_IN_PLAY:
                when = "written"
            elif m.turn is not None and m.trigger.startswith("turn"):
                when = f"turn {m.turn}"
            else:
                when = m.trigger
            delay = state.delays.get(m.id, 0)
            if delay and m.status != "released":
                when += f" (+{delay} delay)" if m.turn is None else f" (delayed {delay})"
            out.append(Row(m.id, str(m.number), m.status, when, self._to(m.id, m.to), m.description, m.objective))
        return out

    def _short(self, who: str) -> str:
        sc = self.controller.scenario
        if who in sc.nations:
            return sc.nations[who].short or sc.nations[who].name
        if who in sc.orgs:
            return sc.orgs[who].short or sc.orgs[who].name
        return "Control" if who == "control" else who

    def _to(self, inject: str, fallback: str) -> str:
        # The table is narrow: short names ('Maren', 'ARC'), where the MSEL sheet has full ones.
        ci = self.controller.scenario.injects.get(inject)
        if ci is None:
            written = self.controller.state.written.get(inject)
            return ", ".join(self._short(t) for t in written.to) if written else fallback
        if ci.model.to == "all" or ci.model.to == ["all"]:
            return "everyone"
        return ", ".join(self._short(t) for t in ci.recipients)

    def on_resize(self) -> None:
        if self._rows:
            self.refresh_from_state(force=True)

    def refresh_from_state(self, *, force: bool = False) -> None:
        """Draw now if the log moved since the last draw (it redraws itself as the log changes); with `force`,
        lay the table out again at its present width."""
        self._rebuild = self._rebuild or force
        if force or self._stale:
            self.redraw()

    def _budgets(self, rows: list[Row]) -> tuple[int, int, int]:
        """Widths for the When, To and Inject columns: the table fits the screen without scrolling, and
        what When and To do not need goes to the inject's title."""
        width = self.size.width or self.app.size.width
        rest = max(30, width - 3 - 14 - 8 - 2 * 6 - 5)
        when = min(20, max(10, rest // 5), max((len(r.when) for r in rows), default=4))
        to = min(24, max(10, rest // 4), max((len(r.to) for r in rows), default=4))
        return when, to, max(12, rest - when - to)

    def draw(self, new: list[Entry] | None) -> None:
        force, self._rebuild = self._rebuild, False
        palette = Palette.of(self.app.get_css_variables())
        rows = self.msel_rows()
        colours = {"released": palette.muted, "due": palette.fair, "scheduled": "", "conditional": palette.accent,
                   "manual": palette.accent}
        budgets = self._budgets(rows)
        if [r.id for r in rows] == [r.id for r in self._rows] and not force:
            for row, old in zip(rows, self._rows, strict=True):
                if row != old:
                    for col, value in zip(("number", "status", "when", "to", "description", "objective"),
                                          self._cells(row, colours, budgets), strict=True):
                        self.update_cell(row.id, col, value)
            self._rows = rows
        else:
            current = self.selected
            self.clear(columns=True)  # column widths only ever grow: start them again at this width
            self._add_columns()
            for row in rows:
                self.add_row(*self._cells(row, colours, budgets), key=row.id)
            self._rows = rows
            if current is not None:
                self.select(current)
        self.post_message(self.Selected(self.selected))

    @staticmethod
    def _cells(r: Row, colours: dict[str, str], budgets: tuple[int, int, int]) -> tuple[Text, ...]:
        style = Style(color=colours.get(r.status) or None, bold=r.status == "due")
        dim = r.status == "released"
        plain = Style(dim=True) if dim else Style()
        return (Text(r.number, style=plain, justify="right"),
                Text(f"{STATUS_MARK.get(r.status, ' ')} {r.status}", style=style),
                Text(_fit(r.when, budgets[0]), style=plain), Text(_fit(r.to, budgets[1]), style=plain),
                Text(_fit(r.description, budgets[2]), style=plain), Text(_fit(r.objective, 8), style=plain))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Selected(self.selected))


def _fit(text: str, width: int) -> str:
    """One line of a cell, cut to `width` with an ellipsis (control characters shown before it is cut)."""
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"

