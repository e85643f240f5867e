"""The header the team, observer, hand-over and debrief screens show: Textual's, with an icon browsers can draw."""

from __future__ import annotations

from textual.widgets import Header

# Textual's own icon, ⭘ (U+2B58), is in neither Roboto Mono (the font of textual-serve's page) nor DejaVu, where a
# served console's page falls back on Linux: Chromium drew an empty box. ◯ (U+25EF) is in both and looks the same;
# it opens the command palette as Textual's does.
ICON = "◯"


def console_header() -> Header:
    return Header(icon=ICON)
