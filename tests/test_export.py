"""`tabletop export`: the raw log as JSONL and CSV (checkable without tabletop), and the MSEL as played."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from exercise.live import LiveSession
from exercise.report import ReportError
from exercise.report.export import export
from exercise.report.scripted import run_script, stepping_clock

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial"
SCRIPT = ROOT / "tests" / "fixtures" / "scripts" / "report_session.yaml"
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"click\")"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "session.sqlite"
    live = run_script(TUTORIAL, path, SCRIPT, clock=stepping_clock())
    try:
        live.execute(lambda s: s.observe(None, FORMULA, kind="hotwash"))
    finally:
        live.close()
    return path


def _stored(db: Path) -> list:
    live = LiveSession.open(db)
    try:
        return live.store.read()
    finally:
        live.close()


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def test_jsonl_holds_every_event_and_the_chain_rechecks_from_it_alone(db: Path, tmp_path: Path) -> None:
    (path,) = export(db, "jsonl", tmp_path)
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    rows = _stored(db)
    assert [x["seq"] for x in lines] == [r.seq for r in rows]
    assert [x["type"] for x in lines] == [r.type for r in rows]
    prev = "0" * 64
    for x in lines:  # the recipe the report's appendix gives, applied to the export
        assert x["prev_hash"] == prev
        digest = hashlib.sha256(f"{prev}\n{x['seq']}\n{x['wall']}\n{_canonical(x['payload'])}".encode()).hexdigest()
        assert digest == x["hash"]
        prev = digest
    assert prev == rows[-1].hash
    retracted = [x for x in lines if x["retracted"]]
    assert [x["type"] for x in retracted] == ["Adjudicated"]
    advances = [x for x in lines if x["type"] == "ClockAdvanced"]
    assert all(x["at_turn"] == x["payload"]["turn"] for x in advances)
    assert lines[0]["at_turn"] == 1 and lines[-1]["at_turn"] == 6


def test_csv_flattens_events_and_defuses_formulas(db: Path, tmp_path: Path) -> None:
    (path,) = export(db, ["csv"], tmp_path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    stored = _stored(db)
    assert len(rows) == len(stored)
    decision = next(r for r in rows if r["type"] == "DecisionTaken")
    assert decision["team"] == "maren" and decision["inject"] == "port-outage"
    assert decision["rationale"].startswith("<script>alert(1)</script> {{ 7*7 }}")
    hotwash = rows[-1]
    assert hotwash["text"] == "'" + FORMULA  # a spreadsheet shows it, never runs it
    assert json.loads(hotwash["payload"])["text"] == FORMULA  # the payload column is exact
    retraction = next(r for r in rows if r["type"] == "EventRetracted")
    assert retraction["payload_seq"] and retraction["seq"] != retraction["payload_seq"]
    assert [r["hash"] for r in rows] == [s.hash for s in stored]


def test_msel_as_played_csv_and_xlsx(db: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    csv_path, xlsx_path = export(db, "msel-csv,msel-xlsx", tmp_path)
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    live = LiveSession.open(db)
    try:
        injects = set(live.scenario.injects)
    finally:
        live.close()
    assert {r["Inject"] for r in rows} == injects
    released = next(r for r in rows if r["Inject"] == "port-outage")
    assert released["Status"] == "released" and "Republic of Maren" in released["Decisions"]
    ws = load_workbook(xlsx_path).active
    assert [c.value for c in ws[1]][:3] == ["Number", "Inject", "Scenario time"]
    assert ws.max_row == len(rows) + 1
    assert all(ws.cell(row=i, column=2).data_type == "s" for i in range(2, ws.max_row + 1))


def test_bad_input_is_one_clear_line(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ReportError, match="unknown export format 'xml'"):
        export(db, "xml", tmp_path)
    from exercise.cli import main

    assert main(["export", str(db), "--format", "jsonl,csv", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out.split()
    assert [Path(p).name for p in out] == ["session.jsonl", "session.csv"]
    assert main(["export", str(tmp_path / "nope.sqlite")]) == 1
    assert "no such session file" in capsys.readouterr().err
    assert main(["export", str(db), "--format", "pdf"]) == 1
    assert "unknown export format 'pdf'" in capsys.readouterr().err
