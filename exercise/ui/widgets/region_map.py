"""The scenario's region drawn in text, on a team's Brief tab (the scenario's `map.text`).

The drawing is the author's, so it is shown exactly as written, never as markup (`ui.text.plain`), and never
wrapped: a wrapped map is no map. The format keeps it narrow enough for an 80-column terminal
(`engine.models.MAP_TEXT_COLUMNS`); a narrower window crops it at the right rather than folding it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from ...engine.compile import CompiledScenario
from ...engine.models import MAP_TEXT_COLUMNS
from ..text import plain


def region_text(scenario: CompiledScenario) -> Text | None:
    """The map as the Brief tab shows it: a heading, the drawing, the caption; None when there is none."""
    region = scenario.model.region_map
    if region is None or not region.text.strip():
        return None
    t = Text(no_wrap=True, overflow="crop")
    t.append("The region\n", style="bold")
    t.append(plain(region.text.rstrip("\n") + "\n"))
    if region.caption:
        t.append(plain(textwrap.fill(" ".join(region.caption.split()), MAP_TEXT_COLUMNS), style="dim italic"))
    return t


class RegionMap(Static):
    """The region in text; takes no room when the scenario draws none."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text(encoding="utf-8")

    def __init__(self, scenario: CompiledScenario, *, id: str | None = None) -> None:
        drawing = region_text(scenario)
        super().__init__(drawing or "", id=id)
        self.display = drawing is not None
