"""Where a report written from the UI goes, for every screen that writes one (the solo debrief, the hot wash,
the facilitator's console): one rule, beside the session file, so a report is found next to the session it
came from whoever wrote it and from whichever folder tabletop was started.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..store import Location as Location


def report_dir(db: Location) -> Path:
    """`sessions/northern-shield-20250301.sqlite` -> `sessions/northern-shield-20250301-report/`; a session in
    PostgreSQL has no folder of its own: `workshop-1-report/` where tabletop was started."""
    if not isinstance(db, Path):
        return Path(f"{db.name.replace('/', '-')}-report")
    return db.parent / f"{db.stem}-report"


def report_command(db: Location | str, out_dir: Path | str) -> str:
    """The command that writes the same report from a shell (the names quoted for it)."""
    return f"tabletop report {shlex.quote(str(db))} --format html -o {shlex.quote(str(out_dir))}"


def full(path: Path | str) -> str:
    """A written file named so it can be found from anywhere: its absolute path."""
    return str(Path(path).resolve())
