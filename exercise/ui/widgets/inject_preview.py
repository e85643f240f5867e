"""An inject as one reader will see it (`views.inject_view`), drawn for control's rehearsal and detail pane.

Options a reader may not take are listed with the reason, marked 'not available' in words.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ...engine.text import without_isolates
from ...engine.views import InjectView
from ..text import plain, plain_line, reflow
from .gauges import Palette


def inject_renderable(view: InjectView, palette: Palette, *, control: bool = False,
                      turn_now: int | None = None) -> RenderableType:
    parts: list[RenderableType] = []
    parts.append(Text.assemble((f"[{view.kind}] ", palette.muted), plain_line(view.title, "bold")))
    meta = Text.assemble(("From ", palette.muted), plain_line(view.sender), ("  To ", palette.muted),
                         plain_line(", ".join(view.to)))
    if view.turn is not None:
        meta.append(f"  released turn {view.turn} ({view.time})", style=palette.muted)
    elif turn_now is not None:
        meta.append(f"  not released: as it reads if released now (turn {turn_now})", style=palette.fair)
    parts.append(meta)
    parts.append(Text(""))
    parts.append(plain(reflow(view.text) or "(no text)"))
    if view.options:
        parts.append(Text(""))
        parts.append(plain(view.prompt or "Decision", style="bold"))
        if view.via:  # the organisation by name, and how its vote stands or went (`words.vote_result`)
            parts.append(plain(f"  by vote in the {view.via_name}: {view.vote_result or ''}".rstrip(": "),
                               style=palette.muted))
        for i, o in enumerate(view.options, 1):
            if o.unavailable:
                line = Text.assemble(plain(f"  {i}. {o.label}", Style(dim=True)),
                                     plain(f"  — not available: {o.unavailable}", palette.bad))
            else:
                line = plain(f"  {i}. {o.label}" + ("  ✓ chosen" if o.chosen else ""),
                             style="bold" if o.chosen else "")
            parts.append(line)
        if view.deadline_turn is not None:
            parts.append(Text(f"  deadline: turn {view.deadline_turn}", style=palette.muted))
    if control and (view.expected or view.objectives):
        parts.append(Text(""))
        if view.expected:
            parts.append(Text.assemble(("Expected action: ", "bold"), plain(view.expected)))
        if view.objectives:
            parts.append(Text.assemble(("Objectives: ", "bold"), plain(", ".join(view.objectives))))
    if view.decided is not None or view.outcome:
        parts.append(Text(""))
        chosen = next((o.label for o in view.options if o.chosen), None)
        if view.decision and not view.via and without_isolates(view.decision) != chosen:  # a default, a bot's choice
            parts.append(Text.assemble(("Decided: ", "bold"), plain(view.decision)))
        if view.result:
            parts.append(Text.assemble(("Result: ", "bold"), plain(view.result)))
        if view.outcome:
            parts.append(Text.assemble(("Outcome: ", "bold"), plain(view.outcome)))
    return Group(*parts)


class InjectPreview(Static):
    DEFAULT_CSS = """
    InjectPreview { height: auto; padding: 0 1; }
    """

    def show(self, view: InjectView | None, *, control: bool = False, turn_now: int | None = None,
             empty: str = "") -> None:
        if view is None:
            self.update(Text(empty))
            return
        self.update(inject_renderable(view, Palette.of(self.app.get_css_variables()), control=control,
                                      turn_now=turn_now))
