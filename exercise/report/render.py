"""Templates: Jinja2 files in `reports/` (or an organisation's own `--template-dir`), sandboxed and escaped.

Two environments, both `ImmutableSandboxedEnvironment` (a template cannot reach Python internals or
mutate the model it is given), and in both every `{{ value }}` goes through one function on its way out
(Jinja's `finalize`), so no template, bundled or an organisation's, can forget it:
- HTML (and so the PDF): `html_text`: control characters shown (`outside.guard`, on the one rule in
  `engine.text`), HTML-escaped (autoescape is on), wrapped in `<bdi>` when it holds right-to-left letters,
  and a very long word given places to break.
  Nothing outside is ever marked safe: only the figures' SVG, which `figure_drawing.py` writes with its
  own escaping, and the output of the templates' own macros. Inside an attribute or `<title>`, where a
  tag cannot stand, `|plain` gives the same text with the isolation as characters (FSI ... PDI) instead.
- Markdown: `markdown.md_escape` (through `MdText.__html__`, which Jinja's autoescape calls); use `|cell`
  in tables, `|block` for paragraphs, `|quote` for quotes, `|code` for ids and hashes.
Jinja's `join` (and, for Markdown, `e`/`escape`) are replaced by ones that escape each item the same way.

Player text is only ever a value in the context, never part of a template's source, so `{{ 7*7 }}` in a
rationale is printed as those seven characters.

Templates are looked up in the organisation's directory first, then in the bundled `reports/`, so an
organisation may replace one partial (its letterhead, the stylesheet) and keep the rest.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from ..engine.text import first_strong_direction, has_rtl, isolate
from ..resources import data_dir
from .markdown import (
    MdSafe,
    md_block,
    md_cell,
    md_code,
    md_escape,
    md_finalize,
    md_join,
    md_quote,
    paragraphs,
)
from .outside import guard
from .wording import delta, num

if TYPE_CHECKING:
    from .figures import Figure

__all__ = ["MdSafe", "environment", "html_text", "md_cell", "md_escape", "plain", "register_data_types", "render"]


# For print only: a run this long without white space gets a zero-width space (a break opportunity) every
# _BREAK_EVERY characters. CSS wraps it anyway (overflow-wrap: anywhere), and a browser needs no more; but
# WeasyPrint, finding no break opportunity near the start of a text, lays all the rest of it out again for each
# line: a 20,000-character word took minutes to print. (Fewer, further apart, or <wbr> elements, cost more.)
_LONG_RUN = re.compile(r"\S{80,}")
_BREAK_EVERY = 8
_ZWSP = "\u200b"
_JOINERS = frozenset("\u200c\u200d\ufe0e\ufe0f")


def _with_breaks(run: str) -> str:
    """`run` with a zero-width space about every _BREAK_EVERY characters, never before a combining mark or a
    joiner (they belong to the character before them)."""
    out: list[str] = []
    start = 0
    while len(run) - start > _BREAK_EVERY:
        cut = start + _BREAK_EVERY
        while cut < len(run) and (unicodedata.combining(run[cut]) or run[cut] in _JOINERS):
            cut += 1
        out.append(run[start:cut])
        start = cut
    out.append(run[start:])
    return _ZWSP.join(out)


def html_text(value: object, *, for_print: bool = False) -> Markup:
    """A value for HTML: controls shown, escaped, and isolated in `<bdi>` when it holds right-to-left letters,
    its direction stated (as dir="auto" would find it) because WeasyPrint, which draws the PDF, reads no "auto".
    `for_print`: the HTML WeasyPrint will draw, a very long word given places to break (see _LONG_RUN)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    text = "" if value is None else guard(str(value))
    if for_print and len(text) >= 80:
        text = _LONG_RUN.sub(lambda m: _with_breaks(m.group()), text)
    shown = escape(text)
    # A string the report wrote is ASCII; only outside text can hold right-to-left letters.
    if text.isascii() or not has_rtl(text):
        return shown
    return Markup(f'<bdi dir="{first_strong_direction(text) or "ltr"}">{shown}</bdi>')


def _html_finalize(for_print: bool) -> Callable[[object], object]:
    def finalize(value: object) -> object:
        if type(value) is str and value.isascii() and value.isprintable() and (not for_print or len(value) < 80):
            return value  # nothing to show or isolate: Jinja's autoescape escapes it (most values, and fast)
        if hasattr(value, "__html__") or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return value
        return html_text(value, for_print=for_print)

    return finalize


def plain(value: object) -> Markup:
    """A value for an HTML attribute or `<title>`: on one line, controls shown, escaped, isolated as characters."""
    return escape(isolate(one_line(value)))


def _html_join(for_print: bool) -> Callable[..., Markup]:
    def join(items: Iterable[object], separator: str = "") -> Markup:
        """Jinja's `join` for HTML: each item shown as `{{ item }}` would show it."""
        return escape(separator).join(html_text(x, for_print=for_print) for x in items)

    return join


def one_line(value: object) -> str:
    """A value's text with its control characters shown and its white space folded to single spaces."""
    return " ".join(guard("" if value is None else str(value)).split())


def short_hash(value: object, k: int = 12) -> str:
    return str(value or "")[:k]


def _svg(fig: Figure) -> Markup:
    return Markup(fig.svg)  # written by figure_drawing.to_svg, every text in it escaped


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with one fast path: a public field of the report's own plain data classes (the model's
    rows and sections, registered in `DATA_TYPES`) is read directly. Everything else (strings, lists,
    dicts, methods, any name starting with '_') goes through the sandbox's checks as usual. A 10,000-event
    timeline reads about 100,000 such fields; the checks would double the time to render it."""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) in DATA_TYPES and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


DATA_TYPES: set[type] = set()


def register_data_types(*types: type) -> None:
    """Mark plain data classes (fields only, nothing that acts) whose public fields templates may read directly."""
    DATA_TYPES.update(types)


def _common_filters() -> dict[str, Callable[..., object]]:
    return {"num": num, "delta": delta, "paragraphs": paragraphs, "one_line": one_line, "short_hash": short_hash}


def environment(kind: str, template_dir: str | Path | None = None) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for 'html', 'print' (the HTML of a PDF) or 'md' templates (made once per kind
    and folder)."""
    key = (kind, str(Path(template_dir).resolve()) if template_dir is not None else None)
    env = _ENVS.get(key)
    if env is None:
        env = _ENVS[key] = _environment(kind, template_dir)
    return env


_ENVS: dict[tuple[str, str | None], ImmutableSandboxedEnvironment] = {}


def _environment(kind: str, template_dir: str | Path | None = None) -> ImmutableSandboxedEnvironment:
    dirs: list[FileSystemLoader] = []
    if template_dir is not None:
        path = Path(template_dir)
        if not path.is_dir():
            raise FileNotFoundError(f"{template_dir}: no such template directory")
        dirs.append(FileSystemLoader(str(path)))
    dirs.append(FileSystemLoader(str(data_dir("reports"))))
    loader = ChoiceLoader(dirs)
    if kind in ("html", "print"):
        for_print = kind == "print"
        env = ReportSandbox(autoescape=True, finalize=_html_finalize(for_print), loader=loader,
                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                            auto_reload=True)
        env.filters.update(_common_filters())
        env.filters.update({"svg": _svg, "plain": plain, "join": _html_join(for_print)})
    elif kind == "md":
        env = ReportSandbox(autoescape=True, finalize=md_finalize, loader=loader, undefined=StrictUndefined,
                            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=True)
        env.filters.update(_common_filters())
        env.filters.update({"cell": md_cell, "code": md_code, "block": md_block, "quote": md_quote,
                            "md_escape": _md_safe, "e": _md_safe, "escape": _md_safe, "join": md_join})
    else:
        raise ValueError(f"unknown template kind '{kind}'")
    return env


def _md_safe(value: object) -> MdSafe:
    return MdSafe(md_escape(value))


def render(kind: str, name: str, context: Mapping[str, object], template_dir: str | Path | None = None) -> str:
    env = environment(kind, template_dir)
    return env.get_template(name).render(**context)


_CHUNKS = 4096  # template pieces joined per write: a few hundred KB


def render_to(path: Path, kind: str, name: str, context: Mapping[str, object],
              template_dir: str | Path | None = None) -> Path:
    """`render` written to `path` as it is made, never whole in memory (a million events' timeline is about
    400 MB of HTML; as one string, twice that once one character is not ASCII). It goes to a file beside `path`,
    moved there once complete: a template that fails half-way leaves no half report."""
    env = environment(kind, template_dir)
    template = env.get_template(name)
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8") as fh:
            # What `Template.generate` does, a batch of pieces at a time (islice and join run in C): a
            # 20,000-event report is some 350,000 pieces.
            pieces = template.root_render_func(template.new_context(dict(context)))
            try:
                while batch := list(islice(pieces, _CHUNKS)):
                    fh.write("".join(batch))
            except Exception:
                env.handle_exception()  # Jinja's own: a template's error names the template's line
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path
