"""A scenario's map of its region: an SVG picture shipped beside the scenario file, and a text drawing.

The picture comes with a scenario from elsewhere, so it is untrusted like the rest of it. It is checked here,
never rewritten: whatever it holds is read by a browser (the HTML report), WeasyPrint (the PDF) and an
editor, so anything that could run or fetch is refused with its line and column, and an author fixes the
file rather than getting a silently different picture. What is refused:

- a DOCTYPE (and so every entity, internal or external: the billion laughs and file inclusion alike),
  processing instructions (`<?xml-stylesheet ...?>`), an encoding other than UTF-8;
- every element not on a short list of drawing elements: `script`, `style`, `foreignObject`, `image`, `a`,
  the animation elements (`set` can rewrite a link), filters (`feImage` fetches), and anything namespaced;
- event attributes (`onload`, `onclick`...), `xml:base`, a link (`href`, `xlink:href`) to anything but a
  fragment of the same file (`#river`), and `url(...)` to anything but a fragment.

The report embeds the checked picture as an `<img>` (a data: URL), where browsers neither run scripts nor
fetch anything in any case: the check is the first wall, not the only one.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from xml.parsers import expat

MAX_MAP_BYTES = 512 * 1024  # a hand-drawn regional map is 5-30 kB
MAX_ELEMENTS = 20_000
MAX_DEPTH = 48
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Drawing and structure only: nothing that runs, fetches, animates or embeds another document.
ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "marker", "pattern", "clipPath", "mask",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "linearGradient", "radialGradient", "stop",
})
_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """A refusal inside the picture, 1-based line and column."""

    line: int
    col: int
    message: str


class _Refused(Exception):
    pass


def path_problem(image: str) -> str | None:
    """Why a map's path is refused, or None: a relative POSIX path to a .svg file inside the scenario's folder."""
    if not image or len(image) > 1024:
        return "the map is named by a path of 1 to 1024 characters"
    if _CONTROL.search(image) or "\n" in image or "\r" in image or "\t" in image:
        return "the map's path holds a control character"
    if "\\" in image or re.match(r"^[A-Za-z]:", image):
        return "write the map's path with '/', relative to the scenario file (a Windows path is not portable)"
    if posixpath.isabs(image):
        return "the map's path must be relative to the scenario file, inside its folder"
    key = posixpath.normpath(image)
    if key == ".." or key.startswith("../"):
        return "the map must be inside the scenario's folder (a path may not climb out with '..')"
    if not key.lower().endswith(".svg"):
        return "the map is an SVG picture: a file ending in .svg"
    return None


def map_key(image: str, main_key: str) -> str:
    """The key a map is read and stored under: its path from the main file's folder, as includes are."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(main_key), image))


def check_svg(data: bytes) -> tuple[str, list[Problem]]:
    """The picture as text and why it is refused (nothing when it may be shown)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "", [Problem(1, 1, f"the map is not UTF-8 text (byte {exc.start} is not)")]
    checker = _Checker()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    checker.parser = parser
    parser.XmlDeclHandler = checker.xml_decl
    parser.StartDoctypeDeclHandler = checker.doctype
    parser.EntityDeclHandler = checker.entity
    parser.ExternalEntityRefHandler = checker.external
    parser.ProcessingInstructionHandler = checker.processing
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    try:
        parser.Parse(text.encode("utf-8"), True)
    except _Refused as exc:
        return text, [Problem(parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, str(exc))]
    except expat.ExpatError as exc:
        return text, [Problem(exc.lineno, exc.offset + 1, f"the map is not well-formed XML: "
                              f"{expat.ErrorString(exc.code)}")]
    if not checker.root_seen:
        return text, [Problem(1, 1, "the map holds no <svg> element")]
    return text, []


class _Checker:
    def __init__(self) -> None:
        self.parser: expat.XMLParserType | None = None
        self.depth = 0
        self.count = 0
        self.root_seen = False

    def xml_decl(self, version: str | None, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise _Refused(f"the map declares the encoding '{encoding}': write it as UTF-8")

    def doctype(self, name: str, system: str | None, public: str | None, internal: bool) -> None:
        raise _Refused("a DOCTYPE is refused in a map (it is where entities are declared); an SVG needs none")

    def entity(self, *args: object) -> None:
        raise _Refused("an entity declaration is refused in a map")

    def external(self, *args: object) -> int:
        raise _Refused("an external entity is refused in a map")

    def processing(self, target: str, data: str) -> None:
        raise _Refused(f"the processing instruction <?{target} ...?> is refused in a map")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.count += 1
        self.depth += 1
        if self.count > MAX_ELEMENTS:
            raise _Refused(f"the map holds more than {MAX_ELEMENTS} elements")
        if self.depth > MAX_DEPTH:
            raise _Refused(f"the map's elements are nested more than {MAX_DEPTH} deep")
        if not self.root_seen:
            self.root_seen = True
            if name != "svg":
                raise _Refused(f"a map is an SVG picture: its first element is <svg>, not <{name}>")
            if attrs.get("xmlns") != SVG_NS:
                raise _Refused(f"the <svg> element needs xmlns=\"{SVG_NS}\"")
        if name not in ALLOWED_ELEMENTS:
            raise _Refused(f"<{name}> is refused in a map (allowed: drawing elements only: "
                           f"{', '.join(sorted(ALLOWED_ELEMENTS))})")
        for attr, value in attrs.items():
            _check_attribute(name, attr, value)

    def end(self, name: str) -> None:
        self.depth -= 1


def _check_attribute(element: str, attr: str, value: str) -> None:
    low = attr.lower()
    local = low.rsplit(":", 1)[-1]
    if local.startswith("on"):
        raise _Refused(f"the event attribute {attr} on <{element}> is refused in a map (it would run a script)")
    if low == "xml:base":
        raise _Refused("xml:base is refused in a map")
    if (low == "xmlns" and value != SVG_NS) or (low.startswith("xmlns:") and value != XLINK_NS):
        raise _Refused(f"the namespace {attr}=\"{value[:80]}\" is refused in a map (SVG and XLink only)")
    if local == "href" and not value.startswith("#"):
        raise _Refused(f"{attr} on <{element}> may only point inside the map ('#id'), not to "
                       f"'{value[:80]}'")
    for match in _URL.finditer(value):
        if not match.group(2).startswith("#"):
            raise _Refused(f"url({match.group(2)[:80]}) in {attr} on <{element}> is refused: a map may only "
                           "refer to its own parts ('url(#id)')")
    if value.lower().count("url(") != len(_URL.findall(value)):
        raise _Refused(f"{attr} on <{element}> holds a url( that is not a plain 'url(#id)'")
    if low == "style" and ("@import" in value.lower() or "expression(" in value.lower()):
        raise _Refused(f"the style on <{element}> is refused (@import and expression() fetch or run)")


def picture(image: str | None, sources: dict[str, str], main_key: str) -> str | None:
    """The checked SVG a scenario (or a session's stored copy of it) names as its map, or None."""
    if image is None:
        return None
    return sources.get(map_key(image, main_key))
