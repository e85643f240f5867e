"""How long texts wrap on every screen: `reflow` (inject card, preview, brief, debrief) joins an author's hard
line breaks; `Hanging` keeps wrapped lines under the words they continue (options, the inbox, the debrief)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from exercise.ui.text import Hanging, Lines, plain, reflow


@pytest.mark.parametrize(("written", "shown"), [
    ("Rolling blackouts\nacross the north.\n", "Rolling blackouts across the north."),
    ("One.\n\nTwo\nlines.", "One.\n\nTwo lines."),
    ("One.\n  \n\n\t\nTwo.", "One.\n\nTwo."),  # blank lines with spaces on them, several: one break
    ("Do this:\n- first\n- second\nstill second\n* third\n• fourth", "Do this:\n- first\n- second still second\n"
                                                                      "* third\n• fourth"),
    ("Steps:\n1. call\n2) write\n10. wait", "Steps:\n1. call\n2) write\n10. wait"),
    ("Table:\n| a | b |\n|---|---|", "Table:\n| a | b |\n|---|---|"),
    ("Quote:\n  indented stays\n\tso does a tab", "Quote:\n  indented stays\n\tso does a tab"),
    ("trailing   \nspaces", "trailing spaces"),
    ("-5 degrees\nat night", "-5 degrees at night"),  # no space after the dash: a word, not an item
    ("", ""),
])
def test_reflow(written: str, shown: str) -> None:
    assert reflow(written) == shown


def test_reflow_changes_only_spaces_and_line_breaks() -> None:
    # Control characters Unicode counts as line breaks or spaces stay, for `plain` to show as pictures.
    written = "a\x1cb\x85c\u2028d\x0be\nnext\x1f"
    assert reflow(written) == "a\x1cb\x85c\u2028d\x0be next\x1f"
    assert plain(reflow(written)).plain == "a␜b\nc\nd␋e next␟"  # `visible`'s rule, as for any outside text


def drawn(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_hanging_keeps_wrapped_lines_under_the_words() -> None:
    option = Hanging(Text("▶ "), plain("Share the indicators with Norvia's partners, from Kessland, now [b]"))
    assert drawn(option, 30) == ["▶ Share the indicators with", "  Norvia's partners, from", "  Kessland, now [b]"]
    assert str(option) == option.plain == "▶ Share the indicators with Norvia's partners, from Kessland, now [b]"
    field = Hanging(Text("   Moved: "), Text("Alliance cohesion +5, Trust Kessland → Norvia +5"))
    assert drawn(field, 40) == ["   Moved: Alliance cohesion +5, Trust", "          Kessland → Norvia +5"]


def test_lines_draw_one_under_another_and_read_as_words() -> None:
    lines = Lines([Text("Heading")])
    lines.append(Hanging(Text("• "), Text("an item")))
    assert drawn(lines, 40) == ["Heading", "• an item"]
    assert str(lines) == "Heading\n• an item"
