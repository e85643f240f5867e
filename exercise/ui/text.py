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
enough for them. Notifications are made plain once, in `TtxApp.notify`.

Right-to-left isolation (`engine.text.isolate`) is for reports: a terminal does not reorder text by
direction, and Textual would draw the isolate marks as cells of their own.
"""

from __future__ import annotations

from rich.style import StyleType
from rich.text import Text
from textual.content import Content

from ..engine.text import one_line, visible

__all__ = ["label", "one_line", "plain", "plain_line", "visible"]


def plain(text: str, style: StyleType = "") -> Text:
    """`text` as Rich Text, never read as markup, its line breaks kept and its control characters shown."""
    return Text(visible(text), style=style)


def plain_line(text: str, style: StyleType = "") -> Text:
    """`plain(text)` on one line: for a list entry, a table cell, a heading."""
    return Text(one_line(text), style=style)


def label(text: str) -> Content:
    """One line of outside text as Textual Content: for a tab, a button, a check box, a border title."""
    return Content(one_line(text))
