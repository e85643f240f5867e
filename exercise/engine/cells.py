"""Outside text in a spreadsheet cell: shown as text, never run as a formula. The one rule for every sheet tabletop
writes (the scenario MSEL, the MSEL as played, the event log as CSV) and reads back (`tabletop msel import`).

A spreadsheet runs a cell as a formula when its text starts, after any white space, with '=', '+', '-' or '@'
(or their full-width forms, which some read the same way): `=HYPERLINK(...)` in an inject's title would become a
live link, `@SUM(...)` a calculation. `defuse` puts an apostrophe before such a text, OWASP's advice: Excel and
LibreOffice then show it as text. A plain number ('-3', '+5', '2.5e3') is left alone: a spreadsheet reads it as
that number, and nothing runs.

`undo` takes the apostrophe back off, so a sheet exported and imported again holds the same words. A text that
already starts with apostrophes before such a character gets one more, so `undo` never eats one of its own.
"""

from __future__ import annotations

import re

from .text import visible

FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _runs(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula (a plain number does not count: it is only read)."""
    start = text.lstrip()
    return start[:1] in FORMULA_START and _NUMBER.fullmatch(start.rstrip()) is None


def _needs_quote(text: str) -> bool:
    return _runs(text.lstrip("'"))


def defuse(text: str) -> str:
    """`text` with an apostrophe before it when a spreadsheet would run it as a formula; any other text as it is."""
    return "'" + text if _needs_quote(text) else text


def undo(text: str) -> str:
    """What `defuse` was given: the apostrophe it added taken off, any other text as it is."""
    return text[1:] if text[:1] == "'" and _needs_quote(text[1:]) else text


def cell(text: str) -> str:
    """Outside text for a spreadsheet cell: its control characters shown (`text.visible`), a formula defused."""
    return defuse(visible(text))
