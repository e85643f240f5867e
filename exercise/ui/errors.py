"""One line for a failure shown in a notification or on exit; the full text goes to errors.log."""

from __future__ import annotations

from ..engine.diagnostics import ScenarioError
from ..engine.text import one_line as flat


def one_line(exc: BaseException) -> str:
    """A scenario's first problem and how many more, else the first line of the message (or the type).
    An exception's message may quote a scenario or a player (an id, a path, a rationale): control characters
    in it are shown as pictures, never sent to the terminal."""
    if isinstance(exc, ScenarioError):
        first = exc.diagnostics[0] if exc.diagnostics else "unknown problem"
        more = f" (+{len(exc.diagnostics) - 1} more)" if len(exc.diagnostics) > 1 else ""
        return flat(f"{first}{more}")
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return flat(lines[0]) if lines else type(exc).__name__
