"""Showing again the tab a console had when it closed: shared by the facilitator's and the observer's consoles.

A tab switched to while the screen is still being built does not always stay: focus messages queued by then (the
first pane's widget being focused, its pane announcing it) reach the tabs afterwards and pull them back to the
first pane. So the tab is shown, looked at again a moment later, and shown again, a few times, until it stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import TabbedContent

SETTLE_SECONDS = 0.1
SETTLE_TRIES = 10


def show_tab(screen: Screen[Any], pane: str, show: Callable[[], None], tries: int = SETTLE_TRIES) -> None:
    """Make `pane` the active tab of the screen's `#tabs` with `show` (the screen's own way to switch tabs), and
    keep it so through the next second of the screen's settling."""
    try:
        active = screen.query_one("#tabs", TabbedContent).active
    except NoMatches:
        return
    if active != pane:
        show()
    if tries:
        screen.set_timer(SETTLE_SECONDS, lambda: show_tab(screen, pane, show, tries - 1))
