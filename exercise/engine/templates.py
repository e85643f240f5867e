"""Inject and outcome text: Jinja2 templates rendered in a sandbox, never used for logic.

Only text fields are templates; `StrictUndefined` turns a misspelt name into an error, found at load time
by `check_template` (undeclared names) rather than in front of players.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Names every text may use. `nation` is the team reading it; each include parameter is a nation too.
BASE_NAMES = frozenset({"nation", "scenario", "nations", "turn", "time"})

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def _is_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def check_template(text: str, params: list[str]) -> tuple[int, str] | None:
    """(line within the text, message) for a template that cannot render, else None."""
    if not text or not _is_template(text):
        return None
    try:
        ast = _env.parse(text)
    except TemplateSyntaxError as exc:
        return exc.lineno, f"template syntax: {exc.message}"
    unknown = meta.find_undeclared_variables(ast) - BASE_NAMES - set(params)
    if unknown:
        names = ", ".join(sorted(unknown))
        allowed = ", ".join(sorted(BASE_NAMES | set(params)))
        # Jinja does not say where a name is used: the first line that names it inside a tag will do.
        first = min(unknown)
        tag = re.compile(r"({{|{%)[^}]*\b" + re.escape(first) + r"\b")
        line = next((i for i, t in enumerate(text.splitlines(), 1) if tag.search(t)), 1)
        return line, f"unknown name in text: {names} (texts may use {allowed})"
    return None


@lru_cache(maxsize=4096)
def _compiled(text: str) -> Any:
    return _env.from_string(text)


def render(text: str, context: Mapping[str, Any]) -> str:
    """Render a text; a template that still fails at run time shows as-is rather than crashing a screen."""
    if not text or not _is_template(text):
        return text
    try:
        return str(_compiled(text).render(**context))
    except TemplateError:
        return text
