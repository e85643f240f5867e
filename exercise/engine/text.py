"""Text from a scenario, a facilitator or a player, as it may be shown anywhere: the one place that decides.

Such text is shown as text on every screen and in every report. This module removes what would act instead
of being read: control characters (a terminal obeys ESC sequences; NUL and CR corrupt a file or overwrite a
line) become visible pictures, line breaks are normalised, and `isolate` wraps a run whose direction is
unknown so that right-to-left words cannot reorder what stands around them. Escaping for a format (Textual
markup, HTML, Markdown) is the job of that format's writer, on top of this.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

# C0 controls except tab and newline, DEL, and the C1 controls (which some terminals obey like ESC sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Unicode's own line and paragraph separators, and CR LF / lone CR from other systems' text.
_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
# Directional embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI): an unbalanced
# one changes how everything after it is drawn. Shown as a visible mark; plain RTL letters need none of them.
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")

FSI = "\u2068"  # first strong isolate: the run takes the direction of its first strong letter
PDI = "\u2069"  # pop directional isolate
_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_ISOLATE_MARKS = re.compile(f"[{FSI}{PDI}]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ␁ … ␛ …
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"  # a C1 control has no picture


def visible(text: str) -> str:
    """`text` with line breaks as '\\n' and every other control character shown as a visible picture."""
    text = _BREAKS.sub("\n", text)
    text = _CONTROL.sub(_picture, text)
    return _BIDI_CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def one_line(text: str) -> str:
    """`visible(text)` on a single line: runs of white space (line breaks included) become one space."""
    return " ".join(visible(text).split())


def has_rtl(text: str) -> bool:
    """Whether `text` holds right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko...)."""
    return _RTL.search(text) is not None


def isolate(text: str) -> str:
    """`text` inside a first-strong isolate (FSI ... PDI) when it holds right-to-left letters, else as is: in a
    plain-text or Markdown report a Hebrew or Arabic rationale then cannot pull the punctuation and numbers
    around it into its own direction. The engine's sentences ("{name} decided on '{title}': {label}") isolate
    each outside value where they put it in."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text


def first_strong_direction(text: str) -> Literal["ltr", "rtl"] | None:
    """The direction of the first letter with a strong direction, skipping what stands inside an isolate (to its
    PDI, or to the end when it has none): the direction FSI and HTML's dir="auto" give a run (Unicode's rule P2),
    for a writer that must state it (WeasyPrint reads no "auto"). None when no letter has one (digits, marks)."""
    depth = 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(ch)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return None


def without_isolates(text: str) -> str:
    """`text` without the FSI ... PDI pairs `isolate` put in, for a terminal: it does not reorder text by
    direction, and would draw the marks as cells of their own (or `visible` would show them). Marks that do not
    pair up are left for `visible` to show."""
    if FSI not in text:
        return text
    depth = 0
    for ch in _ISOLATE_MARKS.findall(text):
        depth += 1 if ch == FSI else -1
        if depth < 0:
            return text
    return _ISOLATE_MARKS.sub("", text) if depth == 0 else text


# Spaces and tabs only, and lines split at '\n' only: str.split() and str.strip() would also take the control
# characters Unicode counts as line breaks or spaces (\x1c, \x85, \u2028...), which `visible` is to show.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)*\n")  # one blank line or more
_OWN_LINE = re.compile(r"^(?:  |\t|[ \t]*(?:[-*•]|\d+[.)])[ \t]|[ \t]*\|)")  # indented, a list item, a table row
_BLANK = " \t\n"


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of a paragraph, so the terminal (or a report's column) wraps it to its own
    width instead of at the author's editor width (a YAML block keeps every line break as written). Blank lines
    part paragraphs (one, however many were written); an indented line, a list item ('-', '*', '•', '1.', '1)')
    and a table row ('|') keep a line of their own. Only spaces and line breaks change."""
    out: list[str] = []
    for para in _PARAGRAPH_BREAK.split(text.strip(_BLANK)):
        lines: list[str] = []
        for line in para.split("\n"):
            if lines and not _OWN_LINE.match(line):
                lines[-1] = lines[-1].rstrip(_BLANK) + " " + line.strip(_BLANK)
            else:
                lines.append(line.rstrip(_BLANK))
        out.append("\n".join(lines))
    return "\n\n".join(out)
