"""Observations against the exercise objectives: each objective with its notes and latest rating.

Ratings are the HSEEP letters with their words (`views.RATING_WORDS`), never a colour alone.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine import views
from ...engine.events import EventRetracted, ObservationNoted
from ...engine.state import Entry
from ..controller import SessionController
from ..text import plain, plain_line
from .drawn import DrawnFromLog
from .gauges import Palette

SHOWN = 100
KIND_WORDS = {"observation": "Observation", "strength": "Strength", "improvement": "To improve",
              "hotwash": "Hot wash"}


class ObservationList(DrawnFromLog, VerticalScroll):
    DEFAULT_CSS = """
    ObservationList { height: 1fr; padding: 0 1; }
    ObservationList > Static { height: auto; }
    """

    def __init__(self, controller: SessionController, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller

    def compose(self) -> ComposeResult:
        yield Static(id="observations-body")

    def on_mount(self) -> None:
        self.follow_log(draw_now=False)  # drawn when its tab is first shown

    def concerns(self, new: list[Entry]) -> bool:
        return any(isinstance(e.event, (ObservationNoted, EventRetracted)) for e in new)

    def refresh_from_state(self, *, force: bool = False) -> None:
        """Draw now if the log moved since the last draw (it redraws itself as the log changes)."""
        if force or self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        self.query_one("#observations-body", Static).update(self.render_state())

    def render_state(self) -> RenderableType:
        state = self.controller.state
        sc = self.controller.scenario
        palette = Palette.of(self.app.get_css_variables())
        notes = state.observations()
        by_objective: dict[str | None, list[ObservationNoted]] = {}
        for e in notes:
            ev = e.event
            assert isinstance(ev, ObservationNoted)
            by_objective.setdefault(ev.objective, []).append(ev)
        parts: list[RenderableType] = []
        objectives = [(o.id, o.text) for o in sc.model.objectives] + [(None, "Not tied to an objective")]
        for oid, text in objectives:
            mine = by_objective.get(oid, [])
            if oid is None and not mine:
                continue
            rated = [o for o in mine if o.rating]
            head = Text.assemble(((oid + " ") if oid else "", "bold"), plain_line(text, "bold"))
            if rated:
                r = rated[-1].rating or ""
                head.append(f"  latest rating {r}: {views.RATING_WORDS[r]}", style=palette.accent)
            else:
                head.append("  not rated yet", style=palette.muted)
            parts.append(head)
            if not mine:
                parts.append(Text("    no observations yet", style=palette.muted))
            for o in mine[-SHOWN:]:
                line = Text.assemble("    ", (KIND_WORDS.get(o.kind, o.kind), "bold"),
                                     (f" [{o.rating}]" if o.rating else "", "bold"), plain(f": {o.text.strip()}"))
                parts.append(line)
            parts.append(Text(""))
        if not notes:
            parts.append(Text("Press o to note an observation against an objective.", style=palette.muted))
        return Group(*parts)
