"""What a scenario, a facilitator and players wrote, in every report format and export: held as text.

One hostile session: its scenario names nations in Hebrew and Arabic and puts escape sequences, Markdown,
HTML and a formula in titles and labels; its facilitator and players write NUL, ESC sequences, CR, DEL, a C1
control, a right-to-left override, Textual markup, a script tag, Markdown structure, a javascript: link, a
20,000-character word and Hebrew and Arabic sentences with numbers. Every format must hold all of it as text
(no control character, no live HTML, no Markdown structure), isolate the right-to-left runs, and wrap the long
word inside its column; the exports keep the data exact and defuse formulas.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from harness import bounded

from exercise.engine.compile import load_scenario
from exercise.engine.events import Event, ObservationNoted, VoteCast, event_to_dict
from exercise.engine.text import FSI, PDI, has_rtl
from exercise.live import LiveSession
from exercise.report import write_report
from exercise.report.scripted import stepping_clock
from exercise.store import canonical_json

LONG = "y" * 20_000
HE = "הממשלה החליטה לשלוח 12 ספינות ב-2025, לא 3."
AR = "قررت الحكومة إرسال 12 سفينة في 2025، وليس 3."
NASTY = ("nul\0 esc\x1b[31m red\x1b[0m cr\rover del\x7f c1\x9b rlo\u202e [bold]x[/] <script>alert(1)</script> "
         "`code` [link](javascript:alert(1))")
STRUCTURE = "# heading\n- item\n1. one\n> quote\n| pipe | cell |"
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"click\")"

SCENARIO = r"""ttx: 1
id: hostile
title: "Hostile \e[31mred\e[0m # not a heading | pipe"
clock: {start: "D+0 06:00", step: 6h, turns: 3}
objectives:
  - {id: O1, text: "# Share intelligence <script>alert(1)</script>", capability: "Intelligence | sharing `code`"}
nations:
  - {id: norvia, name: "נורביה 12", capabilities: {cyber: 3}}
  - {id: kessland, name: "كيسلاند 7", bot: {profile: self-interested}}
organisations:
  - {id: nac, name: "North [Compact](javascript:alert(1))", members: [norvia, kessland], decides: consensus}
state:
  cohesion: {start: 60, label: "Alliance\0 cohesion"}
injects:
  - id: grid-down
    at: turn 1
    to: [norvia]
    objective: O1
    title: "Grid \e]0;pwned\a down"
    text: "Blackouts across {{ nation.name }}.\r\nSecond line\0."
    expected: "- share\n1. now"
    decision:
      options:
        - {id: share, label: "Share [now](javascript:alert(1))", effects: {cohesion: +5}}
        - {id: wait, label: "<b>Wait</b>", effects: {cohesion: -3}}
      default: wait
  - id: summit
    after: grid-down + 1 turn
    to: [nac]
    objective: O1
    title: "=1+1 summit"
    text: The Compact meets.
    decision:
      options:
        - {id: act, label: Act together, effects: {cohesion: +10}}
        - {id: stall, label: Stall, effects: {cohesion: -10}}
      default: stall
endings:
  - {id: holds, title: Coalition holds, when: "cohesion >= 60"}
  - {id: frays, title: Coalition frays}
"""


def _older(live: LiveSession, event: Event) -> None:
    """An event as a file written before today's length limits holds it (or a hand-made one): straight into the
    store, with its place in the hash chain; the session catches up with it at its next command."""
    live.store.append([event_to_dict(event)])


def _play(db: Path, scenario: Path, option: str) -> None:
    live = LiveSession.create(db, load_scenario(scenario), seed=1, teams={"norvia": "human",
                              "kessland": "bot:self-interested"}, mode="facilitated",
                              facilitator="Control \x1b[1mcell\x1b[0m", clock=stepping_clock())
    run = live.execute
    try:
        run(lambda s: s.decide("norvia", "grid-down", option, f"{STRUCTURE}\n{NASTY} {HE}"))
        run(lambda s: s.send("norvia", ["kessland"], f"{AR}\n{NASTY}"))
        _older(live, ObservationNoted(objective="O1", rating="M", text=f"Observation {LONG} end",
                                      kind="improvement"))
        run(lambda s: s.observe("O1", f"{HE} {NASTY}", rating="U"))
        run(lambda s: s.observe(None, f"{FORMULA} {AR}", kind="improvement"))
        run(lambda s: s.write_inject("spot", ["norvia"], f"Written {NASTY}", title=f"Spot <i>inject</i> {HE}",
                                     sender="Fac\0"))
        run(lambda s: s.adjudicate("cohesion", 2, f"reason {NASTY}"))
        run(lambda s: s.pause("pause\x1b[2J"))
        run(lambda s: s.resume())
        run(lambda s: s.advance())
        _older(live, VoteCast(org="nac", inject="summit", nation="norvia", option="act",
                              rationale=f"Rationale {LONG} {AR}"))
        run(lambda s: s.advance())
        run(lambda s: s.advance())
        run(lambda s: s.observe("O1", f"hot {HE}", rating="S", kind="hotwash"))
    finally:
        live.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    (base / "hostile.yaml").write_text(SCENARIO, encoding="utf-8")
    _play(base / "hostile.sqlite", base / "hostile.yaml", "share")
    return base / "hostile.sqlite"


@pytest.fixture(scope="module")
def out(hostile: Path) -> Path:
    """The report in every format: Markdown, HTML and DOCX by the command itself under the hostile-input limits;
    the PDF (WeasyPrint lays out some sixty pages of it) in this process."""
    folder = hostile.parent / "out"
    done = bounded("report", hostile, "--format", "md,html,docx", "-o", folder)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    write_report(hostile, ["pdf"], folder)
    done = bounded("export", hostile, "--format", "jsonl,csv,msel-csv,msel-xlsx", "-o", folder)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return folder


# C0 controls but tab and newline, DEL, C1, and the directional embeddings and overrides.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def _docx_paragraphs(path: Path) -> list[str]:
    import docx

    doc = docx.Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    paras += [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return paras


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout


class _Html(HTMLParser):
    """The page's text nodes, each with the tags open around it, and every attribute value."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, list[tuple[str, dict[str, str | None]]]]] = []
        self.attrs: list[tuple[str, str]] = []
        self.tags: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += [(k, v) for k, v in attrs if v is not None]
        if tag not in ("meta", "br", "wbr", "col", "img"):
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.texts.append((data, list(self.stack)))

    def text(self) -> str:
        return "".join(d for d, around in self.texts if not {t for t, _ in around} & {"style", "svg", "title"})


def _isolated(line: str) -> bool:
    """Every right-to-left letter of `line` stands between an FSI and its PDI, and the marks pair up."""
    depth = 0
    for ch in line:
        if ch == FSI:
            depth += 1
        elif ch == PDI:
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0 and has_rtl(ch):
            return False
    return depth == 0


# -- control characters ----------------------------------------------------------------------------------------

def test_no_control_character_reaches_a_report(out: Path) -> None:
    md, html = (out / "hostile-aar.md").read_text("utf-8"), (out / "hostile-aar.html").read_text("utf-8")
    svgs = [p.read_text("utf-8") for p in (out / "hostile-aar-figures").iterdir()]
    # pdftotext ends each page with a form feed and wraps each right-to-left run it extracts in RLE ... PDF
    # marks of its own: those are its way of writing the text out, not characters of the PDF.
    pdf = re.sub("[\f\u202b\u202c]", "", _pdf_text(out / "hostile-aar.pdf"))
    docx = "\n".join(_docx_paragraphs(out / "hostile-aar.docx"))
    for name, text in {"md": md, "html": html, "svg": "".join(svgs), "pdf": pdf, "docx": docx,
                       "docx xml": _docx_xml(out / "hostile-aar.docx")}.items():
        assert not RAW_CONTROL.findall(text), name
    # Shown, not dropped: each control is a visible picture, in every format.
    for name, text in {"html": _Html(html).text(), "pdf": pdf, "docx": docx}.items():
        assert "nul␀ esc␛[31m red␛[0m cr" in text and "del␡ c1<U+009B> rlo<U+202E>" in text, name
    assert "nul␀ esc␛\\[31m red␛\\[0m cr" in md
    assert LONG in html and LONG in docx and LONG in md.replace("\\", "")  # the long word whole, nowhere cut


def test_exports_keep_the_data_exact_without_raw_controls_or_live_formulas(hostile: Path, out: Path) -> None:
    live = LiveSession.open(hostile)
    try:
        stored = live.store.read()
    finally:
        live.close()
    # JSONL: parses back to exactly the stored events, their hash chain checks, and no character in it is raw
    # that is not printable (JSON itself escapes only C0; DEL, C1 and the directional marks are escaped too).
    text = (out / "hostile.jsonl").read_text("utf-8")
    assert all(line.isprintable() for line in text.split("\n"))
    lines = [json.loads(x) for x in text.splitlines()]
    prev = "0" * 64
    for line, row in zip(lines, stored, strict=True):
        assert line["payload"] == row.payload
        material = f"{prev}\n{line['seq']}\n{line['wall']}\n{canonical_json(line['payload'])}"
        prev = hashlib.sha256(material.encode()).hexdigest()
        assert prev == line["hash"] == row.hash
    # CSV: the payload column is the canonical JSON exactly as hashed; the columns flattened from it show
    # controls as pictures, and a cell a spreadsheet would run as a formula starts with an apostrophe.
    with (out / "hostile.csv").open(encoding="utf-8", newline="") as fh:
        flat = list(csv.DictReader(fh))
    for cells, event in zip(flat, stored, strict=True):
        assert cells["payload"] == canonical_json(event.payload)
        for column, cell in cells.items():
            if column != "payload":
                assert not RAW_CONTROL.search(cell), column
                assert cell.lstrip()[:1] not in ("=", "+", "-", "@") or cell.lstrip("-").isdigit(), (column, cell)
    decision = next(r for r in flat if r["type"] == "DecisionTaken")
    assert "nul␀ esc␛[31m" in decision["rationale"] and "<script>alert(1)</script>" in decision["rationale"]
    formula = next(r for r in flat if r["text"].startswith("'" + FORMULA))
    assert json.loads(formula["payload"])["text"].startswith(FORMULA)
    # The MSEL as played: the same in CSV; in XLSX every text cell a string, never a formula.
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs installed

    with (out / "hostile-msel.csv").open(encoding="utf-8", newline="") as fh:
        msel = list(csv.DictReader(fh))
    summit = next(r for r in msel if r["Inject"] == "summit")
    assert summit["Description"] == "'=1+1 summit"
    assert all(not RAW_CONTROL.search(c) for r in msel for c in r.values())
    ws = load_workbook(out / "hostile-msel.xlsx").active
    sheet = [c for line in ws.iter_rows(min_row=2) for c in line[1:]]
    assert all(c.data_type == "s" for c in sheet if c.value is not None)
    assert "=1+1 summit" in [c.value for c in sheet]
    assert not any(RAW_CONTROL.search(str(c.value)) for c in sheet if c.value is not None)


# -- no markup, no Markdown structure --------------------------------------------------------------------------

def test_html_holds_outside_text_as_text(out: Path) -> None:
    page = _Html((out / "hostile-aar.html").read_text("utf-8"))
    assert "script" not in page.tags  # <script>, and <i>inject</i> below, stay text
    assert "i" not in page.tags  # the report itself writes no <i>: any would be outside text read as markup
    assert not [v for _, v in page.attrs if "<" in v or v.strip().lower().startswith("javascript:")]
    text = page.text()
    for typed in ("<script>alert(1)</script>", "[bold]x[/]", "[link](javascript:alert(1))", "`code`",
                  "Spot <i>inject</i>", "<b>Wait</b>", "# heading", "| pipe | cell |"):
        assert typed in text
    from exercise.report.render import environment

    assert environment("html").autoescape is True and environment("print").autoescape is True
    templates = Path(__file__).resolve().parents[1] / "reports"
    assert not [p.name for p in templates.glob("*.j2") if "|safe" in p.read_text("utf-8").replace(" ", "")]


def test_markdown_makes_no_structure_of_outside_text(out: Path) -> None:
    from markdown_it import MarkdownIt

    md = (out / "hostile-aar.md").read_text("utf-8")
    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)
    page = _Html(rendered)
    assert not page.tags & {"script", "blockquote", "i", "b", "h5", "h6"}
    headings = [d for d, around in page.texts if around and around[-1][0] in ("h1", "h2", "h3", "h4")]
    assert len([h for h in headings if h.startswith("After-action report")]) == 1
    assert not [h for h in headings if h.strip().startswith(("heading", "Share", "not a heading"))]
    links = [v for k, v in page.attrs if k in ("href", "src")]
    assert links and all(v.startswith(("#", "hostile-aar-figures/")) for v in links)  # contents and figures only
    items = [d for d, around in page.texts if around and around[-1][0] == "li"]
    assert not [x for x in items if x.strip() in ("item", "one", "share", "now")]
    codes = [d for d, around in page.texts if around and around[-1][0] == "code"]
    assert "code" not in codes and "hostile" in codes  # the player's backticks are text; the report's ids code
    text = page.text()
    for typed in ("<script>alert(1)</script>", "[link](javascript:alert(1))", "`code`", "<b>Wait</b>",
                  "# heading - item 1. one > quote | pipe | cell |", "Share [now](javascript:alert(1))"):
        assert typed in text


# -- right-to-left ---------------------------------------------------------------------------------------------

def test_right_to_left_runs_are_isolated_in_every_format(out: Path) -> None:
    page = _Html((out / "hostile-aar.html").read_text("utf-8"))
    checked = 0
    for data, around in page.texts:
        tags = [t for t, _ in around]
        if has_rtl(data) and not {"svg", "title", "style"} & set(tags):
            bdi = [a for t, a in around if t == "bdi"]
            assert bdi and bdi[-1].get("dir") in ("rtl", "ltr"), data[:60]
            checked += 1
    assert checked >= 10
    # The direction is the text's own: a note that starts in Hebrew reads right to left, one that starts in
    # English left to right; an engine's sentence with a Hebrew name first (isolated where the engine put it in)
    # stays left to right.
    dirs = {data[:20]: around[-1][1].get("dir") for data, around in page.texts if around and around[-1][0] == "bdi"}
    assert dirs[HE[:20]] == "rtl" and dirs["# heading\n- item\n1. "] == "ltr"
    assert any(k.startswith(f"{FSI}נורביה 12{PDI} decided") and v == "ltr" for k, v in dirs.items())
    md = (out / "hostile-aar.md").read_text("utf-8")
    assert all(_isolated(line) for line in md.splitlines())
    assert sum(has_rtl(line) for line in md.splitlines()) >= 10
    paragraphs = _docx_paragraphs(out / "hostile-aar.docx")
    assert all(_isolated(p) for p in paragraphs)
    assert sum(has_rtl(p) for p in paragraphs) >= 10
    # The PDF as drawn, read back in reading order: the report's words stay where they were written around a
    # Hebrew or Arabic name, which keeps its own order (pdftotext marks each right-to-left run with RLE ... PDF).
    pdf = " ".join(re.sub("[\u202b\u202c]", "", _pdf_text(out / "hostile-aar.pdf")).split())
    said = re.findall(r"#\d+ turn 1 \(D\+0 06:00\): (.{0,20}?)decided on 'Grid", pdf)
    assert said and all("נורביה" in x for x in said)
    names = re.search(r"played by people: (.{0,20}?)played by the computer: (.{0,25}?)self-?interested", pdf)
    # (pdftotext reads the lam-alef ligature of كيسلاند back as alef-lam: the name's first letters suffice)
    assert names is not None and "נורביה" in names.group(1) and "كيس" in names.group(2)


def test_figures_hold_labels_as_text(out: Path, hostile: Path) -> None:
    from xml.etree import ElementTree

    from exercise.report import build
    from exercise.report.figure_drawing import to_png

    ns = "{http://www.w3.org/2000/svg}"
    labels = []
    for svg in (out / "hostile-aar-figures").iterdir():
        root = ElementTree.fromstring(svg.read_text("utf-8"))  # well-formed XML: no control character in it
        labels += ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
        labels += [root.findtext(f"{ns}title") or "", root.findtext(f"{ns}desc") or ""]
    assert "Alliance␀ cohesion" in " ".join(labels)
    assert [x for x in labels if "נורביה" in x] and all(_isolated(x) or x.startswith("נורביה") for x in labels)
    for fig in build(hostile).figures:
        assert to_png(fig, scale=1).startswith(b"\x89PNG")


# -- a 20,000-character word -----------------------------------------------------------------------------------

def test_a_long_word_wraps_inside_its_column_in_html(out: Path) -> None:
    html = (out / "hostile-aar.html").read_text("utf-8")
    assert re.search(r"body \{ overflow-wrap: anywhere; \}", html)
    assert "table.fixed { table-layout: fixed; }" in html
    for table in re.findall(r'<table class="[^"]*\bfixed\b[^"]*">\s*<colgroup>(.*?)</colgroup>', html):
        assert sum(int(w) for w in re.findall(r"width: (\d+)%", table)) == 100
    assert re.search(r'<table class="ip fixed">', html) and re.search(r'<table class="compact timeline fixed">', html)
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed: the page's width is checked by its CSS only")
    # The page as a browser lays it out, 1280 px wide: a script added to a copy writes its width into the DOM.
    probe = out / "probe.html"
    probe.write_text(html.replace("</body>", "<script>document.body.dataset.w = "
                                  "document.documentElement.scrollWidth</script></body>"), encoding="utf-8")
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--no-first-run", "--window-size=1280,2000", "--dump-dom",
                          probe.as_uri()], capture_output=True, text=True, timeout=120).stdout
    width = re.search(r'data-w="(\d+)"', dom)
    assert width is not None and int(width.group(1)) <= 1280


def test_a_long_word_wraps_inside_its_column_in_pdf_and_docx(out: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    boxes = subprocess.run(["pdftotext", "-bbox", str(out / "hostile-aar.pdf"), "-"], capture_output=True,
                           text=True, check=True, timeout=120).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', boxes, re.S)
    assert len(pages) > 20  # the long word takes pages, every one of them A4 (portrait or landscape)
    for width, words in pages:
        right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', words))
        assert right <= float(width) - 30  # inside the page's 15 mm margin, never cut off at its edge
    text = _pdf_text(out / "hostile-aar.pdf")
    assert "To be assigned" in text and "Improvement plan" in text
    import docx

    doc = docx.Document(str(out / "hostile-aar.docx"))
    landscape, portrait = (29.7 - 2 * 1.8) / 2.54 * 1440, (21 - 2 * 1.8) / 2.54 * 1440  # text widths, twips
    for table in doc.tables:  # fixed widths that fit the page: Word wraps a long word inside its cell
        assert '<w:tblLayout w:type="fixed"/>' in table._tbl.xml
        assert sum(int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', table._tbl.xml)) <= landscape
    ip = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["#", "Core capability"])
    overview = next(t for t in doc.tables if t.rows[1].cells[0].text == "Exercise name")
    for table, width in ((ip, landscape), (overview, portrait)):
        assert sum(int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', table._tbl.xml)) <= width


# -- comparing two hostile sessions ----------------------------------------------------------------------------

def test_comparison_holds_outside_text_as_text(hostile: Path, tmp_path: Path) -> None:
    from exercise.report.compare import write_comparison

    other = tmp_path / "other.sqlite"
    _play(other, hostile.parent / "hostile.yaml", "wait")
    md, html, docx_path = write_comparison([hostile, other], ["md", "html", "docx"], tmp_path / "cmp")
    markdown, page = md.read_text("utf-8"), html.read_text("utf-8")
    docx = "\n".join(_docx_paragraphs(docx_path))
    for name, text in {"md": markdown, "html": page, "docx": docx}.items():
        assert not RAW_CONTROL.search(text), name
    assert "<script>alert" not in page and "nul␀ esc␛[31m" in page and "<bdi dir=" in page
    assert all(_isolated(line) for line in markdown.splitlines())
    assert all(_isolated(p) for p in _docx_paragraphs(docx_path))
