"""An observation against an objective, with an HSEEP rating (P, S, M, U) in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from textual.app import ComposeResult
from textual.widgets import (
    RadioSet,
    Select,
    TextArea,
)

from ....engine import views
from ....engine.events import Rating
from ...controller import SessionController
from ...text import plain_line
from .base import Choice, Dialog, field


@dataclass(frozen=True)
class Observation:
    objective: str | None
    rating: Rating | None
    text: str


class ObservationDialog(Dialog):
    TITLE = "Note an observation against an objective"
    OK = "Note"

    def __init__(self, controller: SessionController, objective: str | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.initial = objective

    def body(self) -> ComposeResult:
        sc = self.controller.scenario
        objectives = [(plain_line(f"{o.id}: {o.text}"), o.id) for o in sc.model.objectives]
        first = self.initial or (objectives[0][1] if objectives else None)
        yield field("Objective", first=True)
        yield Select(objectives, id="objective", prompt="No objective (a general note)", compact=True,
                     value=first if first is not None else Select.NULL)
        yield field("Rating (HSEEP)")
        with RadioSet(id="rating"):
            for letter, words in views.RATING_WORDS.items():
                yield Choice(f"{letter}: {words}", id=f"rating-{letter}", compact=True)
            yield Choice("No rating: a note only", id="rating-none", value=True, compact=True)
        yield field("What you saw")
        yield TextArea(id="text", compact=True, classes="tall")

    def on_mount(self) -> None:
        self.query_one("#text").focus()

    def result(self) -> Observation | None:
        objective = self.query_one("#objective", Select).value
        text = self.query_one("#text", TextArea).text.strip()
        pressed = self.query_one("#rating", RadioSet).pressed_button
        rating = pressed.id.removeprefix("rating-") if pressed is not None and pressed.id else "none"
        if not text:
            self.problem("Write what you saw.")
            self.query_one("#text").focus()
            return None
        # The radio buttons are RATING_WORDS' letters and 'none'.
        return Observation(objective if isinstance(objective, str) else None,
                           None if rating == "none" else cast(Rating, rating), text)
