"""A text drawn from the whole log (a team's History, its Coalition feed): redrawn when the log changes, and
only while it is in view, since each draw walks the timeline."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from textual.widgets import Static

from ...engine.state import Entry
from ..controller import SessionController
from .drawn import DrawnFromLog


class LogText(DrawnFromLog, Static):
    def __init__(self, controller: SessionController, render: Callable[[], RenderableType], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller
        self._render_text = render

    def on_mount(self) -> None:
        self.follow_log(draw_now=False)  # drawn when its tab is first shown

    def draw(self, new: list[Entry] | None) -> None:
        self.update(self._render_text())
