"""Outside text in the report: what a scenario, a facilitator or a player wrote, as the report model holds it.

The one rule is `exercise.engine.text`; this module applies it where such text enters the report model, so every
format (Markdown, HTML, PDF, DOCX, the figures, the MSEL sheets) starts from text with no control character:
- `block`: text that keeps its line breaks (a rationale, a message, an observation, an inject's text);
- `line`: a name, a title, a label, on one line;
- `part`: a name or a title inside a sentence the report writes, isolated (FSI ... PDI) when it holds
  right-to-left letters, so that it cannot pull the words and numbers around it into its own direction;
- `sentence`: an English sentence the engine wrote with names in it (a timeline entry), on one line and read
  left to right even when it starts with a Hebrew or Arabic name.
Each format then escapes for itself and isolates each whole value: `render.py` (Markdown, HTML and so PDF),
`docx_blocks.py` (DOCX), `figure_drawing.py` (SVG, PNG), `export.py` (the sheets).

`guard` and `guard_tree` are the net under that: whatever string reaches a writer (an engine sentence, an id
from a hand-made session file) has its control characters shown, while the isolates the report itself put
around outside text stay working, as long as they pair up.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from ..engine.text import FSI, PDI, has_rtl, isolate, one_line, visible

_MARKS = re.compile(f"([{FSI}{PDI}])")
_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
LRM = "\u200e"  # left-to-right mark: an invisible letter with a left-to-right direction


# The fast paths below skip the rule where it would change nothing: `visible` changes no printable character
# (a test holds it to that), and printable text holds no white space but the plain space.

def block(value: object) -> str:
    """Outside text that keeps its line breaks, its control characters shown."""
    text = "" if value is None else str(value)
    return text if text.isprintable() else visible(text)


def line(value: object) -> str:
    """Outside text on one line: a name, a title, a label."""
    text = "" if value is None else str(value)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return one_line(text)


def part(value: object) -> str:
    """Outside text inside a sentence the report writes: on one line, isolated when it holds RTL letters."""
    return isolate(line(value))


def sentence(value: object) -> str:
    """An English sentence the engine wrote with outside names in it, on one line. Isolated as a whole it would
    take its direction from its first letter, a name's perhaps: a left-to-right mark leads it instead."""
    text = line(value)
    return LRM + text if has_rtl(text) else text


def starts_rtl(text: str) -> bool:
    """Whether the first letter with a strong direction, outside any isolate within, is right-to-left: the
    direction FSI and HTML's dir="auto" give a run, for a writer that must state it (WeasyPrint reads no "auto")."""
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(ch)
            if kind == "L":
                return False
            if kind in ("R", "AL"):
                return True
    return False


def _balanced(pieces: list[str]) -> bool:
    depth = 0
    for piece in pieces:
        if piece == FSI:
            depth += 1
        elif piece == PDI:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def guard(text: str) -> str:
    """`text` with every control character shown (as `visible` shows it), keeping FSI ... PDI pairs, which only
    `part` and the writers' own isolation put there; an unpaired mark is shown too."""
    if text.isprintable():  # visible() changes no printable character (a test holds it to that)
        return text
    pieces = _MARKS.split(text)
    if not _balanced(pieces):
        return visible(text)
    return "".join(p if p in (FSI, PDI) else visible(p) for p in pieces)


def guard_tree(obj: object) -> None:
    """`guard` every string field of a report model in place: its dataclasses, and the lists, tuples and dicts in
    them (a figure's shapes). Run once over a whole model after it is built."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = vars(obj)
        for name, value in fields.items():
            if type(value) is str:
                if not value.isprintable():  # the common case, printable, needs no new string
                    fields[name] = guard(value)
            elif value is not None and type(value) not in (int, float, bool):
                fields[name] = _guard_value(value)


def _guard_value(value: object) -> object:
    if type(value) is str:
        return value if value.isprintable() else guard(value)
    if isinstance(value, list):
        value[:] = [_guard_value(x) for x in value]
    elif isinstance(value, tuple):
        return tuple(_guard_value(x) for x in value)
    elif isinstance(value, dict):
        for k, v in value.items():
            value[k] = _guard_value(v)
    elif value is not None and type(value) not in (int, float, bool):
        guard_tree(value)
    return value
