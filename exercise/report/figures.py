"""Figures for the reports, drawn by hand: a tiny scene of shapes, and the charts built from it.

No plotting library: each chart is a list of lines, shapes and texts in pixel coordinates, so one
description gives the inline SVG of the HTML and PDF reports and the PNG that goes into the DOCX (both
written by `figure_drawing`).

Accessibility: every series is told apart by a label at its end and by its dash pattern and marker
shape, not by colour alone; every figure carries a title and a description saying in words what it shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from ..engine.text import isolate
from .figure_drawing import to_png, to_svg

INK = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "12 4", "4 2 1 2", "1 2", "10 2")
MARKERS = ("circle", "square", "triangle", "diamond", "circle-open", "square-open", "triangle-open", "diamond-open")


def text_width(text: str, size: float) -> float:
    """A rough width of a text in DejaVu Sans (the widest of the usual fonts), for layout only."""
    return len(text) * size * 0.6


def fit(text: str, size: float, width: float) -> str:
    if text_width(text, size) <= width:
        return text
    keep = max(int(width / (size * 0.6)) - 1, 1)
    return text[:keep] + "…"


class LineShape(TypedDict):
    k: Literal["line"]
    pts: list[tuple[float, float]]
    stroke: str
    w: float
    dash: str


class RectShape(TypedDict):
    k: Literal["rect"]
    x: float
    y: float
    w_: float
    h: float
    fill: str
    stroke: str
    w: float


class MarkerShape(TypedDict):
    k: Literal["marker"]
    shape: str
    x: float
    y: float
    r: float
    color: str


class TextShape(TypedDict):
    k: Literal["text"]
    x: float
    y: float
    s: str
    size: float
    anchor: Literal["start", "middle", "end"]
    fill: str
    bold: bool


Shape = LineShape | RectShape | MarkerShape | TextShape


@dataclass
class Figure:
    """A chart: its shapes, and what it shows in words (the caption and the text alternative)."""

    id: str
    title: str
    desc: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    number: int = 0
    group: str = ""

    # -- building -----------------------------------------------------------------------------
    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK, width: float = 1,
             dash: str = "") -> None:
        self.shapes.append({"k": "line", "pts": [(x1, y1), (x2, y2)], "stroke": stroke, "w": width, "dash": dash})

    def polyline(self, pts: list[tuple[float, float]], stroke: str = INK, width: float = 2, dash: str = "") -> None:
        if len(pts) >= 2:
            self.shapes.append({"k": "line", "pts": pts, "stroke": stroke, "w": width, "dash": dash})

    def rect(self, x: float, y: float, w: float, h: float, fill: str = "none", stroke: str = "none",
             width: float = 1) -> None:
        self.shapes.append({"k": "rect", "x": x, "y": y, "w_": w, "h": h, "fill": fill, "stroke": stroke, "w": width})

    def marker(self, shape: str, x: float, y: float, r: float, color: str) -> None:
        self.shapes.append({"k": "marker", "shape": shape, "x": x, "y": y, "r": r, "color": color})

    def text(self, x: float, y: float, s: str, size: float = 11, anchor: Literal["start", "middle", "end"] = "start",
             fill: str = INK, bold: bool = False) -> None:
        self.shapes.append({"k": "text", "x": x, "y": y, "s": s, "size": size, "anchor": anchor, "fill": fill,
                            "bold": bold})

    # -- drawn by figure_drawing --------------------------------------------------------------
    @property
    def svg(self) -> str:
        return to_svg(self)

    def png(self, scale: float = 2.0) -> bytes:
        return to_png(self, scale)


# -- scales -----------------------------------------------------------------------------------

def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    out = []
    v = start
    while v <= hi + 1e-9:
        out.append(round(v, 6))
        v += step
    return out


def fmt_value(v: float) -> str:
    """A tick or a value as few digits as tell it apart: '25', '2.5', '0.25' (never '0.2' for 0.25)."""
    return str(round(v)) if abs(v - round(v)) < 1e-9 else f"{v:.3g}" if abs(v) < 1 else f"{v:.1f}"


def axis_top(lo: float, hi: float, data_hi: float) -> float:
    """Where a value axis ends: the scale's top, unless the values stay below 60% of it; then the first tick at or
    above the highest value, so that a 0–400 scale whose values reach 100 is not drawn as a flat line. Never below
    a tenth of the scale: a value that stays at 0 on a 0–100 scale read 'axis to 1', as if 1 were its top."""
    if data_hi > lo + 0.6 * (hi - lo):
        return hi
    data_hi = max(data_hi, lo + 0.1 * (hi - lo))
    ticks = nice_ticks(lo, max(data_hi, lo + 1e-9), 5)
    if ticks[-1] < data_hi - 1e-9:
        ticks.append(ticks[-1] + (ticks[1] - ticks[0] if len(ticks) > 1 else data_hi - lo))
    return min(ticks[-1], hi)


def legend(fig: Figure, x: float, y: float, items: list[tuple[str, str]], color: str) -> float:
    """Markers and their words in a row from (x, y), wrapping onto a new row at the figure's edge (the figure
    grows to hold it); a shape 'bar' is the median's bar, 'tick' a release. Returns where the last row ends."""
    x0 = x
    for shape, label in items:
        if x > x0 and x + 24 + text_width(label, 10) > fig.width - 4:
            x, y = x0, y + 18
            fig.height = max(fig.height, y + 10)
        if shape == "bar":
            fig.line(x + 4, y - 10, x + 4, y + 2, PALETTE[1], 2.5)
        elif shape == "tick":
            fig.line(x + 4, y - 10, x + 4, y + 2, MUTED, 2)
        else:
            fig.marker(shape, x + 4, y - 4, 4, color)
        fig.text(x + 12, y, label, 10, "start", MUTED)
        x += 24 + text_width(label, 10)
    return x


# -- charts -----------------------------------------------------------------------------------

@dataclass
class Series:
    name: str
    values: list[float]  # one per x position


def line_chart(fid: str, title: str, desc: str, x_labels: list[str], series: list[Series], lo: float, hi: float,
               x_title: str, y_title: str = "", width: float = 360, height: float = 232) -> Figure:
    """Values over scenario time, one line per series, each labelled at its end; `y_title` above the value axis."""
    fig = Figure(fid, title, desc, width, height)
    labelled = len(series) > 1
    right = 92 if labelled else 40
    left, top, bottom = 40, 24, 44
    if y_title:
        fig.text(4, 11, fit(y_title, 9, width - 8), 9, "start", MUTED, bold=True)
    pw, ph = width - left - right, height - top - bottom
    count = max(len(x_labels), 2)

    def x_at(i: int) -> float:
        return left + pw * i / (count - 1)

    def y_at(v: float) -> float:
        return top + ph * (1 - (v - lo) / ((hi - lo) or 1))

    for t in nice_ticks(lo, hi, 5):
        y = y_at(t)
        fig.line(left, y, left + pw, y, GRID, 1)
        fig.text(left - 5, y + 4, fmt_value(t), 10, "end", MUTED)
    fig.line(left, top + ph, left + pw, top + ph, MUTED, 1)
    every = max(1, math.ceil(len(x_labels) / 12))
    for i, lab in enumerate(x_labels):
        x = x_at(i)
        fig.line(x, top + ph, x, top + ph + 4, MUTED, 1)
        if i % every == 0 or i == len(x_labels) - 1:
            fig.text(x, top + ph + 16, lab, 10, "middle", MUTED)
    fig.text(left + pw / 2, height - 8, x_title, 10, "middle", MUTED)
    ends: list[tuple[float, str, str]] = []
    show_markers = len(x_labels) <= 31
    for k, s in enumerate(series):
        color, dash, marker = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)], MARKERS[k % len(MARKERS)]
        pts = [(x_at(i), y_at(v)) for i, v in enumerate(s.values)]
        fig.polyline(pts, color, 2, dash)
        if show_markers:
            for x, y in pts:
                fig.marker(marker if labelled else "circle", x, y, 2.6, color)
        if pts:
            value = fmt_value(s.values[-1])
            # The name fitted first, then isolated: a right-to-left name keeps its value on its right.
            name = fit(s.name, 10, right - 8 - text_width(f" {value}", 10))
            ends.append((pts[-1][1], f"{isolate(name)} {value}" if labelled else value, color))
    # End labels, nudged apart so none overlap.
    ends.sort()
    placed: list[float] = []
    for y, _label, _color in ends:
        y = max(y, (placed[-1] + 12) if placed else top)
        placed.append(y)
    overflow = (placed[-1] - (top + ph)) if placed else 0
    if overflow > 0:
        placed = [p - overflow for p in placed]
    for (_y, label, color), y in zip(ends, placed, strict=True):
        fig.text(left + pw + 6, y + 4, label, 10, "start", color if labelled else INK, bold=True)
    return fig


def _shade(value: float, lo: float, hi: float) -> tuple[str, str]:
    """A blue from pale to dark for a value, and a text colour that reads on it."""
    t = min(max((value - lo) / ((hi - lo) or 1), 0.0), 1.0)
    pale, dark = (239, 246, 252), (8, 69, 148)
    rgb = tuple(round(p + (d - p) * t) for p, d in zip(pale, dark, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), ("#ffffff" if t > 0.55 else INK)


def matrix_chart(fid: str, title: str, desc: str, names: list[str], start: list[list[float | None]],
                 end: list[list[float | None]], lo: float, hi: float) -> Figure:
    """Two matrices side by side, at the start and at the end; row = who trusts, column = whom."""
    k = len(names)
    label_w = min(max((text_width(x, 11) for x in names), default=40) + 10, 110)
    cell_w, cell_h, gap, top = 62, 34, 28, 44
    block = label_w + k * cell_w
    width = 2 * block + gap
    height = top + k * cell_h + 10
    fig = Figure(fid, title, desc, width, height)
    for b, (heading, data) in enumerate((("At the start", start), ("At the end", end))):
        x0 = b * (block + gap)
        fig.text(x0 + label_w + k * cell_w / 2, 14, heading, 12, "middle", INK, bold=True)
        for j, name in enumerate(names):
            fig.text(x0 + label_w + j * cell_w + cell_w / 2, top - 8, fit(name, 10, cell_w - 4), 10, "middle", MUTED)
        for i, name in enumerate(names):
            y = top + i * cell_h
            fig.text(x0 + label_w - 6, y + cell_h / 2 + 4, fit(name, 11, label_w - 8), 11, "end", INK)
            for j in range(k):
                x = x0 + label_w + j * cell_w
                v = data[i][j]
                if v is None:
                    fig.rect(x, y, cell_w, cell_h, "#f2f2f2", "#ffffff", 1)
                    fig.text(x + cell_w / 2, y + cell_h / 2 + 4, "–", 11, "middle", MUTED)
                    continue
                fill, ink = _shade(v, lo, hi)
                fig.rect(x, y, cell_w, cell_h, fill, "#ffffff", 1)
                label = fmt_value(v)
                if b == 1:
                    s0 = start[i][j]
                    if s0 is not None and abs(v - s0) > 1e-9:
                        d = v - s0
                        label += f" ({'+' if d > 0 else '−'}{fmt_value(abs(d))})"
                fig.text(x + cell_w / 2, y + cell_h / 2 + 4, label, 11, "middle", ink, bold=b == 1)
    return fig


@dataclass
class LatencyRow:
    name: str
    values: list[tuple[float, str]]  # (latency, 'team' | 'bot' | 'vote' | 'bot-vote' | 'organisation')
    median: float | None
    note: str


def latency_chart(fid: str, title: str, desc: str, rows: list[LatencyRow], unit: str) -> Figure:
    """One row per team: each decision a mark on a shared axis, the median a bar, the numbers in words."""
    label_w, top, row_h = 96, 14, 28
    width = 680
    note_w = min(max((text_width(r.note, 10) for r in rows), default=120) + 8, 300)
    pw = width - label_w - note_w - 16
    legend_h = 40
    height = top + len(rows) * row_h + 26 + legend_h
    fig = Figure(fid, title, desc, width, height)
    hi = max((v for r in rows for v, _ in r.values), default=1.0)
    ticks = nice_ticks(0, max(hi, 1e-9), 5)
    if ticks and ticks[-1] < hi - 1e-9:  # the axis ends on a tick at or beyond the largest value
        step = ticks[1] - ticks[0] if len(ticks) > 1 else hi
        ticks.append(round(ticks[-1] + step, 6))
    hi = ticks[-1] if ticks else hi
    x0 = label_w

    def x_at(v: float) -> float:
        return x0 + pw * (v / (hi or 1))

    axis_y = top + len(rows) * row_h
    for t in ticks:
        x = x_at(t)
        fig.line(x, top, x, axis_y, GRID, 1)
        fig.text(x, axis_y + 14, fmt_value(t), 10, "middle", MUTED)
    fig.line(x0, axis_y, x0 + pw, axis_y, MUTED, 1)
    fig.text(x0 + pw / 2, axis_y + 28, unit, 10, "middle", MUTED)
    shapes = {"team": "circle", "vote": "triangle", "bot": "square-open", "bot-vote": "triangle-open",
              "organisation": "diamond"}
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        fig.text(label_w - 8, y + 4, fit(r.name, 11, label_w - 10), 11, "end", INK, bold=True)
        fig.line(x0, y, x0 + pw, y, "#f0f0f0", 1)
        for v, by in r.values:
            fig.marker(shapes.get(by, "circle"), x_at(v), y, 4, PALETTE[0])
        if r.median is not None:
            xm = x_at(r.median)
            fig.line(xm, y - 10, xm, y + 10, PALETTE[1], 2.5)
        fig.text(x0 + pw + 12, y + 4, fit(r.note, 10, note_w), 10, "start", INK)
    # The legend names every symbol drawn, and only those.
    used = {by for r in rows for _, by in r.values}
    words = {"team": "team decision", "vote": "vote", "bot": "bot decision", "bot-vote": "bot vote",
             "organisation": "organisation decision"}
    items = [(shapes[k], words[k]) for k in words if k in used]
    if any(r.median is not None for r in rows):
        items.append(("bar", "median"))
    legend(fig, float(x0), axis_y + 44, items, PALETTE[0])
    return fig


@dataclass
class Mark:
    row: int
    turn: int
    order: int  # position among all marks in that turn
    of: int  # how many marks that turn has
    by: str  # 'team' | 'bot' | 'deadline' | 'organisation' | 'vote' | 'bot-vote'
    label: str  # e.g. '#12'


def decision_timeline(fid: str, title: str, desc: str, rows: list[str], turns: int, time_labels: list[str],
                      marks: list[Mark], releases: list[tuple[int, int, int, str]]) -> Figure:
    """Who decided when: one row per team, scenario turns across; releases as ticks on top."""
    label_w, top, row_h, right = 96, 34, 30, 12
    width = 640
    pw = width - label_w - right
    legend_h = 34
    height = top + (len(rows) + 1) * row_h + 30 + legend_h
    fig = Figure(fid, title, desc, width, height)
    turns = max(turns, 1)
    band = pw / turns
    for t in range(turns):
        x = label_w + t * band
        if t % 2 == 0:
            fig.rect(x, top, band, (len(rows) + 1) * row_h, "#f6f6f6")
        fig.text(x + band / 2, top - 18, f"Turn {t + 1}", 10, "middle", INK, bold=True)
        if t < len(time_labels):
            fig.text(x + band / 2, top - 6, time_labels[t], 9, "middle", MUTED)

    def x_of(turn: int, order: int, of: int) -> float:
        return label_w + (turn - 1) * band + band * (order + 1) / (of + 1)

    y = top + row_h / 2
    fig.text(label_w - 8, y + 4, "Injects", 11, "end", MUTED, bold=True)
    for turn, order, of, _label in releases:
        x = x_of(turn, order, of)
        fig.line(x, y - 8, x, y + 8, MUTED, 2)
    shapes = {"team": "circle", "vote": "triangle", "bot": "square", "bot-vote": "triangle-open",
              "deadline": "circle-open", "organisation": "diamond"}
    dense = len(marks) > 40
    for i, name in enumerate(rows):
        y = top + (i + 1) * row_h + row_h / 2
        fig.line(label_w, y, label_w + pw, y, GRID, 1)
        fig.text(label_w - 8, y + 4, fit(name, 11, label_w - 10), 11, "end", INK, bold=True)
    for m in marks:
        x = x_of(m.turn, m.order, m.of)
        y = top + (m.row + 1) * row_h + row_h / 2
        fig.marker(shapes.get(m.by, "circle"), x, y, 4.5, PALETTE[m.row % len(PALETTE)])
        if not dense:
            fig.text(x, y - 8, m.label, 8, "middle", MUTED)
    # The legend names every symbol drawn, and only those (a bot's vote once went unexplained).
    used = {m.by for m in marks}
    words = {"team": "team decision", "vote": "vote", "bot": "bot decision", "bot-vote": "bot vote",
             "deadline": "deadline default", "organisation": "organisation"}
    items = [(shapes[k], words[k]) for k in words if k in used]
    if releases:
        items.append(("tick", "inject released"))
    legend(fig, float(label_w), top + (len(rows) + 1) * row_h + 22, items, INK)
    return fig
