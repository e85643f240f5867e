"""Text from a scenario, a facilitator or a player, as it may be shown anywhere: the one place that decides.

Such text is shown as text on every screen and in every report. This module removes what would act instead
of being read: control characters (a terminal obeys ESC sequences; NUL and CR corrupt a file or overwrite a
line) become visible pictures, line breaks are normalised, and `isolate` wraps a run whose direction is
unknown so that right-to-left words cannot reorder what stands around them. Escaping for a format (Textual
markup, HTML, Markdown) is the job of that format's writer, on top of this.
"""

from __future__ import annotations

import re

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
    around it into its own direction."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text
