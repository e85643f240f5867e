"""Adjudicate: change a state value (+5, -3, or =40 to set) with a reason for the record."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.widgets import (
    Input,
    Select,
    Static,
)

from ....engine import words
from ...controller import SessionController
from ...text import plain, plain_line
from ...widgets.gauges import number
from .base import Dialog, field

if TYPE_CHECKING:
    from ....engine.models import StateVar


@dataclass(frozen=True)
class Adjudication:
    key: str
    change: float
    mode: str  # 'add' | 'set'
    reason: str


_CHANGE = re.compile(r"^\s*(=)?\s*([+-]?\s*\d+(?:\.\d+)?)\s*$")


def parse_change(text: str) -> tuple[float, str] | None:
    """'+5', '-3', '5' (add) or '=40' (set): (amount, mode), or None when it is not a number."""
    m = _CHANGE.match(text.replace("−", "-"))
    if not m:
        return None
    return float(m.group(2).replace(" ", "")), "set" if m.group(1) else "add"


def change_problem(name: str, spec: StateVar, amount: float, mode: str) -> str | None:
    """Why a change typed for the value `name` cannot be meant, or None. A number past the value's range is a
    slip of the keyboard, not an adjudication: '999…9' (400 digits) reads as infinity, and '=500' on a 0–100
    value would be stored as typed and only then cut to 100 by the engine."""
    lo, hi = number(spec.min), number(spec.max)
    if not math.isfinite(amount):
        return f"That number is too large: {name} ranges from {lo} to {hi}."
    if mode == "set" and not spec.min <= amount <= spec.max:
        return f"{name} ranges from {lo} to {hi}: ={amount:g} is outside it."
    if mode == "add" and abs(amount) > spec.max - spec.min:
        return f"A change of {amount:+g} is more than the whole range of {name} ({lo} to {hi})."
    return None


class AdjudicateDialog(Dialog):
    TITLE = "Adjudicate: change a state value, with a reason"
    OK = "Adjudicate"

    def __init__(self, controller: SessionController, key: str | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.initial = key

    def body(self) -> ComposeResult:
        sc = self.controller.scenario
        state = self.controller.state
        # In the layout's order: the global values, then each per-nation variable for every nation in turn, then
        # the pairs; each named with its nation(s) in words, as the log and the report name it.
        options = [(plain_line(f"{words.variable(sc, k)} (now {number(state.value(k))})"), k) for k in sc.layout.keys]
        yield field("State value", first=True)
        yield Select(options, id="key", prompt="Choose a state value", compact=True,
                     value=self.initial if self.initial in sc.layout.keys else Select.NULL)
        yield field("Change: +5 or -3 to add, =40 to set")
        yield Input(id="change", placeholder="+5", compact=True)
        yield Static("", id="preview", classes="hint")
        yield field("Reason (required: it goes into the log and the report)")
        yield Input(id="reason", placeholder="e.g. the press conference went badly", compact=True)

    def on_mount(self) -> None:
        self.query_one("#key" if self.initial is None else "#change").focus()
        self._preview()

    def _spec(self, key: str) -> StateVar:
        sc = self.controller.scenario
        return sc.vars[sc.layout.var_of[sc.layout.slot(key) or 0]]

    @on(Select.Changed)
    @on(Input.Changed)
    def _preview(self) -> None:
        key = self.query_one("#key", Select).value
        parsed = parse_change(self.query_one("#change", Input).value)
        if not isinstance(key, str):
            self.query_one("#preview", Static).update("")
            return
        sc = self.controller.scenario
        spec = self._spec(key)
        now = self.controller.state.value(key)
        name = words.variable(sc, key)
        wrong = change_problem(name, spec, *parsed) if parsed else None
        lower = "; lower is better" if spec.good == "low" else ""
        if parsed is None or wrong:
            text = wrong or f"{name} is {number(now)} (range {number(spec.min)}–{number(spec.max)}{lower})"
        else:
            amount, mode = parsed
            new = min(max(amount if mode == "set" else now + amount, spec.min), spec.max)
            if spec.type == "int":
                new = float(round(new))
            judged = words.judgement(sc, key, new - now)
            moved = f" ({words.signed(new - now)}, {judged})" if judged else " (no change)"
            text = f"{name}: {number(now)} → {number(new)}{moved}; range {number(spec.min)}–{number(spec.max)}{lower}"
        self.query_one("#preview", Static).update(plain(text))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def result(self) -> Adjudication | None:
        key = self.query_one("#key", Select).value
        parsed = parse_change(self.query_one("#change", Input).value)
        reason = self.query_one("#reason", Input).value.strip()
        if not isinstance(key, str):
            self.problem("Choose the state value to change.")
            self.query_one("#key").focus()
            return None
        if parsed is None:
            self.problem("The change is a number: +5, -3, or =40 to set a value.")
            self.query_one("#change").focus()
            return None
        sc = self.controller.scenario
        wrong = change_problem(words.variable(sc, key), self._spec(key), *parsed)
        if wrong:
            self.problem(wrong)
            self.query_one("#change").focus()
            return None
        if not reason:
            self.problem("Give a reason: it goes into the log and the report.")
            self.query_one("#reason").focus()
            return None
        return Adjudication(key, parsed[0], parsed[1], reason)


