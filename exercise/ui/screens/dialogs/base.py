"""What every facilitator dialog shares: a titled box whose body scrolls, a problem line, buttons;
Escape cancels and ctrl+s saves. Also a confirmation with an optional or required reason, and ticks and
radio marks that show their state by a symbol, not by colour alone."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    Static,
    TextArea,
)

from ...text import plain
from ...widgets.gauges import Palette

DIALOG_CSS = """
Dialog { align: center middle; background: $background 60%; }
Dialog > #dialog {
    width: 84; max-width: 100%; height: auto; max-height: 100%;
    border: round $primary; background: $surface; padding: 0 1;
}
Dialog #dialog-title { text-style: bold; width: 1fr; padding: 0 0 1 0; }
Dialog #dialog-body { height: auto; }
Dialog .field-label { margin-top: 1; color: $text-muted; }
Dialog .field-label.-first { margin-top: 0; }
Dialog .hint { color: $text-muted; }
Dialog .problem { color: $text-error; text-style: bold; height: auto; }
Dialog Input, Dialog Select, Dialog TextArea, Dialog RadioSet { width: 1fr; }
Dialog Input, Dialog TextArea, Dialog SelectCurrent { background: $background; }
Dialog Input:focus, Dialog TextArea:focus, Dialog Select:focus > SelectCurrent { background: $primary 15%; }
Dialog .ticks { height: auto; layout: grid; grid-size: 2; grid-gutter: 0 2; }
Dialog Checkbox { width: 1fr; }
Dialog TextArea { height: 4; }
Dialog TextArea.tall { height: 6; }
Dialog RadioSet { height: auto; border: none; padding: 0; background: $surface; }
Dialog RadioSet:focus { background: $boost; }
Dialog #dialog-buttons { height: 1; margin-top: 1; align-horizontal: right; }
Dialog #dialog-buttons Button { margin-left: 2; min-width: 10; }
"""


class Dialog(ModalScreen[Any]):
    """A titled box with a scrolling body and a row of buttons; Escape cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar = [Binding("escape", "leave_or_cancel", "Cancel"),
                          Binding("ctrl+s", "submit", "Save", priority=True)]
    TITLE = ""
    OK = "Save"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(plain(self.dialog_title()), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield from self.body()
            yield Static("", classes="problem", id="problem")
            with Horizontal(id="dialog-buttons"):
                yield from self.buttons()

    def dialog_title(self) -> str:
        return getattr(self, "title_text", self.TITLE)

    def body(self) -> ComposeResult:
        yield from ()

    def buttons(self) -> ComposeResult:
        yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Button(f"{self.OK} (ctrl+s)", id="ok", variant="primary", compact=True)

    @on(events.Mount)
    def _steady_cursor(self) -> None:
        # A headless run (tests, screenshots) draws the same frame every time: no blinking cursor.
        if self.app.is_headless:
            for box in self.query("Input, TextArea"):
                box.cursor_blink = False  # type: ignore[attr-defined]

    @on(events.Mount)
    def _remember_what_was_there(self) -> None:
        self._untouched = self._typed()

    def _typed(self) -> tuple[str, ...]:
        return (*(box.value for box in self.query(Input)), *(area.text for area in self.query(TextArea)))

    def action_leave_or_cancel(self) -> None:
        """Escape never throws away what was typed: in a text box, with something written in the dialog, it
        leaves the box (the text kept) and says that Escape again closes without saving; otherwise it
        cancels, as it always did."""
        focused = self.focused
        if isinstance(focused, (Input, TextArea)) and self._typed() != getattr(self, "_untouched", ()):
            self.query_one("#dialog-body").focus()
            self.notify("Out of the text box, what you wrote kept: Esc again closes without saving, ctrl+s "
                        "saves.", title=self.dialog_title(), timeout=6)
            return
        self.action_cancel()

    def on_resize(self) -> None:
        # The body scrolls; the title, the problem line and the buttons always stay in view.
        self.query_one("#dialog-body").styles.max_height = max(4, self.size.height - 8)

    def problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(plain(text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        result = self.result()
        if result is not None:
            self.dismiss(result)

    def result(self) -> Any:
        return True

    @property
    def palette(self) -> Palette:
        return Palette.of(self.app.get_css_variables())


class Tick(Checkbox):
    """A checkbox whose mark is a tick or a blank, not a colour alone."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "✓" if self.value else " "


class Choice(RadioButton):
    """A radio button whose mark is a dot or a blank, not a colour alone."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "


def field(text: str, first: bool = False) -> Label:
    return Label(text, classes="field-label -first" if first else "field-label")


class ConfirmDialog(Dialog):
    """A question with what will happen in words; returns the reason typed (possibly '') or None. A `str`
    body is plain text (it quotes inject titles, nations, options): never read as markup."""

    def __init__(self, title: str, body: str | RenderableType, ok: str, *, reason: str | None = None,
                 reason_required: bool = False, danger: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.OK = ok
        self.text = body
        self.reason_label = reason
        self.reason_required = reason_required
        self.danger = danger

    def body(self) -> ComposeResult:
        yield Static(plain(self.text) if isinstance(self.text, str) else self.text, id="confirm-text")
        if self.reason_label is not None:
            yield field(self.reason_label)
            yield Input(id="reason", compact=True)

    def buttons(self) -> ComposeResult:
        yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Button(f"{self.OK} (ctrl+s)", id="ok", variant="error" if self.danger else "primary", compact=True)

    def on_mount(self) -> None:
        if self.reason_label is not None:
            self.query_one("#reason", Input).focus()
        else:
            self.query_one("#ok", Button).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_submit()

    def result(self) -> str | None:
        reason = self.query_one("#reason", Input).value.strip() if self.reason_label is not None else ""
        if self.reason_required and not reason:
            self.problem("Give a reason: it goes into the log and the report.")
            self.query_one("#reason", Input).focus()
            return None
        return reason

