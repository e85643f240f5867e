"""One line for a failure shown in a notification or on exit; the full text goes to errors.log."""

from __future__ import annotations

from ..engine.diagnostics import ScenarioError


def one_line(exc: BaseException) -> str:
    """A scenario's first problem and how many more, else the first line of the message (or the type)."""
    if isinstance(exc, ScenarioError):
        first = exc.diagnostics[0] if exc.diagnostics else "unknown problem"
        more = f" (+{len(exc.diagnostics) - 1} more)" if len(exc.diagnostics) > 1 else ""
        return f"{first}{more}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
