"""The report says what the teams were shown: option labels, chance outcomes and the ending in the words rendered
at release and stored in the log, never the scenario's templates (`{{ nation.name }}` in braces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.report import build, render_html, render_markdown
from exercise.report.compare import compare_sessions, write_comparison
from exercise.report.scripted import run_script, stepping_clock

MINI = Path(__file__).resolve().parent / "fixtures" / "mini.yaml"

# Each text the report shows, as a template, and the words it renders to for Norvia in this scenario.
TEMPLATED = [
    ("label: Share now", 'label: "Share with {{ nation.name|upper }} partners"', "Share with NORVIA partners"),
    ("{p: 0.3, text: leak,", '{p: 0.3, text: "Leak in the {{ nation.name|upper }} press",',
     "Leak in the NORVIA press"),
    ("{id: holds, title: Coalition holds,",
     '{id: holds, title: Coalition holds, '
     'text: "{{ scenario.title|upper }} holds for {{ nations.norvia.name|lower }}",',
     "MINI holds for norvia"),
]
TEMPLATE_BITS = ("nation.name", "nations.norvia", "scenario.title", "|upper", "|lower")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = MINI.read_text(encoding="utf-8")
    for plain, templated, _ in TEMPLATED:
        assert plain in text
        text = text.replace(plain, templated, 1)
    path = tmp_path_factory.mktemp("words") / "templated.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _play(scenario: Path, db: Path, option: str) -> Path:
    steps = [{"team": "norvia", "inject": "grid-down", "option": option, "roll": 0.9, "rationale": "why"},
             {"advance": 1}, {"end": True}]
    run_script(scenario, db, {"seed": 3, "steps": steps}, clock=stepping_clock()).close()
    return db


@pytest.fixture(scope="module")
def shared(scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _play(scenario, tmp_path_factory.mktemp("words") / "shared.sqlite", "share")


def test_the_report_model_holds_the_rendered_words(shared: Path) -> None:
    r = build(shared)
    assert r.overview.ending_title == "Coalition holds"
    assert r.overview.ending_text == "MINI holds for norvia"
    details = [row.detail for block in r.timeline for row in block.rows]
    assert "Leak in the NORVIA press" in details
    decisions = [d.option for sec in r.objectives for i in sec.injects for d in i.decisions]
    assert decisions == ["Share with NORVIA partners"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_show_the_words_not_the_templates(shared: Path, fmt: str) -> None:
    r = build(shared)
    out = render_markdown(r) if fmt == "md" else render_html(r)
    for _, _, words in TEMPLATED:
        assert words in out, words
    for bit in TEMPLATE_BITS:
        assert bit not in out, bit


def test_the_comparison_shows_each_sessions_words(scenario: Path, shared: Path, tmp_path: Path) -> None:
    waited = _play(scenario, tmp_path / "waited.sqlite", "wait")
    cmp = compare_sessions([shared, waited])
    first = cmp.pairs[0].first
    assert first is not None and first.base == "Share with NORVIA partners" and first.other == "Wait"
    for path in write_comparison([shared, waited], ["md", "html"], tmp_path / "out"):
        text = path.read_text(encoding="utf-8")
        assert "Share with NORVIA partners" in text
        assert not any(bit in text for bit in TEMPLATE_BITS), path.name
