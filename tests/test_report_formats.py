"""Each report format produced and read back: PDF (through WeasyPrint, text read back with a small PDF
reader below), DOCX (through python-docx, opened again with it), Markdown with its SVG figures, and the
self-contained HTML; and the clear message when an optional extra is missing."""

from __future__ import annotations

import re
import sys
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exercise.live import LiveSession
from exercise.report import ReportError, build, write_report
from exercise.report.figure_drawing import to_png

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial"
SCRIPT = ROOT / "tests" / "fixtures" / "scripts" / "report_session.yaml"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} **bold**"


@pytest.fixture(scope="module")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exercise.cli import main

    db = tmp_path_factory.mktemp("formats") / "workshop.sqlite"
    assert main(["run", str(TUTORIAL), "--db", str(db), "--script", str(SCRIPT)]) == 0
    live = LiveSession.open(db)
    try:
        live.execute(lambda s: s.observe(None, "Hot wash: more time for the council <em>next time</em>",
                                         kind="hotwash"))
    finally:
        live.close()
    return db


@pytest.fixture(scope="module")
def outputs(session_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("formats-out")
    paths = write_report(session_db, ["md", "html", "pdf", "docx"], out)
    return {p.suffix[1:]: p for p in paths}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- a small PDF reader, enough for WeasyPrint's output -------------------------------------------------


OBJ = re.compile(rb"(\d+) 0 obj\b")


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objs: dict[int, tuple[bytes, bytes | None]] = {}
    i = 0
    while (m := OBJ.search(data, i)) is not None:
        num, j = int(m.group(1)), m.end()
        s, e = data.find(b"stream", j), data.find(b"endobj", j)
        if s != -1 and s < e:
            head = data[j:s]
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            start = s + 6 + (2 if data[s + 6:s + 8] == b"\r\n" else 1)
            raw = data[start:start + length]
            if b"/FlateDecode" in head:
                raw = zlib.decompress(raw)
            objs[num] = (head, raw)
            i = start + length
        else:
            objs[num] = (data[j:e], None)
            i = e + 6
    for head, raw in list(objs.values()):
        if raw is not None and b"/ObjStm" in head:
            n = int(re.search(rb"/N (\d+)", head).group(1))
            first = int(re.search(rb"/First (\d+)", head).group(1))
            nums = [int(x) for x in raw[:first].split()]
            pairs = list(zip(nums[0::2], nums[1::2], strict=True))
            for k, (onum, off) in enumerate(pairs[:n]):
                end = pairs[k + 1][1] if k + 1 < len(pairs) else len(raw) - first
                objs.setdefault(onum, (raw[first + off:first + end], None))
    return objs


def _cmap(raw: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", raw, re.S):
        for a, b in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(a, 16)] = bytes.fromhex(b.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", raw, re.S):
        for a, b, rest in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            lo, hi = int(a, 16), int(b, 16)
            if rest.startswith(b"["):
                for k, d in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", rest)):
                    out[lo + k] = bytes.fromhex(d.decode()).decode("utf-16-be", "replace")
            else:
                base = int(rest[1:-1], 16)
                for k in range(hi - lo + 1):
                    out[lo + k] = chr(base + k)
    return out


def _ref(body: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(m.group(1)) if m else None


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF: enough of a reader for WeasyPrint's output (object streams,
    Flate, Type0 fonts with ToUnicode maps, Tj/TJ hex strings)."""
    objs = _objects(data)
    cmaps: dict[int, dict[int, str]] = {}
    for num, (head, _) in objs.items():
        ref = _ref(head, b"ToUnicode")
        if ref is not None and objs.get(ref, (b"", None))[1] is not None:
            cmaps[num] = _cmap(objs[ref][1])  # type: ignore[arg-type]
    pages = []
    for _num, (head, _) in sorted(objs.items()):
        if not re.search(rb"/Type\s*/Page\b(?!s)", head):
            continue
        res = head
        rref = _ref(head, b"Resources")
        if rref is not None:
            res = objs[rref][0]
        fonts_body = res
        fref = _ref(res, b"Font")
        if fref is not None:
            fonts_body = objs[fref][0]
        else:
            m = re.search(rb"/Font\s*<<(.*?)>>", res, re.S)
            fonts_body = m.group(1) if m else b""
        fonts = {name: int(ref) for name, ref in re.findall(rb"/([^\s/<>]+)\s+(\d+) 0 R", fonts_body)}
        m = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", head)
        refs = [int(x) for x in re.findall(rb"(\d+) 0 R", m.group(1))] if m else []
        content = b"\n".join(objs[r][1] or b"" for r in refs)
        text: list[str] = []
        cmap: dict[int, str] = {}
        ops = rb"/([^\s/]+)\s+[-\d.]+\s+Tf|\[((?:[^\]\\]|\\.)*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj|(ET)"
        for mt in re.finditer(ops, content):
            if mt.group(1) is not None:
                cmap = cmaps.get(fonts.get(mt.group(1), -1), {})
            elif mt.group(4):
                text.append("\n")
            else:
                hexes = re.findall(rb"<([0-9A-Fa-f]*)>", mt.group(2)) if mt.group(2) is not None else [mt.group(3)]
                for h in hexes:
                    s = h.decode()
                    text.append("".join(cmap.get(int(s[k:k + 4], 16), "?") for k in range(0, len(s), 4)))
        pages.append("".join(text))
    return pages


# -- PDF ---------------------------------------------------------------------------------------------------

def test_pdf_is_written_and_reads_back(outputs: dict[str, Path]) -> None:
    data = outputs["pdf"].read_bytes()
    assert data.startswith(b"%PDF-")
    pages = pdf_pages(data)
    assert len(pages) >= 8
    text = _squash("\n".join(pages))
    for heading in ("1.Exerciseoverview", "2.Exercisesummary", "3.Analysisofobjectivesandcapabilities",
                    "4.Improvementplan", "5.Timeline", "AppendixA:Participants", "AppendixB:MSELasplayed",
                    "AppendixC:Eventlogdigestandverification"):
        assert heading in text
    assert _squash(HOSTILE) in text  # player text printed as text
    assert "Page1of" in text and f"of{len(pages)}" in text  # page numbers from the print stylesheet
    assert "Tobeassigned" in text and "suggested" in text
    # every figure is there with its caption (the drawings themselves are vector forms in the page)
    assert all(f"Figure{k}." in text for k in range(1, 8))
    assert data.count(b"/Subtype /Form") + data.count(b"/Subtype/Form") >= 1 or b"/XObject" in data


def test_pdf_without_weasyprint_names_the_extra(session_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    with pytest.raises(ReportError) as exc:
        write_report(session_db, ["html", "pdf"], tmp_path)
    assert str(exc.value) == "PDF output needs the optional extra: pip install 'tabletop-exercise[pdf]'"
    assert not list(tmp_path.iterdir())  # nothing half-written
    from exercise.cli import main

    assert main(["report", str(session_db), "--format", "pdf", "-o", str(tmp_path)]) == 1
    assert "error: PDF output needs the optional extra: pip install 'tabletop-exercise[pdf]'" in capsys.readouterr().err


# -- DOCX --------------------------------------------------------------------------------------------------

def test_docx_is_written_and_reads_back(outputs: dict[str, Path], session_db: Path) -> None:
    import docx

    report = build(session_db)
    doc = docx.Document(str(outputs["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    for h in ("1. Exercise overview", "2. Exercise summary", "3. Analysis of objectives and capabilities",
              "4. Improvement plan", "5. Timeline", "Appendix A: Participants", "Appendix B: MSEL as played",
              "Appendix C: Event log digest and verification"):
        assert h in headings
    for o in report.objectives:
        assert f"{o.id}: {o.capability}" in headings
    # The improvement plan is a real table, one row per area for improvement, its header repeated on each page.
    ip = next(t for t in doc.tables if t.rows[0].cells[0].text == "#" and t.rows[0].cells[1].text == "Core capability")
    assert len(ip.rows) == len(report.improvement_plan) + 1
    assert ip.rows[0]._tr.xml.count("tblHeader") == 1
    assert [c.text for c in ip.rows[0].cells][2:5] == ["Capability element", "Issue / area for improvement",
                                                       "Root cause"]
    assert [r.cells[7].text for r in ip.rows[1:]] == ["To be assigned"] * len(report.improvement_plan)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    all_text = "\n".join([*(p.text for p in doc.paragraphs), *cells])
    assert HOSTILE in all_text and "<em>next time</em>" in all_text
    # Every figure is in as a PNG picture.
    assert len(doc.inline_shapes) == len(report.figures)
    blobs = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    assert len(blobs) == len(report.figures) and all(b.startswith(b"\x89PNG") for b in blobs)
    assert doc.core_properties.title == report.title


def test_docx_without_its_extra_names_it(session_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    needs = r"DOCX output needs the optional extra: pip install 'tabletop-exercise\[docx\]'"
    with pytest.raises(ReportError, match=needs):
        write_report(session_db, ["docx"], tmp_path)


# -- Markdown and HTML -------------------------------------------------------------------------------------

def test_markdown_figures_are_svg_files_beside_it(outputs: dict[str, Path], session_db: Path) -> None:
    md = outputs["md"].read_text(encoding="utf-8")
    report = build(session_db)
    folder = outputs["md"].parent / "workshop-aar-figures"
    for f in report.figures:
        svg = folder / f"{f.id}.svg"
        assert f"](workshop-aar-figures/{f.id}.svg)" in md
        root = ElementTree.fromstring(svg.read_text(encoding="utf-8"))
        ns = "{http://www.w3.org/2000/svg}"
        assert root.tag == f"{ns}svg" and root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None


def test_html_is_self_contained_and_prints_on_a4(outputs: dict[str, Path]) -> None:
    html = outputs["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert not re.search(r"url\(", html)
    assert "size: A4" in html and "display: table-header-group" in html and "break-before: page" in html


def test_svg_numbers_are_rounded(outputs: dict[str, Path]) -> None:
    html = outputs["html"].read_text(encoding="utf-8")
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        for attr in re.findall(r'(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height|points)="([^"]*)"', svg):
            assert not re.search(r"\d\.\d\d", attr)


def test_figures_rasterise_for_docx(session_db: Path) -> None:
    report = build(session_db)
    png = to_png(report.figures[0], scale=2)
    assert png.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    img = Image.open(BytesIO(png))
    assert img.size == (int(report.figures[0].width * 2), int(report.figures[0].height * 2))
    assert zlib  # (used by the PDF reader)
