"""Write an inject on the spot: recipients, title, text, an optional objective and options."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import (
    Input,
    Select,
    TextArea,
)

from ...controller import SessionController
from ...text import label, plain_line
from .base import Dialog, Tick, field


@dataclass(frozen=True)
class WrittenInject:
    id: str
    to: list[str]
    title: str
    text: str
    objective: str | None
    options: list[dict[str, str]]


def parse_options(text: str) -> tuple[list[dict[str, str]], str | None]:
    """'id: label' lines into options; (options, problem)."""
    out: list[dict[str, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        oid, sep, label = line.partition(":")
        oid = oid.strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", oid) or not label.strip():
            return [], f"Option line {n} should read 'id: label', e.g. 'accept: Accept the offer'."
        if any(o["id"] == oid for o in out):
            return [], f"Option id '{oid}' appears twice."
        out.append({"id": oid, "label": label.strip()})
    if len(out) == 1:
        return [], "A decision needs at least two options (or none, for information only)."
    return out, None


class WriteInjectDialog(Dialog):
    TITLE = "Write an inject on the spot (released at once)"
    OK = "Release"

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller

    def suggested_id(self) -> str:
        taken = set(self.controller.scenario.injects) | set(self.controller.state.written)
        n = len(self.controller.state.written) + 1
        while f"control-{n}" in taken:
            n += 1
        return f"control-{n}"

    def body(self) -> ComposeResult:
        sc = self.controller.scenario
        yield field("Id (unique)", first=True)
        yield Input(self.suggested_id(), id="inject-id", compact=True)
        yield field("To (space ticks)")
        choices: list[tuple[str, str]] = [("Everyone", "all")]
        choices += [(n.short or n.name, nid) for nid, n in sc.nations.items()]
        choices += [(f"{o.short or o.name} (organisation)", oid) for oid, o in sc.orgs.items()]
        with Vertical(classes="ticks", id="to"):
            for name, value in choices:
                yield Tick(label(name), id=f"to-{value}", compact=True, name=value)
        yield field("Title")
        yield Input(id="title", placeholder="Breaking: …", compact=True)
        yield field("Text (what the recipients read)")
        yield TextArea(id="text", compact=True, classes="tall")
        yield field("Objective (optional)")
        objectives = [(plain_line(f"{o.id}: {o.text}"), o.id) for o in sc.model.objectives]
        yield Select(objectives, id="objective", prompt="No objective", compact=True)
        yield field("Options (optional, one 'id: label' per line; none = information only)")
        yield TextArea(id="options", compact=True)

    def on_mount(self) -> None:
        self.query_one("#to-all").focus()

    def result(self) -> WrittenInject | None:
        inject_id = self.query_one("#inject-id", Input).value.strip()
        to = [t.name or "" for t in self.query(Tick) if t.value]
        title = self.query_one("#title", Input).value.strip()
        text = self.query_one("#text", TextArea).text.strip()
        objective = self.query_one("#objective", Select).value
        options, bad = parse_options(self.query_one("#options", TextArea).text)
        taken = set(self.controller.scenario.injects) | set(self.controller.state.written)
        problem, focus = None, None
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", inject_id):
            problem, focus = "The id is letters, digits, '-', '_' or '.', e.g. control-1.", "#inject-id"
        elif inject_id in taken:
            problem, focus = f"'{inject_id}' is already an inject id.", "#inject-id"
        elif not to:
            problem, focus = "Choose at least one recipient.", "#to-all"
        elif not text:
            problem, focus = "Write the text the recipients will read.", "#text"
        elif bad:
            problem, focus = bad, "#options"
        if problem:
            self.problem(problem)
            self.query_one(focus or "#text").focus()
            return None
        if "all" in to:
            to = ["all"]
        return WrittenInject(inject_id, to, title, text, objective if isinstance(objective, str) else None,
                             options)


