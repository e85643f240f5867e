"""Each team at a glance: who plays it, the decisions it still owes with their deadlines, its last act.

From `views.team_status` (and `State.pending` for each open decision's own deadline). A deadline that
lapses at the next advance says so in words, not only in colour.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...engine import views, words
from ..controller import SessionController
from ..text import plain_line
from .gauges import Palette


class TeamStatusPanel(Static):
    DEFAULT_CSS = """
    TeamStatusPanel { height: auto; padding: 0 1; }
    """

    def __init__(self, controller: SessionController, *, id: str | None = None, compact: bool = False) -> None:
        super().__init__(id=id)
        self.controller = controller
        self.compact = compact
        self._drawn: tuple[object, ...] | None = None
        self._titles: dict[str, str] = {}

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.refresh_from_state(force=True), init=False)
        self.refresh_from_state()

    def _title(self, inject: str, reader: str) -> str:
        # An inject's title for the team that reads it; titles do not change, so remember them.
        key = f"{inject}\0{reader}"
        if key not in self._titles:
            self._titles[key] = views.inject_view(self.controller.session, inject, reader).title
        return self._titles[key]

    def refresh_from_state(self, *, force: bool = False) -> None:
        state = self.controller.state
        # Redraw only when what is shown changed (a redraw means a new layout).
        key = (state.turn, state.ended is not None, tuple(state.pending()), tuple(sorted(state.last_action.items())),
               len(state.retracted), self.app.theme)
        if key == self._drawn and not force:
            return
        self._drawn = key
        self.update(self.render_state())

    def render_state(self) -> RenderableType:
        state = self.controller.state
        sc = self.controller.scenario
        palette = Palette.of(self.app.get_css_variables())
        turn = max(state.turn, 1)
        blocks: list[RenderableType] = []
        for ts in views.team_status(state):
            who = words.player_tag(ts.player)
            name = (sc.nations[ts.team].short or ts.name) if self.compact else ts.name
            head = Text.assemble(plain_line(name, "bold"), (f"  ({who})", palette.muted))
            open_ = state.pending(ts.team)
            if open_:
                head.append(f"  {len(open_)} decision{'s' if len(open_) != 1 else ''} pending",
                            style=Style(color=palette.fair, bold=True))
            else:
                head.append("  nothing pending", style=palette.muted)
            lines: list[RenderableType] = [head]
            for p in open_:
                title = self._title(p.inject, ts.team)
                via = f"(vote in {sc.orgs[p.org].short or sc.orgs[p.org].name})" if p.org else ""
                if p.deadline_turn <= turn + 1 and state.ended is None:
                    when = Text("default at the next advance" if self.compact else
                                f"default at the next advance (deadline turn {p.deadline_turn})",
                                style=Style(color=palette.bad, bold=True))
                    mark = "!"
                else:
                    when = Text(f"deadline turn {p.deadline_turn}", style=palette.muted)
                    mark = "•"
                line = Text.assemble(f"  {mark} ", plain_line(f"{title} {via}"), " — ")
                line.append_text(when)
                lines.append(line)
            last = Text.assemble(("  last: ", palette.muted), plain_line(ts.last_action))
            lines.append(last)
            blocks.append(Group(*lines))
            blocks.append(Text(""))
        if blocks:
            blocks.pop()
        return Group(*blocks)
