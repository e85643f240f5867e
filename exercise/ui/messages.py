"""Messages the app posts to its screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..engine.state import Entry


class SessionUpdated(Message):
    """New events are in the session (ours or another terminal's): redraw from the state."""

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self.entries = entries
