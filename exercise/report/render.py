"""Templates: Jinja2 files in `reports/` (or an organisation's own `--template-dir`), sandboxed and escaped.

Two environments, both `ImmutableSandboxedEnvironment` (a template cannot reach Python internals or
mutate the model it is given):
- HTML: autoescape on, so every value is HTML-escaped unless the code marks it safe (only the figures'
  SVG, which `figures.py` writes with its own escaping).
- Markdown: every value printed with `{{ }}` is escaped for Markdown instead of HTML (autoescape on,
  with a `finalize` hook that hands Jinja values whose `__html__` is `md_escape`), so a player's `*`,
  `_`, `<`, `|` or backtick is shown as the character, never read as Markdown or HTML.

Player text is only ever a value in the context, never part of a template's source, so `{{ 7*7 }}` in a
rationale is printed as those seven characters.

Templates are looked up in the organisation's directory first, then in the bundled `reports/`, so an
organisation may replace one partial (its letterhead, the stylesheet) and keep the rest.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..resources import data_dir
from .wording import delta, num


class MdSafe(Markup):
    """Text already escaped for Markdown (by a filter, or a macro's output); never escaped again."""

    __slots__ = ()


class _MdText:
    """A value on its way out of a Markdown template: Jinja's autoescape calls `__html__`, which escapes
    it for Markdown (not for HTML), so every `{{ value }}` is escaped once and a macro's output, already
    safe, is not escaped twice."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __html__(self) -> str:
        return md_escape(self.value)


def _md_finalize(value: Any) -> Any:
    return value if hasattr(value, "__html__") else _MdText(value)


_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~#&{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def md_escape(value: Any) -> str:
    """Markdown-escape a value's text: the characters Markdown or inline HTML would act on get a backslash,
    and a line that would start a list, a heading underline or a numbered item is defused."""
    if isinstance(value, (MdSafe, Markup)):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = _MD_INLINE.sub(r"\\\1", str(value))
    text = _MD_LINE_START.sub(lambda mt: mt.group(1) + "\\" + mt.group(2), text)
    return _MD_ORDERED.sub(lambda mt: mt.group(1) + "\\" + mt.group(2), text)


def md_inline(value: Any) -> str:
    """Markdown-escape a value that never starts a line (a table cell, the middle of a sentence)."""
    if isinstance(value, (MdSafe, Markup)):
        return str(value)
    return _MD_INLINE.sub(r"\\\1", "" if value is None else str(value))


def md_cell(value: Any) -> MdSafe:
    """A value for a Markdown table cell: escaped, on one line."""
    return MdSafe(md_inline(" ".join(str(value if value is not None else "").split())) if not isinstance(
        value, (MdSafe, Markup)) else " ".join(str(value).split()))


def md_block(value: Any) -> MdSafe:
    """A value as Markdown paragraphs: escaped; blank lines kept as paragraph breaks, other line breaks joined."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", str(value or "")) if p.strip()]
    return MdSafe("\n\n".join(md_escape(p) for p in paras))


def md_quote(value: Any) -> MdSafe:
    """A value as a Markdown block quote (every line prefixed with '> ')."""
    body = md_block(value)
    return MdSafe("\n".join(("> " + line) if line else ">" for line in body.split("\n")))


def md_code(value: Any) -> MdSafe:
    """A value as a Markdown code span, its fence longer than any run of backticks inside it."""
    text = " ".join(str(value or "").split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return MdSafe(f"{fence}{pad}{text}{pad}{fence}")


def paragraphs(value: Any) -> list[str]:
    """Text split into paragraphs at blank lines, each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", str(value or "")) if p.strip()]


def one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def short_hash(value: Any, k: int = 12) -> str:
    return str(value or "")[:k]


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with one fast path: a public field of the report's own plain data classes (the model's
    rows and sections, registered in `DATA_TYPES`) is read directly. Everything else (strings, lists,
    dicts, methods, any name starting with '_') goes through the sandbox's checks as usual. A 10,000-event
    timeline reads about 100,000 such fields; the checks would double the time to render it."""

    def getattr(self, obj: Any, attribute: str) -> Any:
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


def _common_filters() -> dict[str, Any]:
    return {"num": num, "delta": delta, "paragraphs": paragraphs, "one_line": one_line,
            "short_hash": short_hash}


def environment(kind: str, template_dir: str | Path | None = None) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for 'html' or 'md' templates (made once per kind and folder)."""
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
    common: dict[str, Any] = {"loader": ChoiceLoader(dirs), "undefined": StrictUndefined, "trim_blocks": True,
                              "lstrip_blocks": True, "keep_trailing_newline": True, "auto_reload": True}
    if kind == "html":
        env = ReportSandbox(autoescape=True, **common)
        env.filters.update(_common_filters())
        env.filters["svg"] = lambda fig: Markup(fig.svg)
    elif kind == "md":
        env = ReportSandbox(autoescape=True, finalize=_md_finalize, **common)
        env.filters.update(_common_filters())
        env.filters.update({"cell": md_cell, "code": md_code, "block": md_block, "quote": md_quote,
                            "md_escape": lambda v: MdSafe(md_escape(v))})
    else:
        raise ValueError(f"unknown template kind '{kind}'")
    return env


def render(kind: str, name: str, context: dict[str, Any], template_dir: str | Path | None = None) -> str:
    env = environment(kind, template_dir)
    return env.get_template(name).render(**context)
