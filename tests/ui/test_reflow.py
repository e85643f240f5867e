"""`reflow`, the one rule for a long text's line breaks on every screen (inject card, preview, brief, debrief)."""

from __future__ import annotations

import pytest

from exercise.ui.text import plain, reflow


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
