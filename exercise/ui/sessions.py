"""Session files as a person meets them outside a console: the saved sessions the launcher lists, and a file's
path and the `tabletop play` command as they would type it.

Screens never open a store: the launcher, which has no session yet, asks here; a console asks its controller.
The store and the live layer are imported only when a function needs them, so the launcher's first frame does
not wait for them (bench/bench_launcher.py).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from ..live import LiveSession
    from ..store import Location


@dataclass
class SessionInfo:
    path: Path
    title: str
    mode: str
    turn: int
    ended: bool
    events: int


def find_sessions(*folders: Path) -> list[SessionInfo]:
    """Session files in these folders (newest first), summarised from a few event types, without
    loading their scenarios or decoding every event."""
    seen: set[Path] = set()
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            for p in [*folder.glob("*.sqlite"), *folder.glob("*.db")]:
                if p.resolve() not in seen and p.is_file():
                    seen.add(p.resolve())
                    files.append(p)
    if not files:  # the launcher's first frame, on a first run, need not wait for the store and sqlite3
        return []
    from ..store import EventStore, StoreError

    out = []
    for p in sorted(files, key=lambda f: f.stat().st_mtime, reverse=True):
        try:
            with EventStore.open(p) as store:
                meta, count = store.meta, store.last_seq()
                rows = store.read_types("SessionStarted", "ClockAdvanced", "SessionEnded")
        except (StoreError, OSError):
            continue
        mode, turn, ended = "?", 1, False
        for r in rows:
            if r.type == "SessionStarted":
                mode = str(r.payload.get("mode", "?"))
            elif r.type == "ClockAdvanced":
                turn = int(r.payload.get("turn", turn))
            elif r.type == "SessionEnded":
                ended = True
        out.append(SessionInfo(p, meta.get("scenario_title", p.stem), mode, turn, ended, count))
    return out


def session_there(db: Location) -> bool:
    """Whether `db` names a session to open (a file there; a session of that name in the database). A database
    that cannot be reached says so when the session is opened, not here."""
    if isinstance(db, Path):
        return db.exists()
    from ..store import PgLocation, StoreError, session_exists

    try:
        return session_exists(db)
    except StoreError:
        return isinstance(db, PgLocation)


def open_errors() -> tuple[type[Exception], ...]:
    """What opening or starting a session raises with words for a person (a refused file, a scenario that
    does not load, a nation it does not have): the caller shows the line and stays where it is."""
    from ..engine.diagnostics import ScenarioError
    from ..live import SessionFileError

    return (SessionFileError, ScenarioError, ValueError, OSError)


def open_live(path: Path, clock: Callable[[], datetime] | None) -> LiveSession:
    """A saved session file, opened to play on."""
    from ..live import LiveSession

    return LiveSession.open(path, clock=clock)


def shown_path(path: Path, workdir: Path) -> str:
    """The session file as the person would type it where they started tabletop: relative to that folder when
    the file is under it, else in full. A name starting with '-' gets './' so no command reads it as an option."""
    try:
        shown = str(path.resolve().relative_to(workdir.resolve()))
    except (ValueError, OSError):
        shown = str(path.absolute())
    return f"./{shown}" if shown.startswith("-") else shown


def play_command(where: str, team: str | None = None) -> str:
    """`tabletop play --db FILE [--team NATION]`, quoted for a POSIX shell."""
    command = f"tabletop play --db {shlex.quote(where)}"
    return f"{command} --team {shlex.quote(team)}" if team else command
