"""Backend-neutral value types of the event store.

Nothing here knows about SQLite, so a later PostgreSQL backend can return the same objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Clock = Callable[[], datetime]

# The longest value the store keeps (one event's JSON, one scenario file): far above any real one (a scenario
# file may have 2 MiB), and a bound on what a crafted session file can make a reader allocate for one row.
MAX_VALUE_BYTES = 16 * 1024 * 1024
# A side entry is a few fields of what one console is doing: this bounds what a runaway caller can put there.
MAX_SIDE_BYTES = 256 * 1024


class StoreError(Exception):
    """Any failure of the store, as one human-readable line.

    Callers (the CLI, the UI) print the message and exit or show it; they never see a raw sqlite3
    traceback, so the message always names the session file.
    """


@dataclass(frozen=True)
class StoredEvent:
    """One committed row of the log.

    `payload` is the whole event dict as it was appended (it repeats `type` and `v`), decoded back from
    the stored JSON, so `append` and `read` hand out equal objects.
    """

    seq: int
    type: str
    v: int
    wall: str
    payload: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class SideEntry:
    """One entry of the side data kept beside the log (presence, an unsent draft, a console's place): never in
    the hash chain, replaced or removed at will, and `updated` is the store's wall time of its last write."""

    value: str
    updated: str


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking the file and walking the hash chain; `first_bad_seq` is what `tabletop verify` reports
    when the chain is broken."""

    ok: bool
    events: int
    first_bad_seq: int | None
    message: str
    damage: str | None = None  # what the file's own integrity check found (SQLite), when it found anything


@dataclass
class LogFacts:
    """A log in numbers, gathered row by row as it is read: what a report says of the stored log (its size, its
    kinds of event, its first and last moments and hashes) without keeping the rows."""

    events: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    first_wall: str = ""
    last_wall: str = ""
    first_hash: str = ""
    head_hash: str = ""  # "" while empty: the reader names the genesis hash

    def add(self, etype: str, wall: str, digest: str) -> None:
        if not self.events:
            self.first_wall, self.first_hash = wall, digest
        self.events += 1
        self.by_type[etype] = self.by_type.get(etype, 0) + 1
        self.last_wall, self.head_hash = wall, digest

    @classmethod
    def of(cls, rows: list[StoredEvent]) -> LogFacts:
        facts = cls()
        for r in rows:
            facts.add(r.type, r.wall, r.hash)
        return facts


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_wall(moment: datetime) -> str:
    """ISO 8601 in UTC to the millisecond, e.g. ``2025-03-01T09:30:05.123Z``.

    A naive datetime is taken to be UTC already: injected test clocks are often naive, and guessing the
    machine's local zone would make the stored log depend on where it was recorded.
    """
    if not isinstance(moment, datetime):
        raise StoreError(f"the clock returned {type(moment).__name__}, not a datetime")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"  # isoformat truncates, never rounds up a second
