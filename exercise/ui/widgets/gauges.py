"""Small text drawings of numbers: bars, sparklines and the colours that go with them.

Every drawing carries its number as text too, so nothing depends on colour alone. Colours come from
the app's theme (success / warning / error), so light and dark themes both read well.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.color import Color

from ...engine.words import number, signed

__all__ = ["SPARK", "Palette", "bar", "delta", "number", "share", "spark"]

SPARK = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Palette:
    good: str
    fair: str
    bad: str
    muted: str
    accent: str

    @classmethod
    def of(cls, variables: dict[str, str] | None) -> Palette:
        """From the app's CSS variables (`app.get_css_variables()`): the 'text-*' shades are the ones made
        to be read on the theme's background, light or dark."""
        v = variables or {}
        fg = _colour(v.get("foreground"), "#E0E0E0")
        bg = _colour(v.get("background"), "#121212")
        return cls(good=_colour(v.get("text-success"), "green"), fair=_colour(v.get("text-warning"), "yellow"),
                   bad=_colour(v.get("text-error"), "red"),
                   muted=Color.parse(fg).blend(Color.parse(bg), 0.4).hex if fg.startswith("#") else "grey50",
                   accent=_colour(v.get("text-primary"), "cyan"))

    def rate(self, share: float, good: str = "high") -> str:
        """A colour for a value at `share` (0..1) of its range; `good='low'` turns the scale round."""
        s = share if good == "high" else 1.0 - share
        if s < 0.34:
            return self.bad
        if s < 0.6:
            return self.fair
        return self.good


def _colour(value: str | None, fallback: str) -> str:
    """A colour Rich can draw (a plain hex), whatever form the theme gave it in."""
    if not value:
        return fallback
    try:
        return Color.parse(value).hex6
    except Exception:
        return fallback


def share(value: float, lo: float, hi: float) -> float:
    return 0.0 if hi <= lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)




def bar(value: float, lo: float, hi: float, width: int, colour: str) -> Text:
    """A horizontal bar in eighths: its length shows the value, its colour how good it is."""
    cells = share(value, lo, hi) * width
    full = int(cells)
    part = int((cells - full) * 8)
    body = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part and full < width else "")
    return Text.assemble((body, Style(color=colour)), ("·" * (width - len(body)), "dim"))


def spark(values: list[float], lo: float, hi: float, width: int) -> str:
    """The last `width` values as block heights on the variable's own scale (a flat line stays level)."""
    tail = values[-width:]
    if not tail:
        return ""
    top = len(SPARK) - 1
    return "".join(SPARK[round(share(v, lo, hi) * top)] for v in tail)


def delta(values: list[float]) -> str:
    """The change over the last turn in words a glance reads: '+5', '−3' (`words.signed`), or '' when steady."""
    if len(values) < 2 or values[-1] == values[-2]:
        return ""
    return signed(values[-1] - values[-2])
