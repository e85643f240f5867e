"""Each nation's own result in the report: the engine's read model (`engine.outcomes`), never recomputed, shown
beside the coalition's outcome in every format, as text whatever the scenario wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import in_process
from test_national_outcomes import mini_with
from test_report_formats import pdf_pages

from exercise.engine.outcomes import NO_RESULT, national_results
from exercise.engine.text import FSI, PDI
from exercise.live import LiveSession
from exercise.report import build, write_report

# Titles and texts reaching for structure: HTML, Markdown emphasis, a table's pipe, a link, a control character
# and a right-to-left run.
HOSTILE_TITLE = "<b>Re-elected</b> | *by* [a](javascript:x)"
HOSTILE_TEXT = "# Not a heading\\n\\u001b[31m red \\u05e9\\u05dc\\u05d5\\u05dd 12 <script>x</script>"
RTL_PLAYER = "וועדת החוץ 3"
NATIONS = f"""\
  - id: norvia
    name: Norvia
    outcomes:
      - {{id: won, title: "{HOSTILE_TITLE}", when: "support[self] >= 0", text: "{HOSTILE_TEXT}"}}
  - id: kessland
    name: Kessland
    bot: {{profile: self-interested}}
    outcomes:
      - {{id: popular, title: Popular at home, when: "support[self] >= 99", text: "Kessland is popular."}}
"""


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("national")
    (folder / "s.yaml").write_text(mini_with(NATIONS), encoding="utf-8")
    done = in_process("run", folder / "s.yaml", "--db", folder / "s.sqlite", "--bots", "--seed", 2,
                      "--player", f"kessland={RTL_PLAYER}")
    assert done.returncode == 0, done.stderr
    return folder / "s.sqlite"


@pytest.fixture(scope="module")
def outputs(played: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = write_report(played, ["md", "html", "pdf", "docx"], tmp_path_factory.mktemp("national-out"))
    return {p.suffix[1:]: p for p in paths}


def test_the_report_reads_the_engines_results(played: Path) -> None:
    live = LiveSession.open(played, readonly=True)
    try:
        engine = national_results(live.state)
    finally:
        live.close()
    o = build(played).overview
    assert [(r.nation, r.reached) for r in o.results] == [("norvia", True), ("kessland", False)]
    assert [r.nation for r in o.results] == [r.nation for r in engine]
    assert o.results[0].title == HOSTILE_TITLE and o.results[1].title == NO_RESULT == engine[1].title
    assert "␛[31m" in o.results[0].text  # a control character shown as its picture, as everywhere
    assert "as the session ended" in o.results_note


def test_every_format_shows_each_result_as_text(outputs: dict[str, Path]) -> None:
    md = outputs["md"].read_text(encoding="utf-8")
    assert "### Each nation's own result" in md
    assert "| Norvia | **\\<b\\>Re-elected\\</b\\> \\| \\*by\\* \\[a\\](javascript:x)** |" in md
    assert "| Kessland | *no result reached* |" in md
    assert "\\# Not a heading" in md and "\x1b" not in md
    html = outputs["html"].read_text(encoding="utf-8")
    assert "<b>&lt;b&gt;Re-elected&lt;/b&gt; | *by* [a](javascript:x)</b>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert '<span class="muted">no result reached</span>' in html
    pdf = "".join("".join(p.split()) for p in pdf_pages(outputs["pdf"].read_bytes()))
    assert "Eachnation'sownresult" in pdf and "<b>Re-elected</b>|*by*[a](javascript:x)" in pdf
    from exercise.report.docx import read_text

    docx = read_text(outputs["docx"])
    assert "Each nation's own result" in docx and HOSTILE_TITLE in docx and "no result reached" in docx


def test_a_scenario_without_national_outcomes_shows_no_empty_section(tmp_path: Path) -> None:
    done = in_process("run", Path(__file__).parent / "fixtures" / "mini.yaml", "--db", tmp_path / "m.sqlite",
                      "--bots")
    assert done.returncode == 0, done.stderr
    assert build(tmp_path / "m.sqlite").overview.results == []
    (md,) = write_report(tmp_path / "m.sqlite", ["md"], tmp_path)
    assert "own result" not in md.read_text(encoding="utf-8")


def test_a_right_to_left_player_name_keeps_how_the_nation_was_played_after_it(played: Path) -> None:
    # Seen on a PDF page: 'Saldovia: (bot, cautious) 3 ...' with the Hebrew name pulling the brackets to its left.
    kessland = {n.id: n for n in build(played).overview.nations}["kessland"]
    assert kessland.played_by == f"{FSI}{RTL_PLAYER}{PDI} (bot, self-interested)"


def test_the_comparison_sets_each_nations_result_side_by_side(played: Path, tmp_path: Path) -> None:
    from exercise.report.compare import compare_sessions, write_comparison

    other = tmp_path / "t.sqlite"
    done = in_process("run", played.parent / "s.yaml", "--db", other, "--bots", "--seed", 3)
    assert done.returncode == 0, done.stderr
    c = compare_sessions([played, other])
    assert c.pairs[0].results == [("Norvia", HOSTILE_TITLE, HOSTILE_TITLE), ("Kessland", NO_RESULT, NO_RESULT)]
    assert f"Kessland: {FSI}{RTL_PLAYER}{PDI} (bot, self-interested)" in c.sessions[0].players
    paths = write_comparison([played, other], ["md", "html"], tmp_path)
    md = next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")
    assert "### Each nation's own result" in md and "| Kessland | no result reached | *the same* |" in md
