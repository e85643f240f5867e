"""Rehearse: an inject exactly as each recipient will read it, before it goes out; then release or delay."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import (
    Button,
    Static,
    TabbedContent,
    TabPane,
)

from ....engine import views
from ...controller import SessionController
from ...text import label, plain
from ...widgets.inject_card import InjectCard
from .base import DIALOG_CSS, Dialog


def readers_of(controller: SessionController, inject_id: str) -> list[tuple[str | None, str]]:
    """(reader, tab label) for everyone an inject reaches: each nation (directly or through an
    organisation it belongs to) and control."""
    sc = controller.scenario
    ci = sc.injects.get(inject_id)
    if ci is not None:
        direct = list(ci.nations)
        orgs = list(ci.orgs)
        to_control = ci.to_control
    else:
        w = controller.state.written[inject_id]
        direct = [t for t in w.to if t in sc.nations]
        orgs = [t for t in w.to if t in sc.orgs]
        to_control = "control" in w.to
    out: list[tuple[str | None, str]] = [(n, sc.nations[n].short or sc.nations[n].name) for n in direct]
    for o in orgs:
        for m in sc.orgs[o].members:
            if m not in direct and m not in [r for r, _ in out]:
                out.append((m, f"{sc.nations[m].short or sc.nations[m].name} (via {sc.orgs[o].short or o})"))
    if to_control or not out:
        out.append((None, "Control"))
    return out


class RehearseDialog(Dialog):
    """An inject exactly as each recipient will read it, before it goes out: 'release', 'delay' or None."""

    DEFAULT_CSS = DIALOG_CSS + """
    RehearseDialog > #dialog { width: 100; }
    RehearseDialog TabbedContent { height: auto; }
    RehearseDialog .control-notes { padding: 1 1 0 1; color: $text-muted; height: auto; }
    RehearseDialog .options { padding: 1 1 0 1; height: auto; }
    """
    BINDINGS: ClassVar = [Binding("escape", "cancel", "Close"), Binding("r", "release", "Release now"),
                Binding("d", "delay", "Delay one turn")]

    def __init__(self, controller: SessionController, inject_id: str) -> None:
        super().__init__()
        self.controller = controller
        self.inject_id = inject_id
        self.released = inject_id in controller.state.released

    def dialog_title(self) -> str:
        verb = "Released inject" if self.released else "Rehearse: as each recipient will read it"
        return f"{verb} — {self.inject_id}"

    def body(self) -> ComposeResult:
        session = self.controller.session
        readers = readers_of(self.controller, self.inject_id)
        with TabbedContent(id="readers"):
            for i, (reader, name) in enumerate(readers):
                view = views.inject_view(session, self.inject_id, reader)
                with TabPane(label(name), id=f"reader-{i}"):
                    card = InjectCard(classes="card")
                    card.show(view, state=session.state, reader=reader)
                    yield card
                    if view.options:
                        yield Static(self._options(view), classes="options")
        control = views.inject_view(session, self.inject_id, None)
        notes = []
        if control.expected:
            notes.append(f"Expected action: {control.expected}")
        if control.objectives:
            notes.append(f"Objectives: {', '.join(control.objectives)}")
        if not self.released:
            notes.append(f"Not released yet: texts read as they will if released now (turn "
                         f"{max(session.state.turn, 1)}, {session.scenario.time_of(max(session.state.turn, 1))}).")
        if notes:
            yield Static(plain("\n".join(notes)), classes="control-notes")

    def _options(self, view: views.InjectView) -> Group:
        palette = self.palette
        lines = [Text("Options, as this reader may take them now", style="bold")]
        for i, o in enumerate(view.options, 1):
            if o.unavailable:
                lines.append(Text.assemble(plain(f"  ✗ {i}. {o.label}", "dim"),
                                           plain(f" — not available: {o.unavailable}", palette.bad)))
            else:
                lines.append(plain(f"  {'▶' if o.chosen else ' '} {i}. {o.label}"))
        return Group(*lines)

    def buttons(self) -> ComposeResult:
        yield Button("Close (esc)", id="cancel", compact=True)
        if not self.released:
            yield Button("Delay one turn (d)", id="delay", compact=True)
            yield Button("Release now (r)", id="release", variant="primary", compact=True)

    def on_mount(self) -> None:
        if not self.released:
            self.query_one("#release", Button).focus()

    @on(Button.Pressed, "#release")
    def action_release(self) -> None:
        if not self.released:
            self.dismiss("release")

    @on(Button.Pressed, "#delay")
    def action_delay(self) -> None:
        if not self.released:
            self.dismiss("delay")

    def action_submit(self) -> None:
        self.action_release()


