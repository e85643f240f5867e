"""A one-line text box that Escape leaves, keeping what was typed.

In a box, letters and digits are text: a person typing "2 frigates, then d" means those words, not the tabs
and the decision key. So the box keeps them, and Escape is the way out: the footer says so while the box has
the focus, and the panel that holds the box moves the focus to its own list (`Left`), where the keys are
shortcuts again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class TextBox(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave the box", tooltip="Keep what you typed; the keys are shortcuts again"),
    ]

    def __init__(self, *args: Any, select_on_focus: bool = False, **kwargs: Any) -> None:
        # Coming back to a box (after Escape, or a draft restored after a crash) goes on from where the text
        # ends: selecting it all would let the first key typed wipe what was there.
        super().__init__(*args, select_on_focus=select_on_focus, **kwargs)

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
