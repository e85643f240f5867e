"""Outside text in a Markdown report: shown as the characters it is, never as Markdown or HTML structure.

Every value a Markdown template prints goes through one of these, on top of the one rule (`engine.text`, through
`outside.guard`): control characters shown, the characters CommonMark, GFM and inline HTML act on backslash-escaped
(`* _ [ ] < > | # ` and the rest), a line that would start a list, a heading, a quote or a numbered item
defused, and a value that holds right-to-left letters isolated (FSI ... PDI), so a Hebrew or Arabic rationale
cannot reorder the numbers and punctuation the report writes around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup

from ..engine.text import isolate
from .outside import guard


class MdSafe(Markup):
    """Text already escaped for Markdown (by a filter, or a macro's output); never escaped again."""

    __slots__ = ()


# Backslash escapes work before any ASCII punctuation in CommonMark; these are the ones that can start structure:
# emphasis, code, links (and so images), raw HTML and entities, tables, strikethrough, headings, GitHub's math.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#&{}$])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def _text(value: object) -> str:
    return "" if value is None else guard(str(value))


def _fold(text: str) -> str:
    """White space (line breaks included) folded to single spaces: a value that must stay on one line."""
    return " ".join(text.split())


def md_escape(value: object) -> str:
    """A value's text escaped for Markdown anywhere, even at the start of a line, and isolated if right-to-left."""
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = _MD_INLINE.sub(r"\\\1", _text(value))
    text = _MD_LINE_START.sub(lambda mt: mt.group(1) + "\\" + mt.group(2), text)
    return isolate(_MD_ORDERED.sub(lambda mt: mt.group(1) + "\\" + mt.group(2), text))


def md_inline(value: object) -> str:
    """A value escaped for the middle of a line (a table cell, inside a sentence), isolated if right-to-left."""
    if isinstance(value, Markup):
        return str(value)
    return isolate(_MD_INLINE.sub(r"\\\1", _text(value)))


def md_cell(value: object) -> MdSafe:
    """A value for a Markdown table cell: escaped, on one line."""
    if isinstance(value, Markup):
        return MdSafe(_fold(str(value)))
    return MdSafe(md_inline(_fold(_text(value))))


def paragraphs(value: object) -> list[str]:
    """Text split into paragraphs at blank lines, each on one line."""
    return [_fold(p) for p in re.split(r"\n\s*\n", _text(value)) if p.strip()]


def md_block(value: object) -> MdSafe:
    """A value as Markdown paragraphs: escaped; blank lines kept as paragraph breaks, other line breaks joined."""
    return MdSafe("\n\n".join(md_escape(p) for p in paragraphs(value)))


def md_quote(value: object) -> MdSafe:
    """A value as a Markdown block quote (every line prefixed with '> ')."""
    body = md_block(value)
    return MdSafe("\n".join(("> " + line) if line else ">" for line in body.split("\n")))


def md_code(value: object, table: bool = True) -> MdSafe:
    """A value as a Markdown code span, its fence longer than any run of backticks inside it. In a GFM table a
    '|' ends the cell even inside a code span, unless escaped (and the table then shows the bare '|')."""
    text = _fold(_text(value))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    if table:
        text = text.replace("|", "\\|")
    return MdSafe(isolate(f"{fence}{pad}{text}{pad}{fence}"))


def md_join(items: Iterable[object], separator: str = "") -> MdSafe:
    """Jinja's `join` for Markdown: each item escaped (the built-in would escape them for HTML)."""
    return MdSafe(str(separator).join(md_inline(x) for x in items))


class MdText:
    """A value on its way out of a Markdown template: Jinja's autoescape calls `__html__`, which escapes it for
    Markdown (not for HTML), so every `{{ value }}` is escaped once and a macro's output, already safe, is not
    escaped twice."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __html__(self) -> str:
        return md_escape(self.value)


def md_finalize(value: object) -> object:
    return value if hasattr(value, "__html__") else MdText(value)
