"""Problems found in a scenario, each pinned to a file, line and column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int  # 1-based
    col: int  # 1-based
    code: str
    message: str
    severity: Severity = field(default="error", compare=False)

    def __str__(self) -> str:
        # One problem, one line: a message quoting a key with a line break in it must not split.
        message = self.message.replace("\r", "\\r").replace("\n", "\\n")
        return f"{self.file}:{self.line}:{self.col}: {self.severity}[{self.code}]: {message}"


class ScenarioError(Exception):
    """Raised when a scenario cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        # A library included twice reports its own problems once.
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


@dataclass(frozen=True)
class Mark:
    """A position in a source file (1-based line and column)."""

    file: str
    line: int
    col: int

    def diag(self, code: str, message: str, severity: Severity = "error") -> Diagnostic:
        return Diagnostic(self.file, self.line, self.col, code, message, severity)

    def shifted(self, cols: int) -> Mark:
        return Mark(self.file, self.line, self.col + cols)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when none is close."""
    near = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""
