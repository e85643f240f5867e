"""Appendix B, the MSEL as played: each inject's delivery (who sent it to whom, released on schedule or by
control), its text as released (the words stored in the log, not the scenario's template), and the evaluators'
notes that cite it, in every format."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from harness import FIXTURES, TUTORIAL, in_process

from exercise.engine.text import reflow
from exercise.live import LiveSession
from exercise.report import build, write_report

SCRIPT = FIXTURES / "scripts" / "report_session.yaml"


@pytest.fixture(scope="module")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("msel") / "msel.sqlite"
    assert in_process("run", TUTORIAL, "--db", db, "--script", SCRIPT).returncode == 0
    return db


def test_each_inject_says_how_it_was_delivered_and_what_it_said(session_db: Path) -> None:
    report = build(session_db)
    rows = {m.id: m for m in report.msel}
    live = LiveSession.open(session_db, readonly=True)
    try:
        stored = live.state.words
    finally:
        live.close()
    port = rows["port-outage"]
    assert port.delivery.startswith("Intelligence from National CERT to Republic of Maren")
    assert port.delivery.endswith("released on schedule (turn 1)")
    # The stored words, their hard-wrapped lines joined into paragraphs (`reflow`), nothing else changed.
    assert port.text == reflow(stored["port-outage"]["control"].text)
    assert port.text.split() == stored["port-outage"]["control"].text.split()
    assert rows["cable-cut"].delivery.endswith("released by control")  # the script's {release: cable-cut}
    never = [m for m in report.msel if m.released == "not released"]
    assert never and all(m.text == "" and m.delivery.endswith("not released") for m in never)
    # The evaluators' notes are the observations whose evidence cites the inject, with their event number.
    assert any("Maren shared the wiper indicators" in n and "event #" in n for n in port.notes)
    cited = {m.id for m in report.msel if m.notes}
    assert "port-outage" in cited and not cited & {m.id for m in never}


def test_every_format_carries_the_new_columns(session_db: Path, tmp_path: Path) -> None:
    import docx

    paths = {p.suffix: p for p in write_report(session_db, ["md", "html", "docx"], tmp_path)}
    report = build(session_db)
    port = next(m for m in report.msel if m.id == "port-outage")
    first_words = " ".join(port.text.split()[:8])  # each format wraps the text its own way
    for suffix in (".md", ".html"):
        text = html.unescape(paths[suffix].read_text(encoding="utf-8")).replace("\\'", "'")  # md escapes "'" too
        appendix = " ".join(text[text.rindex("Appendix B: MSEL as played"):].split())
        for head in ("Inject and delivery", "Inject text as released", "Evaluator notes"):
            assert head in appendix
        assert first_words in appendix and "released on schedule (turn 1)" in appendix
    doc = docx.Document(str(paths[".docx"]))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][3:4] == ["Inject text as released"])
    assert [c.text for c in table.rows[0].cells][-1] == "Evaluator notes"
    assert any(first_words in " ".join(r.cells[3].text.split()) for r in table.rows[1:])


def test_an_inject_cited_by_many_observations_shows_five_and_says_how_many_more(tmp_path: Path) -> None:
    # A 20,000-event workshop cited each inject hundreds of times: the MSEL ran to 76 pages of its last column.
    db = tmp_path / "m.sqlite"
    done = in_process("run", FIXTURES / "mini.yaml", "--db", db, "--bots")
    assert done.returncode == 0, done.stderr
    live = LiveSession.open(db)
    try:
        for k in range(9):
            live.execute(lambda s, k=k: s.observe("O1", f"Sharing note {k}", "S"))
    finally:
        live.close()
    row = next(m for m in build(db).msel if m.id == "grid-down")
    assert len(row.notes) == 6 and all(f"Sharing note {k}" in row.notes[k] for k in range(5))
    assert row.notes[5] == "… and 4 more observations that cite it (section 3 gives each under its objective)"
