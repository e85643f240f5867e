"""How the app is started: one config object shared by `tabletop play` and the tests (see make_app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Location  # only named: the launcher's first frame does not wait for the store


@dataclass
class AppConfig:
    scenario: Path | None = None  # a scenario file; None: the launcher lists them
    db: Location | None = None  # an existing session (a file, or a session in PostgreSQL) to resume or join
    team: str | None = None  # join `db` as this nation's team console
    observer: bool = False  # open `db` as an observer's read-only console (the public picture)
    served_at: str | None = None  # the address `tabletop serve` answers on, when this console runs under it
    solo: str | None = None  # play `scenario` alone as this nation, bots play the others
    facilitate: bool = False  # start `scenario` in the new file `db` and open the facilitator's console on it
    bots: dict[str, str] = field(default_factory=dict)  # with facilitate: nation -> bot profile (others: people)
    players: dict[str, str] = field(default_factory=dict)  # with facilitate: nation -> who plays it (--player)
    seed: int | None = None
    workdir: Path = field(default_factory=Path.cwd)  # local scenarios are found here
    sessions_dir: Path | None = None  # new session files go here (default: workdir / "sessions")
    clock: Callable[[], datetime] | None = None  # the store's wall clock (fixed in tests)
    poll_seconds: float = 0.25  # how often the app looks for other terminals' events
    theme: str | None = None  # a Textual theme name; None: the default dark theme
    library: list[Path] = field(default_factory=list)  # --library-path: folders includes may come from

    def library_roots(self) -> list[Path]:
        """Every folder a scenario started here may include libraries from (see resources.library_roots)."""
        from ..resources import library_roots

        return library_roots(self.library)

    @property
    def sessions(self) -> Path:
        return self.sessions_dir or (self.workdir / "sessions")
