"""The scenario's map in the report: the SVG the session's copy of the scenario holds (checked when it was
loaded: `engine.region_map`), shown as an image.

An `<img>` with a data: URL, never the SVG inlined into the page: a browser runs no script and fetches nothing
for an SVG drawn as an image, and the picture's ids and styles cannot touch the report's own. The Markdown
report links the same file, written beside it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from markupsafe import Markup

from ..engine.compile import CompiledScenario
from ..engine.region_map import picture
from ..engine.text import one_line


@dataclass
class RegionMapView:
    svg: bytes  # the file as checked: bytes, so that the report's guard on outside text leaves it whole
    data_uri: Markup  # base64 of a checked picture: letters, digits, '+', '/' and '=', nothing to escape or break
    caption: str
    alt: str


def region_map_view(sc: CompiledScenario) -> RegionMapView | None:
    region = sc.model.region_map
    svg = picture(region.image if region is not None else None, sc.sources, sc.main)
    if region is None or svg is None:
        return None
    uri = Markup("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"))
    caption = one_line(region.caption)
    alt = caption or f"A map of {one_line(sc.title)}"
    return RegionMapView(svg=svg.encode("utf-8"), data_uri=uri, caption=caption, alt=alt)


def _register() -> None:
    from .render import register_data_types

    register_data_types(RegionMapView)


_register()
