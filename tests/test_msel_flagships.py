"""The flagships' MSEL: rows in time order, ids that exist, texts shown as written with their parameters bound,
and a sheet that comes back whole: export, import, include, and the same sheet and the same games again."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from harness import in_process

from exercise import msel
from exercise.engine.compile import load_scenario
from exercise.resources import data_dir

FLAGSHIPS = ["northern-shield", "dry-river"]


def flagship(name: str) -> Path:
    return data_dir("scenarios") / name / "scenario.yaml"


def including(original: Path, library: Path, out: Path) -> Path:
    """The scenario with its own injects and includes replaced by the imported library (its tests kept)."""
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    data["injects"] = []
    data["include"] = [library.name]
    image = (data.get("map") or {}).get("image")
    if image:  # the scenario's map travels with it (it is read from the scenario's own folder)
        shutil.copyfile(original.parent / image, out.parent / image)
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


@pytest.mark.parametrize("name", FLAGSHIPS)
def test_rows_come_in_time_order_and_name_ids_that_exist(name: str) -> None:
    sc = load_scenario(flagship(name))
    rows = msel.rows(sc)
    turns = [msel.earliest_turn(sc, sc.injects[r.id]) for r in rows]
    timed = [t for t in turns if t is not None]
    assert timed == sorted(timed)
    assert all(t is None for t in turns[len(timed):]), "untimed injects (conditions, manual) come last"
    for r in rows:
        if r.trigger.startswith("after "):
            ref = r.trigger.split()[1]
            assert ref in sc.injects, f"{r.id} comes after '{ref}', which is no inject"


@pytest.mark.parametrize("name", FLAGSHIPS)
def test_texts_use_no_library_parameter(name: str) -> None:
    sc = load_scenario(flagship(name))
    params = {p for ci in sc.injects.values() for p in ci.params} - {"self"}
    for r in msel.rows(sc):
        for text in (r.title, r.description, r.sender, r.decision, r.effects, r.trigger):
            for block in re.findall(r"{{.*?}}|{%.*?%}", text):
                assert not any(re.search(rf"\b{p}\s*\.", block) for p in params), (r.id, block)
            assert not re.search(r"support\[(target|host|lead|owner|funder|tcc)\]", text), (r.id, text)


@pytest.mark.parametrize(("name", "suffix"), [("northern-shield", "csv"), ("dry-river", "xlsx")])
def test_export_import_export_gives_the_same_sheet_and_the_same_games(tmp_path: Path, name: str,
                                                                      suffix: str) -> None:
    sheet, library = tmp_path / f"msel.{suffix}", tmp_path / "imported.yaml"
    assert in_process("msel", "export", name, "-o", sheet).returncode == 0
    done = in_process("msel", "import", sheet, "-o", library)
    assert done.returncode == 0, done.stderr
    again = including(flagship(name), library, tmp_path / "scenario.yaml")
    # Options, effects, chances and conditions came back: the scenario validates and its transcripts still pass.
    assert in_process("validate", again).returncode == 0
    tested = in_process("test", again)
    assert tested.returncode == 0, tested.stdout
    assert msel.rows(load_scenario(again)) == msel.rows(load_scenario(flagship(name)))

    def games(path: str | Path) -> dict[str, object]:
        done = in_process("simulate", path, "-n", 30, "--seed", 4, "--json")
        got: dict[str, object] = json.loads(done.stdout)
        return {k: v for k, v in got.items() if not k.endswith("per_second")}

    assert games(again) == games(name)


def test_a_sheet_without_the_new_columns_still_reads(tmp_path: Path) -> None:
    sheet = tmp_path / "old.csv"
    header = [c for c in msel.COLUMNS if c not in msel.OPTIONAL]
    sheet.write_text(",".join(header) + "\n1,x,,turn 1,event,Control,all,T,Text,,,\n", encoding="utf-8")
    (row,) = msel.read(sheet)
    assert (row.id, row.effects, row.decision, row.order) == ("x", "", "", 0)


def test_a_decision_cell_that_is_not_yaml_is_named_by_row_and_column(tmp_path: Path) -> None:
    sheet = tmp_path / "m.csv"
    msel.write_csv(msel.rows(load_scenario(flagship("northern-shield"))), sheet)
    rows = msel.read(sheet)
    rows[0].decision = "options: [unclosed"
    msel.write_csv(rows, sheet)
    col = msel.COLUMNS.index("Decision") + 1
    with pytest.raises(msel.MselError, match=rf"m\.csv:2:{col}: error\[msel-yaml\]: the Decision cell"):
        msel.read(sheet)
