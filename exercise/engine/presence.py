"""Who is in the room: the consoles open on a session now, and each nation's players, in words.

A console (a team's, the facilitator's, a solo or hot-seat screen) says it is there with a heartbeat every
`HEARTBEAT_SECONDS` and takes its record away when it closes cleanly; one not heard from for `GONE_AFTER_BEATS`
heartbeats counts as gone (a killed process, a closed laptop, a lost connection). The records are side data,
kept beside the log and never in it: they say who is connected, not what happened. What a team did, and
when, comes from the log alone (its last decision, vote or message and the wall time the store stamped).

Time is always handed in (`now`): the engine never reads a clock.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from .state import State

HEARTBEAT_SECONDS = 5.0
GONE_AFTER_BEATS = 3
GONE_AFTER_SECONDS = HEARTBEAT_SECONDS * GONE_AFTER_BEATS
FORGOTTEN_AFTER_SECONDS = 3600.0  # a record this stale is dropped when a console arrives: no one will come back to it
SIDE_KIND = "presence"

_MAX_FIELD = 200  # a record is a few short fields; a longer one was not written by tabletop


@dataclass(frozen=True)
class Seat:
    """One console as it last said: its role ("facilitator", "team", "solo", "hotseat"), its nation (a team or
    solo console), the process and machine, when it opened, when it last gave a command, and `seen`, when
    its record was last written (the store's time, not the console's)."""

    role: str
    nation: str | None
    pid: int
    host: str
    since: str
    acted: str | None = None
    seen: str = ""

    def to_json(self) -> str:
        record = asdict(self)
        del record["seen"]
        return json.dumps(record, sort_keys=True)

    @classmethod
    def from_side(cls, value: str, updated: str) -> Seat | None:
        """A stored record, or None when it is not one tabletop wrote (it is then simply not counted)."""
        try:
            record = json.loads(value)
        except (ValueError, RecursionError):
            return None
        if not isinstance(record, dict):
            return None
        role, nation, pid, host, since, acted = (record.get(k) for k in ("role", "nation", "pid", "host", "since",
                                                                           "acted"))
        texts = (role, host, since)
        if not all(isinstance(t, str) and len(t) <= _MAX_FIELD for t in texts) or not isinstance(pid, int):
            return None
        if not all(t is None or (isinstance(t, str) and len(t) <= _MAX_FIELD) for t in (nation, acted)):
            return None
        return cls(str(role), nation, pid, str(host), str(since), acted, updated)


def wall_time(text: str | None) -> datetime | None:
    """A wall time as the store writes it ('2025-03-01T09:30:05.123Z'), as an aware datetime; None if it is not."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def connected(seat: Seat, now: datetime) -> bool:
    seen = wall_time(seat.seen)
    return seen is not None and (now - seen).total_seconds() <= GONE_AFTER_SECONDS


def ago(then: datetime, now: datetime) -> str:
    """'just now', '1 min ago', '2 h 5 min ago': how long ago, in the words a console shows."""
    seconds = max(0.0, (now - then).total_seconds())
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min ago" if minutes else f"{hours} h ago"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''} ago"


@dataclass(frozen=True)
class TeamPresence:
    """One nation in the room, as the facilitator's console says it."""

    nation: str
    consoles: int  # team consoles connected for it now
    connection: str  # "connected", "2 consoles connected", "lost contact 3 min ago", "not connected"
    acted: str  # "acted 2 min ago", "has not acted yet"


def last_acted(state: State, nation: str) -> datetime | None:
    """When the nation last decided, voted or wrote (the wall time of that event in the log), or None."""
    seq = state.last_action.get(nation)
    if not seq or seq > len(state.log):
        return None
    return wall_time(state.log[seq - 1].at)


def room(state: State, seats: list[Seat], now: datetime) -> list[TeamPresence]:
    """Each nation of the scenario, in its order: its consoles, and when it last acted."""
    out = []
    for nation in state.scenario.nations:
        mine = [s for s in seats if s.nation == nation and s.role in ("team", "solo")]
        live = [s for s in mine if connected(s, now)]
        if len(live) > 1:
            connection = f"{len(live)} consoles connected"
        elif live:
            connection = "connected"
        elif mine:
            last = max((t for t in (wall_time(s.seen) for s in mine) if t is not None), default=None)
            connection = f"lost contact {ago(last, now)}" if last else "lost contact"
        else:
            connection = "not connected"
        acted_at = last_acted(state, nation)
        acted = f"acted {ago(acted_at, now)}" if acted_at else "has not acted yet"
        out.append(TeamPresence(nation, len(live), connection, acted))
    return out


def stale(seat: Seat, now: datetime) -> bool:
    """A record no console will come back to: dropped when another console arrives."""
    seen = wall_time(seat.seen)
    return seen is None or (now - seen).total_seconds() > FORGOTTEN_AFTER_SECONDS
