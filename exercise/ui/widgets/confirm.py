"""A yes/no question in a small dialog: y (or Enter on the focused Yes button) confirms, n or Escape cancels.
The question is plain text (it may name nations): never read as markup.

With `enter_confirms=False` (for a step that cannot be undone, such as ending a solo turn) the dialog
opens with the No button focused, so a stray Enter cancels: only y or a click on Yes confirms."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..text import label, plain


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64; max-width: 95%; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen .question { margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", *, enter_confirms: bool = True) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no
        self.enter_confirms = enter_confirms

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question), classes="question")
            with Horizontal():
                yield Button(label(f"{self.no} [n]"), id="no")
                yield Button(label(f"{self.yes} [y]"), id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.enter_confirms else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
