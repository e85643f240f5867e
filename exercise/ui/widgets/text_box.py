"""A one-line text box that Escape leaves, keeping what was typed.

In a box, letters and digits are text: a person typing "2 frigates, then d" means those words, not the tabs
and the decision key. So the box keeps them, and Escape is the way out: the footer says so while the box has
the focus, and the panel that holds the box moves the focus to its own list (`Left`), where the keys are
shortcuts again.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class TextBox(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave the box", tooltip="Keep what you typed; the keys are shortcuts again"),
    ]

    class Left(Message):
        """Escape was pressed in the box: the focus is to go elsewhere (the box keeps its text)."""

        def __init__(self, box: TextBox) -> None:
            super().__init__()
            self.box = box

        @property
        def control(self) -> TextBox:
            return self.box

    def action_leave(self) -> None:
        self.post_message(self.Left(self))
