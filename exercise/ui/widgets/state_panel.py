"""The state dashboard: global values as labelled bars, per-nation values as a table, pairwise values
(trust) as a matrix, and each value's history, turn by turn, as a sparkline.

Used by the facilitator console (reader None: control sees every variable) and by a team's console
(reader = its nation: variables marked `hidden` are left out, via `role_views.values_for`). Numbers are
always printed; colour only repeats what the number and the bar already say. A variable whose
`good` is 'low' (tension, water stress) is coloured the other way round and says so.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine import views, words
from ...engine.events import ClockAdvanced, EventRetracted
from ...engine.models import StateVar
from ...engine.role_views import values_for
from ...engine.state import Entry
from ..controller import SessionController
from ..text import one_line, plain_line
from .drawn import DrawnFromLog
from .gauges import Palette, bar, delta, number, share, spark


class StatePanel(DrawnFromLog, VerticalScroll):
    """Redraws itself when a new event moves a value or the clock (a pause, a message or a note redraws
    nothing: a redraw means a new layout, the costly part on a big session)."""

    DEFAULT_CSS = """
    StatePanel { height: 1fr; padding: 0 1; }
    StatePanel > .state-section { height: auto; margin-bottom: 1; }
    StatePanel > .state-section.-empty { display: none; }
    """

    def __init__(self, controller: SessionController, reader: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller
        self.reader = reader
        self.can_focus = True

    def compose(self) -> ComposeResult:
        yield Static(id="state-globals", classes="state-section")
        yield Static(id="state-nations", classes="state-section")
        yield Static(id="state-pairs", classes="state-section")

    def on_mount(self) -> None:
        self.follow_log()

    def on_resize(self) -> None:
        self.redraw()  # bars and sparklines are drawn to the width

    def concerns(self, new: list[Entry]) -> bool:
        """What is drawn depends on the values, their history and the turn only."""
        changes = self.controller.state.changes
        moved = bool(new) and bool(changes) and changes[-1].seq >= new[0].seq
        return moved or any(isinstance(e.event, (ClockAdvanced, EventRetracted)) for e in new)

    # -- drawing -----------------------------------------------------------------------------
    def refresh_from_state(self, *, force: bool = False) -> None:
        """Draw now if the log moved it since the last draw (it redraws itself as the log changes)."""
        if force or self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        width = self.scrollable_content_region.width or self.size.width or 60
        palette = Palette.of(self.app.get_css_variables())
        sc = self.controller.scenario
        keys = set(values_for(self.controller.state, self.controller.reader(self.reader)))
        lay = sc.layout
        globals_ = [v for v in lay.globals if v in keys]
        per_nation = [v for v in lay.per_nation if any(k in keys for k in self._nation_keys(v))]
        per_pair = [v for v in lay.per_pair if any(k in keys for k in self._pair_keys(v))]
        # The legend goes under the first table that shows changes: '+7' is the change in the last turn.
        low = any(self._spec(v).good == "low" for v in globals_ + per_nation)
        legend = Text("+/− the change in the last turn" + (" · ↓ lower is better" if low else ""),
                      style=palette.muted)
        self._section("#state-globals", Group(self._globals(globals_, palette, width), legend) if globals_ else None)
        nations = self._nations(per_nation, keys, palette, width) if per_nation else None
        self._section("#state-nations", Group(nations, legend) if nations is not None and not globals_ else nations)
        pairs = [self._pairs(v, keys, palette, width) for v in per_pair]
        self._section("#state-pairs", Group(*pairs) if pairs else None)

    def _section(self, selector: str, content: RenderableType | None) -> None:
        widget = self.query_one(selector, Static)
        widget.set_class(content is None, "-empty")
        widget.update(content if content is not None else "")

    def _nation_keys(self, var: str) -> list[str]:
        return [f"{var}[{n}]" for n in self.controller.scenario.layout.nations]

    def _pair_keys(self, var: str) -> list[str]:
        ns = self.controller.scenario.layout.nations
        return [f"{var}[{a}][{b}]" for a in ns for b in ns if a != b]

    def _spec(self, var: str) -> StateVar:
        return self.controller.scenario.vars[var]

    def _short(self, nation: str) -> str:
        """The nation's short name on one line, control characters shown (for a header or a row label)."""
        n = self.controller.scenario.nations[nation]
        return one_line(n.short or n.name)

    def _globals(self, names: list[str], palette: Palette, width: int) -> RenderableType:
        state = self.controller.state
        sc = self.controller.scenario
        spark_w = 0 if width < 44 else min(12, max(4, sc.turns))
        bar_w = max(6, min(20, width - 44 - spark_w))
        table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True, pad_edge=False)
        table.add_column("label", ratio=1, overflow="fold")
        table.add_column("bar", width=bar_w, no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True, min_width=3)
        table.add_column("change", justify="left", no_wrap=True, min_width=3)
        if spark_w:
            table.add_column("history", no_wrap=True, width=spark_w)
        for var in names:
            spec = self._spec(var)
            hist = views.series(state, var)
            value = state.value(var)
            colour = palette.rate(share(value, spec.min, spec.max), spec.good)
            label = plain_line(words.variable(sc, var), style="bold")
            if spec.good == "low":
                label.append(" ↓", style=Style(bold=True))
            if spec.hidden:
                label.append(" (control only)", style=Style(color=palette.muted, bold=False))
            row: list[RenderableType] = [label, bar(value, spec.min, spec.max, bar_w, colour),
                                         Text(number(value), style=Style(color=colour, bold=True)),
                                         Text(delta(hist), style=palette.muted)]
            if spark_w:
                row.append(Text(spark(hist, spec.min, spec.max, spark_w), style=palette.accent))
            table.add_row(*row)
        return table

    def _nations(self, names: list[str], keys: set[str], palette: Palette, width: int) -> RenderableType:
        state = self.controller.state
        sc = self.controller.scenario
        spark_w = 0 if width < 30 + 14 * len(names) else min(6, max(3, sc.turns))
        table = Table(box=None, padding=(0, 2, 0, 0), expand=False, pad_edge=False, header_style="bold",
                      title=None)
        # A long name is cut with an ellipsis, not left to push the values out of the panel.
        table.add_column("Nation", no_wrap=True, overflow="ellipsis", max_width=max(10, min(24, width // 3)))
        for var in names:
            table.add_column(plain_line(words.variable(sc, var) + (" ↓" if self._spec(var).good == "low" else "")),
                             no_wrap=False)
        for nation in sc.layout.nations:
            mine = nation == self.reader
            row: list[RenderableType] = [Text(("▶ " if mine else "") + self._short(nation),
                                              style="bold" if mine else "")]
            for var in names:
                key = f"{var}[{nation}]"
                if key not in keys:
                    row.append(Text("—", style=palette.muted))
                    continue
                spec = self._spec(var)
                hist = views.series(state, key)
                value = state.value(key)
                colour = palette.rate(share(value, spec.min, spec.max), spec.good)
                cell = Text.assemble((number(value).rjust(3), Style(color=colour, bold=True)))
                d = delta(hist)
                cell.append(f" {d:<3}" if d else "    ", style=palette.muted)
                if spark_w:
                    cell.append(" " + spark(hist, spec.min, spec.max, spark_w), style=palette.accent)
                row.append(cell)
            table.add_row(*row)
        return table

    def _pairs(self, var: str, keys: set[str], palette: Palette, width: int) -> RenderableType:
        state = self.controller.state
        sc = self.controller.scenario
        spec = self._spec(var)
        nations = sc.layout.nations
        shorts = [self._short(n) for n in nations]
        col_w = max(5, min(10, max(len(s) for s in shorts)))
        show_trend = width >= 12 + (col_w + 2) * len(nations)
        title = plain_line(words.variable(sc, var), style="bold")
        title.append(": how far each row trusts each column" if var == "trust" else ": row towards column",
                     style=palette.muted)
        if show_trend:
            title.append(" · ▲▼ rose or fell in the last turn", style=palette.muted)
        table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
        table.add_column("", no_wrap=True, overflow="ellipsis",
                         max_width=max(8, min(24, width - (col_w + 2) * len(nations) - 1)))
        for s in shorts:
            table.add_column(Text(s[:col_w]), justify="right", no_wrap=True, min_width=col_w)
        for i, a in enumerate(nations):
            mine = a == self.reader
            row: list[RenderableType] = [Text(("▶ " if mine else "") + shorts[i], style="bold")]
            for b in nations:
                key = f"{var}[{a}][{b}]"
                if a == b:
                    row.append(Text("·", style=palette.muted))
                    continue
                if key not in keys:
                    row.append(Text("—", style=palette.muted))
                    continue
                value = state.value(key)
                colour = palette.rate(share(value, spec.min, spec.max), spec.good)
                cell = Text.assemble((number(value), Style(color=colour, bold=mine)))
                if show_trend:
                    d = delta(views.series(state, key))
                    cell.append("▲" if d.startswith("+") else "▼" if d else " ", style=palette.muted)
                row.append(cell)
            table.add_row(*row)
        return Group(title, table)
