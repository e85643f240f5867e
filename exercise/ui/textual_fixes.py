"""Guards around Textual (8.2) where a key at speed reaches a widget before it is ready, applied once when the
app is imported. Each wraps Textual's own method and only adds the check that was missing.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList


def _guard_page_keys() -> None:
    """PageUp/PageDown on an option list not laid out yet (a Select's list, opened by the key just before in a
    burst) looked up the highlighted option's line before any line was worked out: KeyError, and the key was
    lost to an error. With nothing on screen yet, there is no page to move by: the key does nothing."""
    move_page = OptionList._move_page
    if getattr(move_page, "_guarded", False):
        return

    def guarded(self: OptionList, direction: Any) -> None:
        if self.highlighted is not None and self.highlighted not in self._index_to_line:
            return
        move_page(self, direction)

    guarded._guarded = True  # type: ignore[attr-defined]
    setattr(OptionList, "_move_page", guarded)  # noqa: B010 - a method replaced on the class, on purpose


_guard_page_keys()
