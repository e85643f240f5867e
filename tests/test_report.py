"""The after-action report of a scripted session of the tutorial scenario: every section filled from the
log, ratings and observations where they belong, hostile player text shown as text, byte-identical
Markdown and HTML for the same log, and the comparison of two sessions."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from exercise.engine import analysis
from exercise.live import LiveSession
from exercise.report import ReportError, build, render_html, render_markdown, write_report
from exercise.report.compare import compare_sessions, write_comparison
from exercise.report.render import md_cell, md_escape
from exercise.report.scripted import run_script, stepping_clock

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial"
SCRIPT = ROOT / "tests" / "fixtures" / "scripts" / "report_session.yaml"
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"

HOSTILE = "<script>alert(1)</script> {{ 7*7 }} **bold**"
HOTWASH_GENERAL = "General: the control cell lost ten minutes to the projector <img src=x onerror=alert(2)>"
HOTWASH_O1 = "Tarvos heard of the indicators a turn late, and only through Ostrand `{% raw %}`"


def _run_script(db: Path, script: Path | dict) -> None:
    """Make the session as `tabletop run --script` does (the command itself, in process)."""
    if isinstance(script, dict):
        path = db.with_suffix(".yaml")
        path.write_text(yaml.safe_dump(script, sort_keys=False), encoding="utf-8")
        script = path
    from exercise.cli import main

    assert main(["run", str(TUTORIAL), "--db", str(db), "--script", str(script)]) == 0


def _hot_wash(db: Path) -> None:
    """What control notes after the end, as the console does: kinds the script format cannot say."""
    live = LiveSession.open(db)
    try:
        live.execute(lambda s: s.observe(None, HOTWASH_GENERAL, kind="hotwash"))
        live.execute(lambda s: s.observe("O1", HOTWASH_O1, kind="improvement"))
        live.execute(lambda s: s.observe("O3", "Both governments published accurate fuel information early.",
                                         kind="strength"))
    finally:
        live.close()


@pytest.fixture(scope="module")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("report") / "syndicate-a.sqlite"
    _run_script(db, SCRIPT)
    _hot_wash(db)
    return db


@pytest.fixture(scope="module")
def report(session_db: Path):  # type: ignore[no-untyped-def]
    return build(session_db)


@pytest.fixture(scope="module")
def html(report) -> str:  # type: ignore[no-untyped-def]
    return render_html(report)


@pytest.fixture(scope="module")
def markdown(report) -> str:  # type: ignore[no-untyped-def]
    return render_markdown(report, "syndicate-a-aar")


def _live_facts(db: Path) -> dict:
    live = LiveSession.open(db)
    try:
        rows = live.store.read()
        st = live.state
        return {"rows": rows, "title": live.scenario.title, "hash": live.scenario.hash,
                "objectives": [(o.id, o.text, o.capability) for o in live.scenario.model.objectives],
                "nations": [n.name for n in live.scenario.nations.values()],
                "orgs": [o.name for o in live.scenario.orgs.values()],
                "injects": list(live.scenario.injects), "released": dict(st.released),
                "rationales": [e.event.rationale for e in st.live_entries() if e.event.type == "DecisionTaken"
                               and e.event.by == "team"],
                "messages": [e.event.text for e in st.live_entries() if e.event.type == "MessageSent"],
                "ending": st.ended.ending if st.ended else None}
    finally:
        live.close()


def _text_of(html: str) -> str:
    """The visible text of an HTML page (entities decoded), as a reader would see it."""
    out: list[str] = []

    class P(HTMLParser):
        skip = 0

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            if tag in ("style", "script", "svg"):
                self.skip += 1

        def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
            if tag in ("style", "script", "svg"):
                self.skip -= 1

        def handle_data(self, data):  # type: ignore[no-untyped-def]
            if not self.skip:
                out.append(data)

    P(convert_charrefs=True).feed(html)
    return " ".join(" ".join(out).split())


def _section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}"')
    return html[start:html.index("</section>", start)]


# -- every section, filled from the log ---------------------------------------------------------------

def test_every_section_is_present(html: str, markdown: str) -> None:
    for sid in ("overview", "summary", "analysis", "improvement-plan", "timeline", "participants", "msel", "log"):
        assert f'<section id="{sid}"' in html
    for heading in ("## 1. Exercise overview", "## 2. Exercise summary",
                    "## 3. Analysis of objectives and capabilities",
                    "## 4. Improvement plan", "## 5. Timeline", "## Appendix A: Participants",
                    "## Appendix B: MSEL as played", "## Appendix C: Event log digest and verification"):
        assert heading in markdown


def test_overview_comes_from_the_log(session_db: Path, html: str) -> None:
    facts = _live_facts(session_db)
    overview = _text_of(_section(html, "overview"))
    assert facts["title"] in overview
    assert facts["hash"] in overview  # the scenario's content hash, in full
    first = facts["rows"][0].wall
    assert first[:4] in overview and "UTC" in overview  # the dates come from the log's wall times
    for oid, text, capability in facts["objectives"]:
        assert oid in overview and text in overview and capability in overview
    for name in facts["nations"] + facts["orgs"]:
        assert name in overview
    assert "Exercise Control" in overview  # the facilitator named in SessionStarted
    assert "people" in overview and "bot (self-interested)" in overview


def test_summary_and_figures(session_db: Path, report, html: str) -> None:  # type: ignore[no-untyped-def]
    summary = _section(html, "summary")
    assert report.overview.ending_title in _text_of(summary)
    ids = {f.id for f in report.figures}
    # each state variable over time, the trust matrix, latency per team, the decision timeline
    assert {"fig-cohesion", "fig-stability", "fig-water_stress", "fig-support", "fig-trust-matrix", "fig-latency",
            "fig-decisions"} <= ids
    assert html.count("<svg ") == len(report.figures)
    for f in report.figures:
        assert f"<title id=\"{f.id}-t\">" in html and f.desc  # every figure says in words what it shows
    text = _text_of(summary)
    for row in report.summary.state:
        assert row.label in text


def test_analysis_ratings_and_observations_where_they_belong(report) -> None:  # type: ignore[no-untyped-def]
    by_id = {o.id: o for o in report.objectives}
    assert set(by_id) == {"O1", "O2", "O3"}
    # The rating that stands is the last one noted: O2 was S at turn 3, then U in the hot wash.
    assert by_id["O1"].rating == "P"
    assert by_id["O2"].rating == "U" and [r for _, r in by_id["O2"].ratings] == ["S", "U"]
    assert by_id["O3"].rating == "S" and [r for _, r in by_id["O3"].ratings] == ["M", "S"]
    assert [o.text[:14] for o in by_id["O1"].strengths] == ["Maren shared t"]
    assert [o.text for o in by_id["O1"].improvements] == [HOTWASH_O1]
    assert {o.rating for o in by_id["O2"].improvements} == {"S", "U"} and not by_id["O2"].strengths
    assert {o.rating for o in by_id["O3"].improvements} == {"M", "S"}
    assert [o.kind for o in by_id["O3"].strengths] == ["strength"]
    # The general hot-wash note sits with the general observations and in the hot wash, not under an objective.
    assert [o.text for o in report.general] == [HOTWASH_GENERAL]
    assert HOTWASH_GENERAL in [o.text for o in report.hotwash]
    assert all(o.hotwash for o in by_id["O2"].improvements if o.rating == "U")


def test_findings_carry_their_supporting_injects_and_decisions(report) -> None:  # type: ignore[no-untyped-def]
    o2 = next(o for o in report.objectives if o.id == "O2")
    council = next(f for f in o2.improvements if f.rating == "S")
    text = " ".join(e.summary for e in council.evidence)
    assert "Extraordinary session of the Compact" in text  # the votes and the Compact's decision before it
    rationales = [e.rationale for e in council.evidence if e.rationale]
    assert any("both missions" in r for r in rationales)
    # The injects tagged with the objective, with the decisions on them and their rationales.
    council_inject = next(i for i in o2.injects if i.id == "council-session")
    assert council_inject.released.startswith("turn 3")
    assert {d.team for d in council_inject.decisions} >= {"Republic of Maren", "Federal Republic of Ostrand"}
    assert any(d.vote for d in council_inject.decisions)


def test_improvement_plan_is_prefilled_and_marked_as_suggested(report, html: str) -> None:  # type: ignore[no-untyped-def]
    afis = [f for o in report.objectives for f in o.improvements] + [
        f for f in report.general if f.category == "improvement"]
    ip = report.improvement_plan
    assert len(ip) == len(afis) == 5
    caps = {o.id: o.capability for o in report.objectives}
    for row in ip:
        assert row.capability == caps[row.objective]
        assert row.poc == "To be assigned" and row.start == row.completion == "To be set"
        assert row.element in ("Planning", "Organisation", "Equipment", "Training", "Exercises", "To be determined")
        assert row.root_cause and row.root_cause_note
        assert row.action and row.key == int(row.source.rsplit("#", 1)[1])
    # The actions come from what happened, each naming its events: no two rows share a stock sentence.
    drawn = [r for r in ip if r.actions]
    assert drawn and all(r.recommendation.startswith("suggested, drawn from events #") for r in drawn)
    assert len({a for r in drawn for a in r.actions}) >= len(drawn)
    assert any(r.responsible == "Ardel Regional Compact" and r.responsible_suggested for r in ip)
    section = _text_of(_section(html, "improvement-plan"))
    for head in ("Core capability", "Capability element", "Issue / area for improvement", "Root cause",
                 "Corrective action", "Responsible organisation", "Point of contact", "Start", "Completion"):
        assert head in section
    assert section.count("drawn from events") == len(drawn)


def test_timeline_has_injects_decisions_rationales_messages_adjudications(session_db: Path, html: str) -> None:
    facts = _live_facts(session_db)
    text = _text_of(_section(html, "timeline"))
    for rationale in facts["rationales"]:
        assert " ".join(rationale.split()) in text
    for message in facts["messages"]:
        assert " ".join(message.split()) in text
    assert "Adjudication: Water stress in the Ardel basin +3" in text
    assert "Turn 1 · D+0 06:00" in text and "Turn 6 · D+2 18:00" in text
    assert re.search(r"Inject 'The cranes stop' released", text)
    assert 'class="retracted"' in _section(html, "timeline")  # kept, and marked


def test_appendices(session_db: Path, html: str) -> None:
    facts = _live_facts(session_db)
    participants = _text_of(_section(html, "participants"))
    for name in facts["nations"] + facts["orgs"]:
        assert name in participants
    msel = _section(html, "msel")
    for inject in facts["injects"]:
        assert f"<code>{inject}</code>" in msel
    log = _text_of(_section(html, "log"))
    rows = facts["rows"]
    assert rows[-1].hash in log and rows[0].hash in log
    assert f"chain intact: {len(rows)} events" in log
    assert "tabletop verify syndicate-a.sqlite" in log


# -- hostile player text ---------------------------------------------------------------------------------

def test_player_text_is_text_in_html(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>not bold</b>" not in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    text = _text_of(html)
    assert HOSTILE in text  # shown exactly as typed: never run as markup, never evaluated as a template
    assert "{% for x in y %}" in text
    assert "49" not in re.findall(r"alert\(1\)</script> (\S+)", text)


def test_player_text_is_text_in_markdown(markdown: str) -> None:
    from markdown_it import MarkdownIt

    assert not re.search(r"(?<!\\)<(script|img|b>)", markdown)  # every '<' of player text is escaped
    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)
    assert "<script>" not in rendered and not re.search(r"<img[^>]*onerror", rendered)
    assert "<strong>bold</strong>" not in rendered  # the player's **bold** stays asterisks
    assert "<em>deterrence</em>" not in rendered
    assert '<a href="http://example.invalid"' not in rendered
    visible = _text_of(rendered)
    assert HOSTILE in visible and "{% for x in y %}" in visible and "_deterrence_" in visible


def test_markdown_escaping_rules() -> None:
    assert md_escape("- not a list\n# not a heading\n1. not an item") == \
        "\\- not a list\n\\# not a heading\n1\\. not an item"
    assert md_cell("a | b\nc") == "a \\| b c"
    assert md_cell("-5") == "-5"


def test_templates_never_see_player_text_as_source(tmp_path: Path, session_db: Path) -> None:
    # An organisation's template is sandboxed: it cannot reach Python internals through the model.
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "letterhead.html.j2").write_text("{{ r.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(ReportError, match="template"):
        write_report(session_db, ["html"], tmp_path / "out", template_dir=custom)


def test_template_dir_supplies_a_letterhead(tmp_path: Path, session_db: Path) -> None:
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "letterhead.html.j2").write_text(
        '<div class="letterhead"><span class="org">Ministry of Preparedness</span> '
        '{{ r.overview.scenario_id }}</div>\n',
        encoding="utf-8")
    (path,) = write_report(session_db, ["html"], tmp_path / "out", template_dir=custom)
    page = path.read_text(encoding="utf-8")
    assert "Ministry of Preparedness" in page and "After-action report: Tutorial" in page
    with pytest.raises(ReportError, match="no such template directory"):
        write_report(session_db, ["html"], tmp_path / "out", template_dir=tmp_path / "missing")


# -- determinism -------------------------------------------------------------------------------------------

def test_same_log_gives_byte_identical_markdown_and_html(tmp_path: Path, session_db: Path) -> None:
    a = write_report(session_db, ["md", "html"], tmp_path / "a")
    copy = tmp_path / "copy" / session_db.name
    copy.parent.mkdir()
    shutil.copy(session_db, copy)
    b = write_report(copy, ["md", "html"], tmp_path / "b")
    for x, y in zip(a, b, strict=True):
        assert x.name == y.name and x.read_bytes() == y.read_bytes()
    figs_a = sorted((tmp_path / "a" / "syndicate-a-aar-figures").iterdir())
    figs_b = sorted((tmp_path / "b" / "syndicate-a-aar-figures").iterdir())
    assert [f.name for f in figs_a] == [f.name for f in figs_b] and figs_a
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(figs_a, figs_b, strict=True))
    html = a[1].read_text(encoding="utf-8")
    assert "Report dated" in html and _live_facts(session_db)["rows"][-1].wall[:10] in html


# -- the read models behind it -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> LiveSession:
    """The same script with a fake wall clock (90 s a command), so latencies are known."""
    db = tmp_path_factory.mktemp("clocked") / "clocked.sqlite"
    return run_script(TUTORIAL, db, SCRIPT, clock=stepping_clock(step_seconds=90))


def test_decision_latency_in_wall_time_and_turns(clocked: LiveSession) -> None:
    st = clocked.state
    lats = {(x.team, x.inject): x for x in analysis.decision_latencies(st)}
    rows = {r.seq: r.wall for r in clocked.store.read()}
    share = lats[("maren", "port-outage")]
    assert share.turns == 0 and share.seconds == 90.0
    assert share.seconds == analysis.seconds_between(rows[share.released_seq], rows[share.decided_seq])
    default = lats[("tarvos", "cable-cut")]
    assert default.missed and default.turns == 1
    groups = {g.team: g for g in analysis.latency_by_team(st)}
    assert groups["tarvos"].defaults == 1 and groups["maren"].defaults == 0
    assert groups["maren"].median_seconds is not None and groups["maren"].mean_turns == 0
    assert groups["arc"].items and groups["arc"].items[0].by == "organisation"


def test_observation_classes() -> None:
    assert analysis.classify("observation", "P") == "strength"
    assert analysis.classify("observation", "M") == "improvement"
    assert analysis.classify("hotwash", "U") == "improvement"
    assert analysis.classify("strength", None) == "strength"
    assert analysis.classify("improvement", "P") == "improvement"
    assert analysis.classify("observation", None) == "note"


# -- comparison --------------------------------------------------------------------------------------------

def _variant() -> dict:
    data = yaml.safe_load(SCRIPT.read_text(encoding="utf-8"))
    for step in data["steps"]:
        if step.get("inject") == "not-our-port":
            step.update(option="joint-factcheck", rationale="Side by side with Maren's port authority.")
            step.pop("roll", None)
    return data


@pytest.fixture(scope="module")
def syndicate_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("report-b") / "syndicate-b.sqlite"
    _run_script(db, _variant())
    return db


def test_comparison_finds_where_decisions_diverged(session_db: Path, syndicate_b: Path, tmp_path: Path) -> None:
    cmp = compare_sessions([session_db, syndicate_b])
    (pair,) = cmp.pairs
    assert pair.first is not None and pair.first.inject == "#NotOurPort"
    assert pair.first.base.startswith("Expose the network") and pair.first.other.startswith("Publish a joint")
    assert pair.first.turn == 2
    assert "first diverged at turn 2" in pair.headline[0]
    assert any(d.inject == "#NotOurPort" for d in pair.diverged)
    assert any(d.inject == "The cranes stop" for d in pair.agreed)
    labels = {f.label: f for f in pair.final}
    assert "Alliance cohesion" in labels and "Public support at home, Ostrand" in labels
    assert pair.ending_base and pair.ending_other
    paths = write_comparison([session_db, syndicate_b], ["md", "html"], tmp_path)
    html = paths[1].read_text(encoding="utf-8")
    assert "Where the decisions diverged" in html and "Publish a joint fact-check" in html
    assert "&lt;script&gt;" not in html or "<script>" not in html
    assert paths[0].read_text(encoding="utf-8").count("\n| turn 2") >= 1
    again = write_comparison([session_db, syndicate_b], ["md", "html"], tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_comparison_refuses_different_scenarios(session_db: Path, tmp_path: Path) -> None:
    other = tmp_path / "mini.sqlite"
    run_script(MINI, other, {"seed": 1, "steps": [{"advance": 1}]}).close()
    with pytest.raises(ReportError, match="same scenario"):
        compare_sessions([session_db, other])


def test_cli_report_and_compare(session_db: Path, syndicate_b: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from exercise.cli import main

    assert main(["report", str(session_db), "-o", str(tmp_path), "--format", "md,html"]) == 0
    out = capsys.readouterr().out
    assert "syndicate-a-aar.md" in out and "syndicate-a-aar.html" in out
    assert (tmp_path / "syndicate-a-aar.html").is_file()
    assert main(["report", str(session_db), str(syndicate_b), "--compare", "-o", str(tmp_path)]) == 0
    assert "comparison.html" in capsys.readouterr().out
    assert main(["report", str(session_db), "--format", "odt"]) == 1
    assert "unknown report format 'odt'" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing.sqlite")]) == 1
    assert "no such session file" in capsys.readouterr().err
