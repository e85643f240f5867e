"""Inject texts in the report's MSEL appendix read as paragraphs: a YAML block keeps the author's line breaks,
which the report's narrow columns broke again mid-line ('capital / region went dark')."""

from __future__ import annotations

from pathlib import Path

from harness import in_process

from exercise.engine.text import reflow
from exercise.report import build, write_report

WRAPPED = '''\
    text: |
      First line of a paragraph that the author
      wrapped at their editor's width.

      - a list item stays
      - on its own line
'''


def test_reflow_joins_a_paragraphs_lines_and_keeps_paragraphs_and_lists() -> None:
    assert reflow("one\ntwo\n\n\nthree\n- item\n- item two\n  indented") == \
        "one two\n\nthree\n- item\n- item two\n  indented"


def test_the_msel_appendix_shows_inject_text_as_paragraphs(tmp_path: Path) -> None:
    mini = (Path(__file__).parent / "fixtures" / "mini.yaml").read_text(encoding="utf-8")
    scenario = mini.replace('    text: "Blackouts across {{ nation.name }}."\n', WRAPPED, 1)
    assert scenario != mini
    (tmp_path / "s.yaml").write_text(scenario, encoding="utf-8")
    done = in_process("run", tmp_path / "s.yaml", "--db", tmp_path / "s.sqlite", "--bots")
    assert done.returncode == 0, done.stderr
    row = next(m for m in build(tmp_path / "s.sqlite").msel if m.id == "grid-down")
    assert row.text == ("First line of a paragraph that the author wrapped at their editor's width.\n\n"
                        "- a list item stays\n- on its own line")
    # Markdown's table cell keeps the paragraphs and list lines apart (a cell holds no line break of its own).
    (md,) = write_report(tmp_path / "s.sqlite", ["md"], tmp_path)
    assert ("| First line of a paragraph that the author wrapped at their editor's width.<br><br>- a list item stays"
            "<br>- on its own line |") in md.read_text(encoding="utf-8")
