"""Text from a scenario, a facilitator or a player, made ready for a Textual screen: the one way in.

Textual reads a `str` handed to a widget (Static, Label, Button, an option's prompt, a Select's choices, a
tab, a border title, a palette hit) as content markup, and Rich reads one in a Table cell or a Group the
same way: '[/]' stops the app with a MarkupError, '[@click=app.quit]' becomes an action a click runs and
'[UPDATE]' silently vanishes. A Rich `Text` or a Textual `Content` is never read as markup, so outside text
reaches a widget only as one of those, built here, after `engine.text.visible` has turned its control
characters into visible pictures (an ESC sequence must never reach the terminal).

Our own styling goes around outside text as spans, never as markup formatted around it:

    t = Text("From: ", style="dim")
    t.append(plain(view.sender))

Screen titles and sub-titles stay `str` (Textual's Header draws them as plain Content): `one_line` is
enough for them. Notifications are made plain once, in `TtxApp.notify` (a `Content` built from spans is
drawn as it is). `reflow` joins a paragraph's hard line breaks before `plain`, so long texts wrap to the panel;
`Hanging` keeps a wrapped line under the words it continues, not under a marker or a field name before them.

Right-to-left isolation (`engine.text.isolate`) is for reports: a terminal does not reorder text by
direction, and Textual would draw the isolate marks as cells of their own. The engine's sentences carry such
marks around the names they quote, so `visible` and `one_line` here take them out first.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import StyleType
from rich.table import Table
from rich.text import Text
from textual.content import Content

from ..engine import text as rules
from ..engine.text import reflow as reflow  # the one rule, shared with the reports

__all__ = ["Hanging", "Lines", "label", "one_line", "plain", "plain_line", "reflow", "visible"]


def visible(text: str) -> str:
    """`engine.text.visible` for a terminal: without the direction isolates a sentence put around names."""
    return rules.visible(rules.without_isolates(text))


def one_line(text: str) -> str:
    """`engine.text.one_line` for a terminal, likewise."""
    return rules.one_line(rules.without_isolates(text))


def plain(text: str, style: StyleType = "") -> Text:
    """`text` as Rich Text, never read as markup, its line breaks kept and its control characters shown."""
    return Text(visible(text), style=style)


def plain_line(text: str, style: StyleType = "") -> Text:
    """`plain(text)` on one line: for a list entry, a table cell, a heading."""
    return Text(one_line(text), style=style)


def label(text: str) -> Content:
    """One line of outside text as Textual Content: for a tab, a button, a check box, a border title."""
    return Content(one_line(text))


class Hanging:
    """A lead ('▶ ', '   Moved: ') and the text after it, whose wrapped lines start under the text, not at the
    left edge: an option's label, a field's value. Drawn as a two-column grid; `str()` and `plain` give its
    words (as a `Text` prompt would), so code and tests read it as they read a `Text`."""

    def __init__(self, lead: Text, body: Text) -> None:
        self.lead, self.body = lead, body

    @property
    def plain(self) -> str:
        return self.lead.plain + self.body.plain

    def __str__(self) -> str:
        return self.plain

    def __eq__(self, other: object) -> bool:  # a widget compares what it would draw with what it shows
        return isinstance(other, Hanging) and (self.lead, self.body) == (other.lead, other.body)

    __hash__ = None  # type: ignore[assignment]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid()
        grid.add_column(width=cell_len(self.lead.plain), no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(self.lead, self.body)
        yield grid


class Lines:
    """Text and `Hanging` lines one under another (as a Rich Group draws them), whose `str()` is their words."""

    def __init__(self, items: Iterable[Text | Hanging] = ()) -> None:
        self.items = list(items)

    def append(self, item: Text | Hanging) -> None:
        self.items.append(item)

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.items)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.items
