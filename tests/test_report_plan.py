"""The improvement plan the planning team finishes: each row's capability element, root cause and corrective actions
drawn from the log; `report --plan PLAN.xlsx` writes the plan as a sheet when it does not exist and reads it back
into every format when it does; a bad sheet is one line naming its cell."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from harness import FIXTURES, TUTORIAL, in_process, no_traceback

from exercise.live import LiveSession
from exercise.report import build

SCRIPT = FIXTURES / "scripts" / "report_session.yaml"
CAUSE = "Maren never rebutted the forged letter because no joint press office was agreed beforehand"
FORMULA = '=HYPERLINK("http://evil.invalid","click")'


@pytest.fixture(scope="module")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("plan") / "plan.sqlite"
    assert in_process("run", TUTORIAL, "--db", db, "--script", SCRIPT).returncode == 0
    live = LiveSession.open(db)
    try:
        live.execute(lambda s: s.observe("O3", CAUSE, "M"))
        live.execute(lambda s: s.observe(None, FORMULA, kind="improvement"))
    finally:
        live.close()
    return db


@pytest.fixture
def blank(session_db: Path, tmp_path: Path) -> Path:
    """A fresh plan sheet written by `report --plan` beside a report."""
    plan = tmp_path / "PLAN.xlsx"
    done = in_process("report", session_db, "-f", "md", "-o", tmp_path, "--plan", plan)
    assert done.returncode == 0, done.stderr
    assert plan.is_file() and str(plan) in done.stdout and "fill in" in done.stderr
    return plan


def _edit(plan: Path, cells: dict[str, Any]) -> Path:
    wb = openpyxl.load_workbook(plan)
    ws = wb["Improvement plan"]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(plan)
    return plan


def _row_of(plan: Path, key: int) -> int:
    ws = openpyxl.load_workbook(plan)["Improvement plan"]
    return next(r for r in range(5, ws.max_row + 1) if ws[f"B{r}"].value == key)


def test_rows_have_an_element_a_root_cause_and_actions_from_what_happened(session_db: Path) -> None:
    report = build(session_db)
    rows = {r.issue: r for r in report.improvement_plan}
    caused = rows[CAUSE]
    assert caused.root_cause.startswith("No joint press office was agreed")
    assert caused.root_cause_note == f"noted in event #{caused.key}"
    assert caused.element == "Planning" and caused.element_note == "suggested"  # 'agreed' is planning's word
    unexplained = [r for r in report.improvement_plan if r is not caused and r.root_cause == "To be determined"]
    assert unexplained and all("no observation names a cause" in r.root_cause_note for r in unexplained)
    # Every suggested action names the events it comes from, and they are in the log: nothing is a stock line.
    seqs = {e.seq for block in report.timeline for e in block.rows}
    for row in report.improvement_plan:
        for action in row.actions:
            cited = {int(x) for x in re.findall(r"#(\d+)", action)}
            assert cited <= seqs
    general = rows[FORMULA]
    assert general.action == "To be determined" and general.actions == []
    assert general.recommendation == "nothing in the log bears on it: for the planning team"


def test_the_sheet_is_written_with_text_kept_as_text(blank: Path, session_db: Path) -> None:
    report = build(session_db)
    ws = openpyxl.load_workbook(blank)["Improvement plan"]
    assert [c.value for c in ws[4]] == ["#", "Event", "Objective", "Core capability", "Issue / area for improvement",
                                        "Capability element", "Root cause", "Corrective action",
                                        "Responsible organisation", "Point of contact", "Start", "Completion"]
    assert ws.max_row == 4 + len(report.improvement_plan)
    formula = ws[f"E{_row_of(blank, next(r.key for r in report.improvement_plan if r.issue == FORMULA))}"]
    assert formula.value == FORMULA and formula.data_type == "s"  # a string, never a formula
    assert all(ws[f"{c}5"].value is None for c in "JKL")  # the team's to fill


def test_a_filled_sheet_is_read_back_into_every_format(blank: Path, session_db: Path, tmp_path: Path) -> None:
    report = build(session_db)
    key = next(r.key for r in report.improvement_plan if r.issue == CAUSE)
    n = _row_of(blank, key)
    _edit(blank, {f"F{n}": "training", f"H{n}": "Set up a joint press office\n<b>Rehearse</b> it in May",
                  f"I{n}": "Ministry of Foreign Affairs", f"J{n}": "=1+1", f"K{n}": datetime.date(2027, 1, 15),
                  f"L{n}": "2027-06-30"})
    before = blank.read_bytes()
    done = in_process("report", session_db, "-f", "md,html,docx", "-o", tmp_path, "--plan", blank)
    assert done.returncode == 0, done.stderr
    assert blank.read_bytes() == before  # the team's sheet is never written over
    html = (tmp_path / "plan-aar.html").read_text(encoding="utf-8")
    assert "Ministry of Foreign Affairs" in html and "2027-01-15" in html and "2027-06-30" in html
    assert "&lt;b&gt;Rehearse&lt;/b&gt; it in May" in html  # the sheet's text is text
    assert "The planning team&#39;s sheet PLAN.xlsx gave the rows it filled" in html
    md = (tmp_path / "plan-aar.md").read_text(encoding="utf-8")
    assert "| Ministry of Foreign Affairs |" in md and "Training *(planning team)*" in md
    import docx

    cells = [c.text for t in docx.Document(str(tmp_path / "plan-aar.docx")).tables for r in t.rows for c in r.cells]
    assert "2027-06-30" in cells and "Ministry of Foreign Affairs" in cells
    row = next(r for r in build(session_db).improvement_plan if r.key == key)
    assert row.poc == "To be assigned"  # a formula typed by the team has no value until a spreadsheet computes it


@pytest.mark.parametrize(("cells", "said"), [
    ({"F4": "Element"}, "cell F4: expected the column 'Capability element', found 'Element'"),
    ({"M4": "Budget"}, "cell M4: an extra column 'Budget'"),
    ({"K5": "next week"}, "cell K5: 'next week' is not a date"),
    ({"K5": "2027-06-30", "L5": "2027-01-01"}, "cell L5: completion 2027-01-01 comes before the start 2027-06-30"),
    ({"F5": "Budget"}, "cell F5: 'Budget' is not a capability element"),
    ({"B5": 9999}, "cell B5: event #9999 is no area for improvement of this session"),
    ({"B5": "x"}, "cell B5: 'x' is not an event number"),
    ({"E5": "Another exercise's finding"}, "cell E5: the issue is not the one noted at event #"),
])
def test_a_bad_sheet_is_one_line_naming_its_cell(blank: Path, session_db: Path, tmp_path: Path,
                                                 cells: dict[str, Any], said: str) -> None:
    _edit(blank, cells)
    done = in_process("report", session_db, "-f", "md", "-o", tmp_path / "out", "--plan", blank)
    no_traceback(done)
    assert done.returncode != 0
    assert f"{blank}: sheet 'Improvement plan' {said}" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_sheet_that_is_not_a_plan_is_refused(session_db: Path, tmp_path: Path) -> None:
    text = tmp_path / "PLAN.xlsx"
    text.write_text("owner,date\n", encoding="utf-8")
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Budget"
    wb.save(other)
    for plan, said in ((text, "not a readable"), (other, "no sheet named 'Improvement plan'"),
                       (tmp_path / "plan.csv", "the plan sheet is an XLSX workbook")):
        done = in_process("report", session_db, "-f", "md", "-o", tmp_path, "--plan", plan)
        no_traceback(done)
        assert done.returncode != 0 and said in done.stderr, done.stderr
    done = in_process("report", session_db, session_db, "--compare", "--plan", tmp_path / "p.xlsx")
    assert done.returncode != 0 and "--plan goes with the report of one session file" in done.stderr


def test_an_untouched_sheet_reads_back_as_the_suggestions(blank: Path, session_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsx"
    shutil.copy(blank, copy)
    from exercise.report.plan_sheet import read_plan

    report = build(session_db)
    again = read_plan(report, copy)
    for mine, read in zip(report.improvement_plan, again.improvement_plan, strict=True):
        assert (read.element, read.element_note, read.root_cause, read.actions, read.responsible) == (
            mine.element, mine.element_note, mine.root_cause, mine.actions, mine.responsible)
        assert not read.filled
