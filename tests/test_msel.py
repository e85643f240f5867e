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
