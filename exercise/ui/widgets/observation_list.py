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
from ...engine.events import ObservationNoted
from ..controller import SessionController
from ..text import plain, plain_line
from .gauges import Palette

SHOWN = 100
KIND_WORDS = {"observation": "Observation", "strength": "Strength", "improvement": "To improve",
              "hotwash": "Hot wash"}


class ObservationList(VerticalScroll):
    DEFAULT_CSS = """
    ObservationList { height: 1fr; padding: 0 1; }
    ObservationList > Static { height: auto; }
    """

    def __init__(self, controller: SessionController, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller
        self._drawn: tuple[int, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="observations-body")

    def on_show(self) -> None:
        self.refresh_from_state()

    def refresh_from_state(self, *, force: bool = False) -> None:
        if not self.is_mounted or (not self.is_on_screen and not force):
            return
        state = self.controller.state
        key = (state.next_seq, self.app.theme)
        if key == self._drawn and not force:
            return
        self._drawn = key
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
