"""Each team at a glance: who plays it, whether its console is connected and when it last acted, the
decisions it still owes with their deadlines, its last act, and the command its team types to join.

From `views.team_status` (and `State.pending` for each open decision's own deadline), and the controller's
`room()` (presence, kept beside the log) and `join_commands()`. A deadline that lapses at the next advance
says so in words, not only in colour; connected or not is a word and a marker (● ○), not a colour.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...engine import views, words
from ...engine.presence import HEARTBEAT_SECONDS, TeamPresence
from ...engine.state import Entry
from ..controller import SessionController
from ..text import Hanging, plain, plain_line
from .drawn import DrawnFromLog
from .gauges import Palette

COPY_HINT = "c copies a team's join command"


class TeamStatusPanel(DrawnFromLog, Static):
    DEFAULT_CSS = """
    TeamStatusPanel { height: auto; padding: 0 1; }
    """

    def __init__(self, controller: SessionController, *, id: str | None = None, compact: bool = False) -> None:
        super().__init__(id=id)
        self.controller = controller
        self.compact = compact
        self._titles: dict[str, str] = {}
        self._lines: list[Text | Hanging] = []  # on screen: the same lines are not laid out again

    def on_mount(self) -> None:
        self.follow_log()
        # Who is connected, and 'acted 2 min ago', move with the clock as well as with the log.
        self.set_interval(HEARTBEAT_SECONDS, self.redraw)

    def _title(self, inject: str, reader: str) -> str:
        # An inject's title for the team that reads it; titles do not change, so remember them.
        key = f"{inject}\0{reader}"
        if key not in self._titles:
            self._titles[key] = views.inject_view(self.controller.session, inject, reader).title
        return self._titles[key]

    def refresh_from_state(self, *, force: bool = False) -> None:
        """Draw now if the log moved since the last draw (it redraws itself as the log changes)."""
        if force or self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        # Most events (a pause, a note, a message between others) leave every line as it was; a new layout
        # of the console is the costly part of a redraw, so the lines are compared before anything is updated.
        lines = self.status_lines()
        if lines != self._lines:
            self._lines = lines
            self.update(Group(*lines))

    def _where(self, palette: Palette) -> Text:
        """Where the session is kept, as the facilitator would type it."""
        where = Text.assemble(("Session file ", palette.muted), plain(self.controller.location(), style="bold"))
        if not self.controller.join_commands():
            return where
        served = self.controller.served_at
        if served is not None:  # never a code here: the console may be on a projector
            where.append(" (c: where teams join)" if self.compact else
                         "\nEach team joins in a browser at the address under its name, with the join code it was "
                         "given when the server started.", style=palette.muted)
        else:
            where.append(" (c: join commands)" if self.compact else
                         f"\nEach team joins from its own terminal with the command under its name ({COPY_HINT}).",
                         style=palette.muted)
        return where

    def _presence(self, ts: views.TeamStatus, here: TeamPresence, palette: Palette) -> Text:
        """'● connected · acted 2 min ago'; a bot's nation only says when it acted (this console plays it)."""
        line = Text("  ")
        if ts.player == "human" and self.controller.state.ended is None:
            mark = "●" if here.consoles else "○"
            line.append(f"{mark} {here.connection}", style=Style(bold=True) if here.consoles else palette.muted)
            line.append(" · ", style=palette.muted)
        line.append(here.acted, style=palette.muted)
        return line

    def render_state(self) -> RenderableType:
        return Group(*self.status_lines())

    def status_lines(self) -> list[Text | Hanging]:
        state = self.controller.state
        sc = self.controller.scenario
        palette = Palette.of(self.app.get_css_variables())
        turn = max(state.turn, 1)
        room = {p.nation: p for p in self.controller.room()}
        joins = dict(self.controller.join_commands()) if state.ended is None else {}
        blocks: list[Text | Hanging] = [self._where(palette), Text("")]
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
            lines: list[Text | Hanging] = [head, self._presence(ts, room[ts.team], palette)]
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
                # wrapped lines start under the text, not at the panel's edge
                lines.append(Hanging(Text(f"  {mark} "), Text.assemble(plain_line(f"{title} {via}"), " — ", when)))
            lines.append(Hanging(Text("  last: ", palette.muted), plain_line(ts.last_action)))
            if ts.team in joins and not self.compact:
                how = f"{joins[ts.team]} with its join code" if self.controller.served_at else joins[ts.team]
                lines.append(Hanging(Text("  join: ", palette.muted), plain_line(how)))
            blocks.extend(lines)
            blocks.append(Text(""))
        blocks.pop()
        return blocks
