"""Figures and pages: sub-second latencies read as such, legends name every symbol drawn, value axes have a title
and do not run to 400 for values up to 100, the PDF's contents and the DOCX's footer carry page numbers, the same
log gives the same DOCX bytes, and the comparison is not headed as an after-action report."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from harness import TUTORIAL, in_process

from exercise.report import build, write_report
from exercise.report import figures as fg
from exercise.report.wording import duration


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pages") / "fast.sqlite"
    assert in_process("run", TUTORIAL, "--db", db, "--bots", "--seed", 5).returncode == 0
    return db


def _texts(f: fg.Figure) -> list[str]:
    return [s["s"] for s in f.shapes if s["k"] == "text"]


def test_a_fast_session_reads_in_milliseconds_not_zeros(fast: Path) -> None:
    assert duration(0.004) == "under a second" and duration(61) == "1 min 01 s"
    report = build(fast)
    lat = next(f for f in report.figures if f.id == "fig-latency")
    words = _texts(lat)
    assert any("milliseconds of wall time" in w for w in words)
    ticks = [w for w in words if re.fullmatch(r"[\d.]+", w)]
    assert len(set(ticks)) == len(ticks) > 2  # '0, 0.0, 0.0' no more
    assert "median 0 s" not in lat.desc and "0 s" not in report.overview.duration


def test_legends_name_every_symbol_drawn(fast: Path) -> None:
    report = build(fast)
    for fid in ("fig-latency", "fig-decisions"):
        f = next(x for x in report.figures if x.id == fid)
        drawn = {s["shape"] for s in f.shapes if s["k"] == "marker"}
        assert len(drawn) >= 2
        # every shape drawn appears at least twice: once in the chart, once in the legend, with its words beside
        counts = {shape: sum(1 for s in f.shapes if s["k"] == "marker" and s["shape"] == shape) for shape in drawn}
        assert all(c >= 2 for c in counts.values()), counts
        assert f.height >= max(s["y"] for s in f.shapes if s["k"] == "text")


def test_value_axes_have_a_title_and_fit_the_values() -> None:
    assert fg.axis_top(0, 400, 100) == 100 and fg.axis_top(0, 100, 80) == 100 and fg.axis_top(0, 400, 130) == 150
    assert fg.axis_top(0, 100, 0) == 10 and fg.axis_top(0, 100, 3) == 10  # a flat 0 is not drawn against 'to 1'
    f = fg.line_chart("x", "T", "d", ["start", "1"], [fg.Series("Displaced", [10, 90])], 0, 100, "turn",
                      "Displaced people (scale 0–400, axis to 100; lower is better)")
    assert "Displaced people (scale 0–400, axis to 100; lower is better)" in _texts(f)
    assert fg.fmt_value(0.25) == "0.25" and fg.fmt_value(2.5) == "2.5" and fg.fmt_value(3) == "3"


def test_docx_has_page_numbers_and_the_same_bytes_each_time(fast: Path, tmp_path: Path) -> None:
    import zipfile

    a = write_report(fast, ["docx"], tmp_path / "a")[0]
    time.sleep(1.1)  # a zip stamped with the clock would differ by now
    b = write_report(fast, ["docx"], tmp_path / "b")[0]
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        footer = z.read("word/footer1.xml").decode()
        names = z.namelist()
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert names[0] == "[Content_Types].xml"


def test_pdf_contents_ask_for_page_numbers(fast: Path, tmp_path: Path) -> None:
    html = write_report(fast, ["html"], tmp_path)[0].read_text(encoding="utf-8")
    assert 'nav.toc a::after { content: leader(".") target-counter(attr(href), page); }' in html


def test_the_comparison_is_not_headed_as_an_after_action_report(fast: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    assert in_process("run", TUTORIAL, "--db", other, "--bots", "--seed", 6).returncode == 0
    done = in_process("report", fast, other, "--compare", "-f", "html,docx", "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    page = next(tmp_path.glob("*comparison.html")).read_text(encoding="utf-8")
    head = page[page.index('class="letterhead"'):page.index("</div>", page.index('class="letterhead"'))]
    assert "Comparison of sessions" in head and "improvement plan" not in head.lower()
    import docx

    doc = docx.Document(str(next(tmp_path.glob("*comparison.docx"))))
    assert doc.core_properties.subject == "Comparison of sessions"


def test_many_ratings_on_an_objective_are_counted_not_listed() -> None:
    from exercise.report.wording import ratings_noted

    few = [("turn 1 (D+0 06:00)", "S"), ("turn 2 (D+0 18:00)", "M")]
    assert ratings_noted(few[:1]) == ""
    assert ratings_noted(few) == "ratings noted: S at turn 1 (D+0 06:00); M at turn 2 (D+0 18:00)"
    # A long workshop's hundreds of ratings filled a PDF page with 'S at turn 1 (D+0 06:00); ...'.
    many = [(f"turn {k % 6 + 1}", "PSMU"[k % 4]) for k in range(45)] + [("turn 6 (hot wash)", "U")]
    assert ratings_noted(many) == ("46 ratings noted (P 12, S 11, M 11, U 12): the first P at turn 1, the last U at "
                                   "turn 6 (hot wash)")
