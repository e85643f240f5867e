"""The one rule for a spreadsheet cell (engine/cells.py): nothing a spreadsheet would run, and undone exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.engine.cells import FORMULA_START, cell, defuse, undo


@pytest.mark.parametrize(("text", "shown"), [
    ("=1+1", "'=1+1"), ("+A1", "'+A1"), ("-A1", "'-A1"), ("@SUM(A1)", "'@SUM(A1)"), ("\uff1dA1", "'\uff1dA1"),
    (" \t=1", "' \t=1"), ("- a list item", "'- a list item"), ("-2+3", "'-2+3"),
    ("-3", "-3"), ("+5", "+5"), ("2.5e3", "2.5e3"), (" -0.5 ", " -0.5 "),  # numbers are only read
    ("plain", "plain"), ("", ""), ("'quoted", "'quoted"), ("'=x", "''=x"),
])
def test_what_is_defused(text: str, shown: str) -> None:
    assert defuse(text) == shown
    assert undo(shown) == text


def test_controls_are_shown_before_the_rule() -> None:
    assert cell("\x1b=x") == "␛=x" and cell("=\x07") == "'=␇"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@given(st.text(alphabet=st.sampled_from("'= +-@1.e\uff1dax\t")))
def test_undo_takes_back_exactly_what_defuse_added(text: str) -> None:
    shown = defuse(text)
    assert undo(shown) == text
    # What a spreadsheet gets starts with no formula character, or is a number it only reads.
    assert shown.lstrip()[:1] not in FORMULA_START or _number(shown)
