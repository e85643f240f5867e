"""The report says what `tabletop verify` finds: the hash chain and the scenario copy stored beside the log. A copy
changed after the session started is said first, above everything, in every format, naming the changed file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from _session_files import copy_of, played, tamper
from harness import in_process

from exercise.report import build, write_report
from exercise.report.compare import write_comparison

CHANGED = "changed: 'mini.yaml'"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return played(tmp_path_factory.mktemp("report-verify"))


@pytest.fixture
def edited(base: Path, tmp_path: Path) -> Path:
    """A session whose stored scenario copy was edited after the fact (the log and its chain untouched)."""
    db = copy_of(base, tmp_path, "edited.sqlite")
    tamper(db, "UPDATE sources SET text = replace(text, 'Blackouts', 'Sunshine')")
    return db


def _top(text: str, marker: str) -> str:
    """The part of a report before `marker` (where its body starts)."""
    assert marker in text
    return text[:text.index(marker)]


def test_an_intact_file_has_no_warning_and_says_both_checks_passed(base: Path) -> None:
    r = build(base)
    assert r.warnings == []
    assert r.digest.verified and r.digest.chain_verified and r.digest.copy_verified
    assert "chain intact" in r.digest.chain_message
    assert r.digest.copy_message == "scenario copy intact (1 file)"


def test_the_model_says_the_copy_changed_and_the_chain_holds(edited: Path) -> None:
    r = build(edited)
    assert r.digest.chain_verified is True and r.digest.copy_verified is False and r.digest.verified is False
    assert CHANGED in r.digest.copy_message
    assert len(r.warnings) == 2 and CHANGED in r.warnings[0] and "edited.sqlite" in r.warnings[0]
    assert "tabletop verify edited.sqlite" in r.warnings[1]


def test_every_format_says_it_at_the_top(edited: Path, tmp_path: Path) -> None:
    formats = ["md", "html", "docx"] + (["pdf"] if shutil.which("pdftotext") else [])
    paths = {p.suffix[1:]: p for p in write_report(edited, formats, tmp_path)}
    md = paths["md"].read_text(encoding="utf-8")
    assert CHANGED in _top(md, "## Contents") and "> **Warning:** The scenario copy stored in" in md
    html = paths["html"].read_text(encoding="utf-8")
    assert CHANGED.replace("'", "&#39;") in _top(html, '<dl class="cover-facts">')
    assert '<div class="warning" role="alert">' in html
    from exercise.report.docx import read_text

    docx = read_text(paths["docx"])
    assert CHANGED in _top(docx, "After-action report and improvement plan")
    if "pdf" in paths:
        first = subprocess.run(["pdftotext", "-l", "1", "-layout", str(paths["pdf"]), "-"], capture_output=True,
                               text=True, timeout=60, check=True).stdout
        assert "Warning:" in _top(first, "Contents") and "mini.yaml" in first


def test_the_digest_keeps_the_chain_and_the_copy_apart(edited: Path, tmp_path: Path) -> None:
    (md,) = write_report(edited, ["md"], tmp_path)
    text = md.read_text(encoding="utf-8")
    appendix = text[text.index("## Appendix C"):]
    assert "| Chain check | chain intact" in appendix
    assert f"| Scenario copy | **scenario copy changed after the session started: {CHANGED}" in appendix


def test_the_command_writes_the_report_of_a_changed_copy(edited: Path, tmp_path: Path) -> None:
    done = in_process("report", edited, "--format", "md", "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    assert CHANGED in (tmp_path / "edited-aar.md").read_text(encoding="utf-8")


def test_a_comparison_names_the_session_whose_copy_changed(base: Path, edited: Path, tmp_path: Path) -> None:
    intact = copy_of(base, tmp_path, "intact.sqlite")
    paths = {p.suffix[1:]: p for p in write_comparison([intact, edited], ["md", "html", "docx"], tmp_path / "out")}
    md = paths["md"].read_text(encoding="utf-8")
    top = _top(md, "## Sessions")
    assert "**Warning:** Session B: The scenario copy stored in edited.sqlite" in top and CHANGED in top
    assert "intact.sqlite" not in top
    assert CHANGED.replace("'", "&#39;") in _top(paths["html"].read_text(encoding="utf-8"), 'id="sessions"')
    from exercise.report.docx import read_text

    assert CHANGED in _top(read_text(paths["docx"]), "Where the sessions")
