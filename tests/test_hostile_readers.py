"""The other readers of outside files, through the real command under limits: `run --script` files and MSEL
sheets (`msel import`). Each hostile file gives exit 1 and one `file:line:col: error[CODE]` line, in bounded
time and memory (`bounded(...)`: 500 MB, 20 s), never a traceback. And the other side of the bound: large
plain files (an 8,000-inject scenario, a 20,000-step script) load, as they must.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from harness import MINI, TUTORIAL, Done, bounded, in_process, no_traceback

from exercise import msel
from exercise.cli._script import load_script
from exercise.engine.compile import MAX_INJECTS, load_scenario
from exercise.engine.validate import MAX_PROBLEMS
from exercise.engine.yamlsafe import MAX_BYTES

ERROR_LINE = re.compile(r"^(?P<file>[^\n]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z][a-z-]*)\]: .+$", re.M)


def one_error(done: Done, code: str, line: int | None = None, col: int | None = None) -> str:
    text = done.stdout + done.stderr
    no_traceback(done)
    assert done.returncode == 1, text
    errors = list(ERROR_LINE.finditer(text))
    assert len(errors) == 1 and errors[0]["code"] == code, text
    if line is not None:
        assert int(errors[0]["line"]) == line, text
    if col is not None:
        assert int(errors[0]["col"]) == col, text
    return errors[0].group(0)


# -- run --script ----------------------------------------------------------------------------------------------


def run_script(tmp_path: Path, text: str | bytes) -> Done:
    script = tmp_path / "script.yaml"
    script.write_bytes(text.encode() if isinstance(text, str) else text)
    return bounded("run", MINI, "--db", tmp_path / "s.sqlite", "--script", script)


SCRIPTS = {
    "nan_roll": ("steps:\n  - {team: norvia, inject: grid-down, option: share, rationale: r, roll: .nan}\n",
                 "not-finite", 2, 74),
    "nan_roll_as_text": ("steps:\n  - {team: norvia, inject: grid-down, option: share, rationale: r, roll: 'nan'}\n",
                         "value", 2, 74),
    "infinite_adjudication": ("steps:\n  - adjudicate: {cohesion: 1e999}\n    reason: r\n", "not-finite", 2, 28),
    "nan_adjudication": ("steps:\n  - adjudicate: {cohesion: '=nan'}\n    reason: r\n", "not-finite", 2, 28),
    "word_adjudication": ("steps:\n  - adjudicate: {cohesion: lots}\n    reason: r\n", "value", 2, 28),
    "huge_seed": ("seed: " + "9" * 40 + "\nsteps: []\n", "value", 1, 7),
    "thousand_digit_seed": ("seed: " + "9" * 1000 + "\nsteps: []\n", "value", 1, 7),
    "seed_past_python": ("seed: " + "9" * 5000 + "\nsteps: []\n", "yaml-value", 1, 7),
    "alias_bomb": ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                   + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                             for p, c in zip("abcdefgh", "bcdefghi", strict=True))
                   + "steps: []\n", "yaml-size", None, None),
    "deep": ("steps: " + "[" * 10_000 + "]" * 10_000 + "\n", "yaml-depth", 1, None),
    "python_tag": ("steps: !!python/object/apply:os.system ['true']\n", "yaml-tag", 1, 8),
}


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_a_hostile_script_is_refused_at_its_place_before_anything_runs(tmp_path: Path, name: str) -> None:
    text, code, line, col = SCRIPTS[name]
    one_error(run_script(tmp_path, text), code, line, col)
    assert not (tmp_path / "s.sqlite").exists()  # refused before a session was created


def test_a_fifo_script_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "script.yaml")
    done = bounded("run", MINI, "--db", tmp_path / "s.sqlite", "--script", tmp_path / "script.yaml")
    one_error(done, "not-a-file", 1, 1)


def test_a_script_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    script = tmp_path / "script.yaml"
    with script.open("wb") as f:
        f.write(b"steps:\n")
        f.truncate(100 * 1024 * 1024)
    one_error(bounded("run", MINI, "--db", tmp_path / "s.sqlite", "--script", script), "too-large", 1, 1)


def test_a_script_of_empty_steps_reports_a_bounded_number_of_problems(tmp_path: Path) -> None:
    """Half a million steps that are each wrong: the first problems, then one line, in bounded memory."""
    body = b"steps: [" + b"{team: 1}, " * 180_000 + b"{}]\n"
    done = run_script(tmp_path, body)
    no_traceback(done)
    assert done.returncode == 1
    counted = re.search(r"the script \S+ does not load \((\d+) problems\)", done.stderr)
    assert counted and int(counted[1]) == MAX_PROBLEMS + 1, done.stderr[-500:]  # the last says what was left


def test_a_plain_script_of_twenty_thousand_steps_loads(tmp_path: Path) -> None:
    steps = [{"message": f"Note {i}", "team": "norvia", "to": ["kessland"]} for i in range(20_000)]
    script = tmp_path / "long.yaml"
    script.write_text(yaml.safe_dump({"seed": 3, "steps": steps}, sort_keys=False))
    parsed, positions = load_script(script)
    assert len(parsed.steps) == 20_000 and parsed.steps[-1].message == "Note 19999"
    last = script.read_text().splitlines().index("- message: Note 19999") + 1
    assert positions.at(("steps", 19_999)).line == last


# -- large plain scenarios ---------------------------------------------------------------------------------------


def big_scenario(n: int) -> str:
    head = ("ttx: 1\nid: big\ntitle: Big\nclock: {turns: 50}\nnations:\n  - {id: norvia, name: Norvia}\n"
            "  - {id: kessland, name: Kessland}\nstate:\n  cohesion: {start: 60}\n  support: {per: nation}\n"
            "endings:\n  - {id: end, title: End}\ninjects:\n")
    return head + "".join(f"  - id: i{i}\n    at: turn {i % 50 + 1}\n    to: [norvia]\n"
                          f"    text: Inject number {i} reaches the desk.\n"
                          f"    effects: {{cohesion: -1, \"support[self]\": 1}}\n" for i in range(n))


def test_a_plain_scenario_of_eight_thousand_injects_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_scenario(8_000))
    sc = load_scenario(path)
    assert len(sc.injects) == 8_000 and sc.injects["i7999"].turn == 50


def test_a_plain_scenario_of_eight_thousand_injects_validates_within_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_scenario(8_000))
    done = bounded("validate", path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.parametrize(("nations", "state"), [(3_000, "trust: {per: pair}"),
                                               (1, ", ".join(f"v{i}: {{}}" for i in range(25_000)))],
                         ids=["nine_million_pairs", "twenty_five_thousand_variables"])
def test_a_state_too_large_to_hold_is_refused(tmp_path: Path, nations: int, state: str) -> None:
    """A small file can ask for a huge state: every ordered pair of 3,000 nations is nine million values."""
    path = tmp_path / "state.yaml"
    listed = "".join(f"  - {{id: n{i}, name: N}}\n" for i in range(nations))
    path.write_text(f"ttx: 1\nid: s\ntitle: S\nnations:\n{listed}state: {{{state}}}\nendings: [{{id: e, title: E}}]\n")
    line = one_error(bounded("validate", path), "too-large", nations + 5)
    assert "the limit is" in line


def test_two_megabytes_of_one_line_injects_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """68,000 injects load, but the checks after grow with them: the count is bounded (MAX_INJECTS)."""
    head = "ttx: 1\nid: tiny\ntitle: Tiny\nnations: [{id: a, name: A}]\nendings: [{id: e, title: E}]\ninjects:\n"
    body = "".join(f"- {{id: i{i}, at: 1, text: x}}\n" for i in range(MAX_INJECTS * 6))
    path = tmp_path / "tiny.yaml"
    path.write_text(head + body)
    assert path.stat().st_size < MAX_BYTES
    line = one_error(bounded("validate", path), "too-large", 6, 1)
    assert str(MAX_INJECTS) in line


def test_twenty_thousand_options_open_to_a_hundred_nations_are_checked_in_bounded_time(tmp_path: Path) -> None:
    """The lints try each condition on sampled states for each deciding nation: 800 million evaluations here,
    before their work was bounded (lint.BUDGET)."""
    nations = "".join(f"  - {{id: n{i}, name: N}}\n" for i in range(100))
    options = "".join(f"        - {{id: o{i}, label: L, requires: 'cohesion > 1000'}}\n" for i in range(20_000))
    path = tmp_path / "options.yaml"
    path.write_text(f"ttx: 1\nid: o\ntitle: O\nnations:\n{nations}state:\n  cohesion: {{}}\n"
                    f"endings: [{{id: e, title: E}}]\ninjects:\n  - id: i\n    at: turn 1\n    to: all\n"
                    f"    text: x\n    decision:\n      options:\n{options}")
    done = bounded("validate", path, "--strict")
    no_traceback(done)
    assert done.returncode == 1 and done.stdout.count("warning[never-available]") == 20_000


def test_piece_by_piece_validation_finds_what_whole_validation_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file is validated in pieces: the same problems, at the same places, as in one call. Forcing
    every file of the bad corpus through the pieces shows it."""
    import exercise.engine.validate as validate
    from exercise.engine.diagnostics import ScenarioError

    def problems(path: Path) -> list[str]:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            return [str(d) for d in exc.diagnostics]
        return []

    files = [*sorted((Path(__file__).parent / "bad").glob("*.yaml")), TUTORIAL, MINI]
    whole = {f: problems(f) for f in files}
    monkeypatch.setattr(validate, "SMALL", 0)
    for f in files:
        assert problems(f) == whole[f], f.name
    assert sum(1 for v in whole.values() if v) > 50  # the comparison covered files with problems


# -- msel import ------------------------------------------------------------------------------------------------


def sheet_rows() -> list[msel.MselRow]:
    return msel.rows(load_scenario(TUTORIAL))


def import_(sheet: Path) -> Done:
    return bounded("msel", "import", sheet, "-o", sheet.with_suffix(".out.yaml"))


def rewrite_xlsx(tmp_path: Path, name: str, change: dict[str, bytes]) -> Path:
    good = tmp_path / "good.xlsx"
    msel.write_xlsx(sheet_rows(), good)
    out = tmp_path / name
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change.get(info.filename, src.read(info.filename)))
        for name in set(change) - set(src.namelist()):
            dst.writestr(name, change[name])
    return out


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
        chunk = b" " * (1 << 20)
        for _ in range(200):  # 200 MB of spaces, a few hundred kB packed
            f.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    line = one_error(import_(bomb), "msel-size", 1, 1)
    assert "unpacks to" in line


def test_an_xlsx_with_entities_is_refused(tmp_path: Path) -> None:
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                      for i in range(1, 10))
           + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    sheet = rewrite_xlsx(tmp_path, "lol.xlsx", {"xl/sharedStrings.xml": lol})
    one_error(import_(sheet), "msel-xml", 1, 1)


def test_an_xlsx_with_entities_in_utf16_is_refused(tmp_path: Path) -> None:
    xml = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>').encode("utf-16-le")
    sheet = rewrite_xlsx(tmp_path, "utf16.xlsx", {"xl/sharedStrings.xml": xml})
    one_error(import_(sheet), "msel-xml", 1, 1)


def test_an_xlsx_claiming_a_million_rows_reads_only_what_it_holds(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    msel.write_xlsx(sheet_rows(), good)
    with zipfile.ZipFile(good) as z:
        body = z.read("xl/worksheets/sheet1.xml")
    forged = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', body)
    sheet = rewrite_xlsx(tmp_path, "forged.xlsx", {"xl/worksheets/sheet1.xml": forged})
    done = import_(sheet)
    assert done.returncode == 0, done.stderr
    far = forged.replace(b"</sheetData>", b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c>'
                         b"</row></sheetData>")
    one_error(import_(rewrite_xlsx(tmp_path, "far.xlsx", {"xl/worksheets/sheet1.xml": far})), "msel-size",
              msel.MAX_ROWS + 1)


def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    one_error(import_(tmp_path / "fake.xlsx"), "msel-xlsx", 1, 1)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_a_csv_with_a_hundred_megabyte_line_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sheet = tmp_path / "long.csv"
    with sheet.open("wb") as f:
        f.write(",".join(msel.COLUMNS).encode() + b"\n1,a,")
        f.truncate(100 * 1024 * 1024)
    one_error(import_(sheet), "too-large", 1, 1)


def test_a_csv_field_past_the_csv_limit_is_refused(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "field.csv", [msel.COLUMNS, ["1", "a", "", "turn 1", "", "", "", "", "x" * 500_000]])
    one_error(import_(sheet), "msel-csv", 2)


@pytest.mark.parametrize("seq", ["nan", "inf", "-1e999", "1e300", "2.5", "twelve"])
def test_a_seq_that_is_no_whole_number_is_refused_at_its_cell(tmp_path: Path, seq: str) -> None:
    sheet = write_csv(tmp_path / "seq.csv", [msel.COLUMNS, [seq, "a", "", "turn 1"]])
    line = one_error(import_(sheet), "msel-seq", 2, 1)
    assert seq in line


def test_a_csv_of_too_many_rows_is_refused(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "rows.csv", [msel.COLUMNS] + [[str(i), f"i{i}", "", "turn 1"]
                                                               for i in range(msel.MAX_ROWS + 5)])
    one_error(import_(sheet), "msel-size")


def test_a_fifo_sheet_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    one_error(import_(tmp_path / "pipe.csv"), "not-a-file", 1, 1)


def test_a_good_sheet_still_imports(tmp_path: Path) -> None:
    sheet = tmp_path / "m.csv"
    msel.write_csv(sheet_rows(), sheet)
    done = in_process("msel", "import", sheet, "-o", tmp_path / "lib.yaml")
    assert done.returncode == 0, done.stderr
