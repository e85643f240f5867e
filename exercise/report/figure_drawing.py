"""Drawing a `figures.Figure`: written out as SVG text, or rasterised to PNG with Pillow.

The SVG goes inline into the HTML and PDF reports (and beside the Markdown); the PNG goes into the DOCX.
Pillow comes with WeasyPrint and is part of the `docx` extra, so it is imported only when a PNG is drawn.
Coordinates are rounded to one decimal, so the same figure always gives the same bytes. Every SVG
carries a <title> and a <desc> saying in words what it shows.
"""

from __future__ import annotations

import io
import itertools
import math
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..engine.text import FSI, PDI
from .outside import guard

if TYPE_CHECKING:
    from PIL import ImageFont as PilFont

    Font = PilFont.FreeTypeFont | PilFont.ImageFont

    from .figures import Figure


def _xml_escape(text: str) -> str:
    """Text for SVG (XML): control characters shown (XML 1.0 forbids most of them), then escaped."""
    return escape(guard(text))

FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"


def n(value: float) -> str:
    """A coordinate, rounded to one decimal, without a trailing '.0'."""
    text = f"{round(value, 1):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _marker_points(shape: str, x: float, y: float, r: float) -> list[tuple[float, float]]:
    base = shape.replace("-open", "")
    if base == "square":
        s = r * 0.9
        return [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    if base == "triangle":
        return [(x, y - r * 1.15), (x + r * 1.05, y + r * 0.75), (x - r * 1.05, y + r * 0.75)]
    if base == "diamond":
        return [(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)]
    return []


def to_svg(fig: Figure) -> str:
    fid = _xml_escape(fig.id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n(fig.width)} {n(fig.height)}" '
        f'width="{n(fig.width)}" height="{n(fig.height)}" role="img" aria-labelledby="{fid}-t {fid}-d" '
        f'class="figure-svg" font-family="{FONT}">',
        f'<title id="{fid}-t">{_xml_escape(fig.title)}</title>',
        f'<desc id="{fid}-d">{_xml_escape(fig.desc)}</desc>',
    ]
    for s in fig.shapes:
        if s["k"] == "line":
            dash = f' stroke-dasharray="{s["dash"]}"' if s["dash"] else ""
            if len(s["pts"]) == 2:
                (x1, y1), (x2, y2) = s["pts"]
                out.append(f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}" stroke="{s["stroke"]}" '
                           f'stroke-width="{n(s["w"])}"{dash}/>')
            else:
                pts = " ".join(f"{n(x)},{n(y)}" for x, y in s["pts"])
                out.append(f'<polyline points="{pts}" fill="none" stroke="{s["stroke"]}" stroke-width="{n(s["w"])}" '
                           f'stroke-linejoin="round" stroke-linecap="round"{dash}/>')
        elif s["k"] == "rect":
            out.append(f'<rect x="{n(s["x"])}" y="{n(s["y"])}" width="{n(s["w_"])}" height="{n(s["h"])}" '
                       f'fill="{s["fill"]}" stroke="{s["stroke"]}" stroke-width="{n(s["w"])}"/>')
        elif s["k"] == "marker":
            opened = s["shape"].endswith("-open")
            fill = "#ffffff" if opened else s["color"]
            if s["shape"].startswith("circle"):
                out.append(f'<circle cx="{n(s["x"])}" cy="{n(s["y"])}" r="{n(s["r"])}" fill="{fill}" '
                           f'stroke="{s["color"]}" stroke-width="1.5"/>')
            else:
                pts = " ".join(f"{n(x)},{n(y)}" for x, y in _marker_points(s["shape"], s["x"], s["y"], s["r"]))
                out.append(f'<polygon points="{pts}" fill="{fill}" stroke="{s["color"]}" stroke-width="1.5"/>')
        elif s["k"] == "text":
            weight = ' font-weight="bold"' if s["bold"] else ""
            anchor = f' text-anchor="{s["anchor"]}"' if s["anchor"] != "start" else ""
            out.append(f'<text x="{n(s["x"])}" y="{n(s["y"])}" font-size="{n(s["size"])}" fill="{s["fill"]}"'
                       f'{anchor}{weight}>{_xml_escape(s["s"])}</text>')
    out.append("</svg>")
    return "\n".join(out)


# -- PNG (for DOCX) ---------------------------------------------------------------------------------

_FONTS: dict[tuple[float, bool], Font] = {}


def _font(size: float, bold: bool) -> Font:
    from PIL import ImageFont

    key = (size, bold)
    if key not in _FONTS:
        names = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf") if bold else ("DejaVuSans.ttf",)
        font: Font | None = None
        for name in names:
            try:
                font = ImageFont.truetype(name, size)
                break
            except OSError:
                continue
        _FONTS[key] = font or ImageFont.load_default(size=size)
    return _FONTS[key]


def _png_text(text: str) -> str:
    """A label as Pillow draws it: controls shown; without its bidi layout (libraqm), which alone reads the
    isolates, those marks would be drawn as empty boxes, so they go."""
    from PIL import features

    text = guard(text)
    return text if features.check("raqm") else text.replace(FSI, "").replace(PDI, "")


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _dashed(pts: list[tuple[float, float]], dash: str) -> list[list[tuple[float, float]]]:
    """A polyline cut into the drawn pieces of its dash pattern."""
    if not dash:
        return [pts]
    pattern = [float(x) for x in dash.split()]
    pieces: list[list[tuple[float, float]]] = []
    idx, left, on = 0, pattern[0], True
    cur: list[tuple[float, float]] = [pts[0]]
    for (x1, y1), (x2, y2) in itertools.pairwise(pts):
        seg = math.hypot(x2 - x1, y2 - y1)
        pos = 0.0
        while seg - pos > left:
            pos += left
            t = pos / seg
            p = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
            if on:
                cur.append(p)
                pieces.append(cur)
            cur = [p]
            on = not on
            idx = (idx + 1) % len(pattern)
            left = pattern[idx]
        left -= seg - pos
        if on:
            cur.append((x2, y2))
        else:
            cur = [(x2, y2)]
    if on and len(cur) >= 2:
        pieces.append(cur)
    return pieces


def to_png(fig: Figure, scale: float = 2.0) -> bytes:
    """The figure as a PNG (needs Pillow: the `docx` extra)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (math.ceil(fig.width * scale), math.ceil(fig.height * scale)), "white")
    draw = ImageDraw.Draw(img)

    def sc(p: tuple[float, float]) -> tuple[float, float]:
        return p[0] * scale, p[1] * scale

    for s in fig.shapes:
        if s["k"] == "line":
            width = max(round(s["w"] * scale), 1)
            for piece in _dashed(s["pts"], s["dash"]):
                draw.line([sc(p) for p in piece], fill=_rgb(s["stroke"]), width=width, joint="curve")
        elif s["k"] == "rect":
            box = [sc((s["x"], s["y"])), sc((s["x"] + s["w_"], s["y"] + s["h"]))]
            fill = None if s["fill"] == "none" else _rgb(s["fill"])
            outline = None if s["stroke"] == "none" else _rgb(s["stroke"])
            draw.rectangle(box, fill=fill, outline=outline, width=max(round(s["w"] * scale), 1))
        elif s["k"] == "marker":
            color = _rgb(s["color"])
            fill = (255, 255, 255) if s["shape"].endswith("-open") else color
            x, y, r = s["x"], s["y"], s["r"]
            if s["shape"].startswith("circle"):
                draw.ellipse([sc((x - r, y - r)), sc((x + r, y + r))], fill=fill, outline=color,
                             width=max(int(1.5 * scale), 1))
            else:
                draw.polygon([sc(p) for p in _marker_points(s["shape"], x, y, r)], fill=fill, outline=color,
                             width=max(int(1.5 * scale), 1))
        elif s["k"] == "text":
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s["anchor"]]
            draw.text(sc((s["x"], s["y"])), _png_text(s["s"]), fill=_rgb(s["fill"]),
                      font=_font(s["size"] * scale, s["bold"]), anchor=anchor)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
