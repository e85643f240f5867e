"""Outside text in the report: what a scenario, a facilitator or a player wrote, as the report model holds it.

The one rule is `exercise.engine.text`; this module applies it where such text enters the report model, so every
format (Markdown, HTML, PDF, DOCX, the figures, the MSEL sheets) starts from text with no control character:
- `block`: text that keeps its line breaks (a rationale, a message, an observation, an inject's text);
- `line`: a name, a title, a label, on one line;
- `part`: a name or a title inside a sentence the report writes, isolated (FSI ... PDI) when it holds
  right-to-left letters, so that it cannot pull the words and numbers around it into its own direction;
- `sentence`: an English sentence the engine wrote with names in it (a timeline entry), on one line; the
  engine isolated each name where it put it in (`engine.text.isolate`), and those isolates are kept, so the
  sentence reads left to right from its own first word even when a Hebrew or Arabic name comes first.
Each format then escapes for itself and isolates each whole value: `render.py` (Markdown, HTML and so PDF),
`docx_blocks.py` (DOCX), `figure_drawing.py` (SVG, PNG), `export.py` (the sheets).

`guard` and `guard_tree` are the net under that: whatever string reaches a writer (an engine sentence, an id
from a hand-made session file) has its control characters shown, while the isolates the report itself put
around outside text stay working, as long as they pair up.
"""

from __future__ import annotations

import dataclasses
import re

from ..engine.text import FSI, PDI, isolate, one_line, visible

_MARKS = re.compile(f"([{FSI}{PDI}])")


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
    """A sentence (or a list of names) the engine or the report wrote with outside values in it, each isolated
    where it stands: on one line, its control characters shown, the isolates kept as long as they pair up (`guard`).
    Isolated as a whole, it then takes its direction from its own first word, the names inside skipped."""
    text = "" if value is None else str(value)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(guard(text).split())


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
