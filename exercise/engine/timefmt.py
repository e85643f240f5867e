"""Scenario time: 'D+1 06:00' strings, step lengths like '6h', and the turn a time falls in."""

from __future__ import annotations

import re

_TIME = re.compile(r"^\s*D\s*([+-])\s*(\d+)\s+(\d{1,2}):(\d{2})\s*$")
_STEP = re.compile(r"^\s*(\d+)\s*(m|min|h|d)\s*$")


def parse_time(text: str) -> int:
    """'D+1 06:00' -> minutes since D+0 00:00. Raises ValueError with a readable message."""
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a scenario time (write it like 'D+1 06:00')")
    sign = -1 if m.group(1) == "-" else 1
    hours, minutes = int(m.group(3)), int(m.group(4))
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{text}' is not a valid time of day")
    return sign * int(m.group(2)) * 1440 + hours * 60 + minutes


def parse_step(text: str) -> int:
    """'6h' -> 360 minutes."""
    m = _STEP.match(text)
    if not m or int(m.group(1)) == 0:
        raise ValueError(f"'{text}' is not a step length (write '30m', '6h' or '1d')")
    return int(m.group(1)) * {"m": 1, "min": 1, "h": 60, "d": 1440}[m.group(2)]


def format_time(minutes: int) -> str:
    day, rest = divmod(minutes, 1440)
    sign = "+" if day >= 0 else "-"
    return f"D{sign}{abs(day)} {rest // 60:02d}:{rest % 60:02d}"


def parse_turns(value: int | str, what: str = "deadline") -> int:
    """'2 turns', '1 turn', 2 -> 2."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise ValueError(f"a {what} is at least 1 turn")
        return value
    m = re.match(r"^\s*(\d+)\s*(turns?)?\s*$", str(value))
    if not m or int(m.group(1)) < 1:
        raise ValueError(f"'{value}' is not a number of turns (write '1 turn' or '2 turns')")
    return int(m.group(1))


def parse_duration_minutes(text: str) -> int | None:
    """'2h30m', '3h', '90m' -> minutes; None when unreadable."""
    m = re.match(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", text or "")
    if not m or not (m.group(1) or m.group(2)):
        return None
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
