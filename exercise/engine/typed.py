"""What a person may type into one field, in characters: a pasted megabyte is refused, never logged.

The session's commands check these (`bounded`), and a screen may give its inputs the same `max_length`.
docs/authoring.md ("Text typed during play") gives the same figures.
"""

from __future__ import annotations

MAX_BODY = 10_000  # a message, a rationale, an observation, the text of an inject written in play
MAX_REASON = 2_000  # why control adjudicated, paused, retracted or ended
MAX_NAME = 200  # a written inject's id, title, sender, kind, option id or label; a channel; the facilitator's name
MAX_OPTIONS = 20  # options of an inject written in play

# A seed is stored in the session and written into every draw's key: a 64-bit integer is plenty, and a
# 4,000-digit one only made every draw slower (and every report print it).
SEED_LIMIT = 2**63


class TooLong(ValueError):
    """Text longer than its field allows; the message is for the person who typed it."""


def bounded(what: str, text: str, limit: int) -> None:
    """Raise TooLong when `text` (`what`, as in 'the message') is over `limit` characters."""
    if len(text) > limit:
        raise TooLong(f"{what} is {len(text):,} characters long; the limit is {limit:,}: shorten it"
                      + (" or send it in parts" if limit == MAX_BODY else ""))
