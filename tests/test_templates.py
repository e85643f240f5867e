"""The text language of scenario texts, and the words it renders: once, at release, kept in the log.

What may be written renders; everything else is refused at load with the line it is on (the hostile cases in
`tests/bad/template_*.yaml` go through the real `tabletop validate` under a memory ceiling); text from people
is never a template; the views read the stored words, and old (v1) logs still read as they did.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from harness import BAD, MINI, REPO, bounded, in_process, no_traceback

from exercise.engine.compile import CompiledScenario, load_scenario
from exercise.engine.events import InjectReleased, SessionEnded, event_from_dict, event_to_dict
from exercise.engine.inject_words import text_context
from exercise.engine.session import Session
from exercise.engine.state import Entry, State
from exercise.engine.templates import MAX_RENDERED, MAX_TEXT, check_template, render
from exercise.engine.views import describe, ending_words, inject_view

NATIONS = ["norvia", "kessland"]


@pytest.fixture(scope="module")
def mini() -> CompiledScenario:
    return load_scenario(MINI)


def ctx(sc: CompiledScenario, reader: str | None = "norvia", turn: int = 2) -> dict[str, Any]:
    return text_context(sc, reader, turn, {"target": "kessland"})


def ok(text: str, sc: CompiledScenario, reader: str | None = "norvia", turn: int = 2) -> str:
    """Render a text that must pass the load-time check."""
    assert check_template(text, ["target"], nations=NATIONS) is None, check_template(text, ["target"],
                                                                                     nations=NATIONS)
    return render(text, ctx(sc, reader, turn))


# -- what may be written ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("Blackouts across {{ nation.name }}.", "Blackouts across Norvia."),
    ("{{ nation.id }}/{{ nation.short }}", "norvia/Norvia"),
    ("Dear {{ nation }},", "Dear Norvia,"),  # a nation on its own reads as its name
    ("{{ target.name }} asks {{ target.id }}", "Kessland asks kessland"),
    ("{{ scenario.title }} ({{ scenario.id }})", "Mini (mini)"),
    ("{{ nations.kessland.name }} and {{ nations.norvia.short }}", "Kessland and Norvia"),
    ("Turn {{ turn }}, {{ time }}", "Turn 2, D+0 12:00"),
    ("{{ nation.short or nation.name }}", "Norvia"),
    ("{{ nation.name|upper }} {{ nation.name|lower }}", "NORVIA norvia"),
    ("{{ 'kessland\\'s eez'|title }}|{{ 'the EEZ'|capitalize }}|{{ '  x  '|trim }}|", "Kessland's Eez|The EEZ|x|"),
    ("{{ nation.name|lower|capitalize }}", "Norvia"),
    ("{% if nation.id == 'norvia' %}yours{% else %}theirs{% endif %}", "yours"),
    ("{% if nation.id != 'norvia' %}a{% elif turn == 2 %}b{% else %}c{% endif %}", "b"),
    ("{% if turn == 1 or turn == 2 %}early{% endif %}", "early"),
    ("{% if nation.id == 'norvia' and not turn == 3 %}yes{% endif %}", "yes"),
    ("{% if target.id == nation.id %}same{% else %}other{% endif %}", "other"),
    ("{% if nation.short %}short{% endif %}", "short"),
    ("a{# a note for authors #}b", "ab"),
    ("{% raw %}{{ not a name }}{% endraw %}", "{{ not a name }}"),
    ("{{ '{{' }}", "{{"),
    ("x  {{- ' y' -}}  z", "x yz"),
    ("Line one\n{% if turn == 2 %}\nLine two\n{% endif %}\nLine three", "Line one\nLine two\nLine three"),
])
def test_every_allowed_construct_renders(mini: CompiledScenario, text: str, words: str) -> None:
    assert ok(text, mini) == words


def test_the_reader_and_the_turn_change_the_words(mini: CompiledScenario) -> None:
    text = "{% if nation.id == 'kessland' %}K{% else %}N{% endif %}{{ turn }}"
    assert ok(text, mini, "kessland", 3) == "K3"
    assert ok(text, mini, "norvia", 1) == "N1"


def test_plain_text_is_left_alone() -> None:
    text = "No braces here: 7*7, range(10), nation.name."
    assert check_template(text) is None
    assert render(text, {}) == text


def test_a_name_the_context_lacks_shows_as_written() -> None:
    assert render("Hello {{ nation.name }}", {}) == "Hello {{ nation.name }}"


def test_an_ending_has_no_nation_but_the_rest() -> None:
    problem = check_template("The end for {{ nation.name }}.", nations=NATIONS, reader=False)
    assert problem is not None and "unknown name in text: nation" in problem[1]
    assert check_template("The end at {{ time }} for {{ nations.norvia.name }}.", nations=NATIONS,
                          reader=False) is None


# -- what is refused, and where --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("{{ 'x' * 10**10 }}", "'*' is not part of the text language"),
    ("{{ 9**9**9 }}", "'**' is not part of the text language"),
    ("{{ nation.name * 1000000 }}", "'*' is not part of the text language"),
    ("{{ turn + 1 }}", "'+' is not part of the text language"),
    ("{{ -turn }}", "'-' is not part of the text language"),
    ("{{ '%s' % nation.name }}", "'%' is not part of the text language"),
    ("{{ nation.name ~ nation.name }}", "'~' is not part of the text language"),
    ("{% for i in range(10**6) %}{% for j in range(10**6) %}x{% endfor %}{% endfor %}", "loops ({% for %})"),
    ("{{ range(10) }}", "calls"),
    ("{{ lipsum() }}", "calls"),
    ("{{ nation.name.upper() }}", "calls"),
    ("{{ cycler }}", "unknown name in text: cycler"),
    ("{{ joiner }}", "unknown name in text: joiner"),
    ("{{ self }}", "unknown name in text: self"),
    ("{{ ''.__class__ }}", "attributes may be read only of the documented names"),
    ("{{ nation.__class__ }}", "'nation' has no attribute '__class__'"),
    ("{{ nation.name.__len__ }}", "'nation.name' is text: it has no attribute '__len__'"),
    ("{{ scenario.brief }}", "'scenario' has no attribute 'brief'"),
    ("{{ scenario }}", "'scenario' is not a value"),
    ("{{ nations }}", "'nations' is not a value"),
    ("{{ nations.norvai.name }}", "no nation 'norvai'"),
    ("{{ turn.real }}", "'turn' has no attribute 'real'"),
    ("{{ nation['name'] }}", "item access"),
    ("{{ nation.name[0:3] }}", "item access"),
    ("{{ nation|attr('__class__') }}", "unknown filter 'attr'"),
    ("{{ nation.name|format }}", "unknown filter 'format'"),
    ("{{ nation.name|replace('a', 'b') }}", "unknown filter 'replace'"),
    ("{{ nation.name|upper(1) }}", "takes no arguments"),
    ("{% set x = 1 %}", "{% set %}"),
    ("{% set x %}y{% endset %}", "{% set %}"),
    ("{% macro m() %}{% endmacro %}", "macros"),
    ("{% call m() %}{% endcall %}", "{% call %}"),
    ("{% include 'x' %}", "{% include %}"),
    ("{% import 'x' as y %}", "{% import %}"),
    ("{% from 'x' import y %}", "{% from ... import %}"),
    ("{% extends 'x' %}", "{% extends %}"),
    ("{% block b %}{% endblock %}", "{% block %}"),
    ("{% with a = 1 %}{% endwith %}", "{% with %}"),
    ("{% filter upper %}x{% endfilter %}", "{% filter %}"),
    ("{% autoescape false %}x{% endautoescape %}", "{% autoescape %}"),
    ("{% do x %}", "template syntax"),
    ("{{ nation.id is defined }}", "tests ('is ...')"),
    ("{{ 'a' if turn == 1 else 'b' }}", "inline if"),
    ("{{ [nation.name] }}", "lists"),
    ("{{ {'a': 1} }}", "dictionaries"),
    ("{{ (1, 2) }}", "tuples"),
    ("{% if turn < 3 %}x{% endif %}", "compares with == or != only"),
    ("{% if nation.id in ['norvia'] %}x{% endif %}", "compares with == or != only"),
    ("{% if 1 == turn == 1 %}x{% endif %}", "compares with == or != only"),
    ("{% if nation == target %}x{% endif %}", "compare a nation by its id"),
    ("{% if turn == 'two' %}x{% endif %}", "a number compared with a text"),
    ("{% if nation.id == 'norvai' %}x{% endif %}", "no nation has the id 'norvai'"),
    ("{% if (turn == 1) == (turn == 2) %}x{% endif %}", "compare names and constants"),
    ("{{ true }}", "is not a quoted word or a whole number"),
    ("{{ 1.5 }}", "is not a quoted word or a whole number"),
    ("{{ 100000 }}", "too large for a text"),
    ("{{ " + "9" * 5000 + " }}", "a number too large for a text"),
    ("{{ '" + "x" * 201 + "' }}", "a quoted constant of 201 characters"),
    ("{% if turn == 1 %}" * 17 + "x" + "{% endif %}" * 17, "nest too deeply"),
    ("{{ " + "(" * 5000 + "turn" + ")" * 5000 + " }}", "nests too deeply"),
    ("{% if turn == 1 %}" * 200 + "x" + "{% endif %}" * 200, "nests too deeply"),
    ("{{ nation.name", "template syntax"),
], ids=lambda v: v if len(v) < 60 else v[:40] + f"...({len(v)} characters)")
def test_everything_else_is_refused_on_its_line(text: str, message: str) -> None:
    """The construct on the third line of a text: refused with that line, and a message that names it."""
    problem = check_template("Line one.\nLine two.\n" + text, ["target"], nations=NATIONS)
    assert problem is not None, text
    line, said = problem
    assert message in said, said
    assert line == 3, (line, said)
    assert "\n" not in said


def test_a_text_too_long_is_refused_and_a_rendered_one_is_cut() -> None:
    assert check_template("x" * MAX_TEXT) is None
    problem = check_template("x" * (MAX_TEXT + 1))
    assert problem is not None and f"at most {MAX_TEXT:,}" in problem[1]
    # No loops and no arithmetic: only long values can make a text grow; it stops at the cap.
    huge = {"nation": {"id": "n", "name": "N" * 5_000, "short": "N"}}
    out = render("{{ nation.name }}" * 10, huge)
    assert len(out) == MAX_RENDERED and out.endswith("…") and out.startswith("N" * 100)
    assert render("{{ nation.name }}" * 3, huge) == "N" * 15_000


# -- the hostile corpus through the real command --------------------------------------------------------------

CORPUS = sorted(BAD.glob("template_*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S+) (.*)$", re.M)


def test_the_corpus_has_the_cases_the_issue_lists() -> None:
    texts = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS)
    for attack in ["{{ 'x' * 10**10 }}", "{% for i in range(10**6) %}{% for j in range(10**6) %}",
                   "{{ ''.__class__ }}", "{{ nation.__class__ }}", "{{ lipsum(", "{{ cycler }}", "{% set ",
                   "{% macro ", "{% include ", "{{ 9**9**9 }}", "{{ nation.name * 1000000 }}", '{{ "%s" % ',
                   "|format }}"]:
        assert attack in texts, attack


def test_every_hostile_text_is_refused_by_validate_within_bounds() -> None:
    """All the cases in one `tabletop validate` under 500 MB and 20 s: each one positioned line, exit 1."""
    done = bounded("validate", *CORPUS)
    no_traceback(done)
    assert done.returncode == 1
    out = done.stdout + done.stderr
    for path in CORPUS:
        want = EXPECT.search(path.read_text(encoding="utf-8"))
        assert want, path
        line, col, code, message = want.groups()
        shown = f"{path}:{line}:{col}: error[{code}]: "
        hits = [ln for ln in out.splitlines() if ln.startswith(shown)]
        assert len(hits) == 1 and message in hits[0], f"{path.name}: want {shown}{message}\n{out}"


@pytest.mark.parametrize("name", ["template_string_times_huge.yaml", "template_nested_range_loops.yaml"])
def test_the_worst_ones_alone(name: str) -> None:
    done = bounded("validate", BAD / name)
    no_traceback(done)
    assert done.returncode == 1
    assert re.search(rf"{name}:\d+:7: error\[template\]: ", done.stdout + done.stderr)


def test_a_text_over_the_limit_in_a_file(tmp_path: Path) -> None:
    scenario = MINI.read_text(encoding="utf-8").replace('text: "Blackouts across {{ nation.name }}."',
                                                        f'text: "{"x" * (MAX_TEXT + 1)}"')
    path = tmp_path / "long.yaml"
    path.write_text(scenario, encoding="utf-8")
    done = in_process("validate", path)
    assert done.returncode == 1
    assert re.search(r"long\.yaml:\d+:\d+: error\[template\]: this text is 20,001 characters long",
                     done.stdout + done.stderr), done.stdout + done.stderr


def test_jinja_stays_inside_templates_py() -> None:
    engine = REPO / "exercise" / "engine"
    users = sorted(p.name for p in engine.glob("*.py")
                   if re.search(r"^\s*(from|import) jinja2", p.read_text(encoding="utf-8"), re.M))
    assert users == ["templates.py"]


# -- rendered once, at release, and kept -------------------------------------------------------------------------


def started(sc: CompiledScenario) -> Session:
    s = Session(sc)
    s.start(7, {"norvia": "human", "kessland": "human"})
    return s


def test_the_release_event_carries_the_words(mini: CompiledScenario) -> None:
    s = started(mini)
    ev = next(e.event for e in s.state.log if isinstance(e.event, InjectReleased))
    assert ev.v == 2 and ev.words is not None
    assert ev.words["control"].text == "Blackouts across Norvia."  # control reads it as its first reader
    assert ev.words["control"].options["share"].unavailable == "Trust too low."
    assert ev.words["control"].options["share"].outcomes == ("fine", "leak")
    assert event_from_dict(event_to_dict(ev)) == ev


def test_the_views_read_the_stored_words_not_the_scenario() -> None:
    sc = load_scenario(MINI)  # its own copy: changed below
    s = started(sc)
    ci = sc.injects["grid-down"]
    # The scenario copy changes after release: what was released stays what the team was shown.
    ci.model = ci.model.model_copy(update={"text": "Something else for {{ nation.name }}."})
    sc.cache.clear()
    view = inject_view(s, "grid-down", "norvia")
    assert view.text == "Blackouts across Norvia."
    assert inject_view(s, "grid-down", None).title == "Blackouts across Norvia."
    # An inject not yet released is a preview: rendered now, from the scenario as it is.
    crisis = sc.injects["crisis"]
    crisis.model = crisis.model.model_copy(update={"text": "Now about {{ nation.name }}."})
    assert inject_view(s, "crisis", "kessland").text == "Now about Kessland."


def test_each_reader_keeps_its_own_words(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("text: Cohesion is fraying.",
                                                    'text: "Cohesion is fraying in {{ nation.name }}."')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    s = started(sc)
    s.adjudicate("cohesion", 10, "test", mode="set")
    s.advance()
    ev = next(e.event for e in s.state.log if isinstance(e.event, InjectReleased) and e.event.inject == "crisis")
    assert ev.words is not None and set(ev.words) == {"control", "kessland"}  # norvia reads what control reads
    assert inject_view(s, "crisis", "kessland").text == "Cohesion is fraying in Kessland."
    assert inject_view(s, "crisis", "norvia").text == "Cohesion is fraying in Norvia."


def test_an_act_is_told_in_the_words_its_actor_was_shown(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("    to: [norvia]\n", "    to: [norvia, kessland]\n", 1) \
        .replace("{p: 0.7, text: fine}", '{p: 0.7, text: "fine for {{ nation.short }}"}')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    s = started(sc)
    s.decide("kessland", "grid-down", "share", "because", roll=0.1)
    said = [describe(sc, e.event, s.state.written, words=s.state.words) for e in s.state.log]
    assert "Kessland decided on 'Blackouts across Kessland.': Share now" in said
    assert any(line.endswith("fine for Kessland") for line in said), said
    assert inject_view(s, "grid-down", "kessland").outcome == "fine for Kessland"
    assert inject_view(s, "grid-down", None).text == "Blackouts across Norvia."


def v1(entry: Entry) -> Entry:
    """The entry as a version of tabletop before stored words wrote it."""
    data = event_to_dict(entry.event)
    if data["type"] in ("InjectReleased", "SessionEnded"):
        data["v"] = 1
        data.pop("words", None)
        data.pop("text", None)
    return Entry(entry.seq, event_from_dict(data), entry.at)


def test_an_old_log_reads_as_a_new_one(mini: CompiledScenario) -> None:
    s = started(mini)
    s.decide("norvia", "grid-down", "share", "because", roll=0.9)
    while s.state.ended is None:
        s.advance()
    old = Session(mini, [v1(e) for e in s.state.log])
    assert all(e.event.v == 1 for e in old.state.log if isinstance(e.event, (InjectReleased, SessionEnded)))
    assert old.state.words == s.state.words
    assert ending_words(old.state) == ending_words(s.state)
    for inject in s.state.released:
        for reader in (None, "norvia", "kessland"):
            assert inject_view(old, inject, reader) == inject_view(s, inject, reader)
    assert [describe(mini, e.event, old.state.written, words=old.state.words) for e in old.state.log] == \
        [describe(mini, e.event, s.state.written, words=s.state.words) for e in s.state.log]


def test_a_replay_gives_the_same_words(mini: CompiledScenario) -> None:
    s = started(mini)
    s.advance()
    again = State.fold(mini, [Entry(e.seq, event_from_dict(event_to_dict(e.event))) for e in s.state.log])
    assert again.words == s.state.words


def test_the_ending_text_is_rendered_once_and_kept(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "{id: frays, title: Coalition frays}",
        '{id: frays, title: Coalition frays, text: "At {{ time }}, {{ nations.kessland.name|upper }} walks out."}')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    s = started(sc)
    s.adjudicate("cohesion", 10, "test", mode="set")
    s.end("stop here")
    ended = s.state.ended
    assert ended is not None and ended.v == 2 and ended.text == "At D+0 06:00, KESSLAND walks out."
    assert ending_words(s.state) == ("Coalition frays", "At D+0 06:00, KESSLAND walks out.")


# -- people's text is never a template -----------------------------------------------------------------------

SEVEN = "Ships sighted: {{ 7*7 }} of them. {% for x in y %}"


def test_a_written_inject_is_shown_as_typed_on_screens_in_the_log_and_the_report(tmp_path: Path) -> None:
    from exercise.live import LiveSession
    from exercise.report import build

    db = tmp_path / "s.sqlite"
    live = LiveSession.create(db, load_scenario(MINI), seed=1, teams={"norvia": "human", "kessland": "human"})
    try:
        live.execute(lambda s: s.write_inject("w1", ["norvia"], SEVEN, title="{{ 7*7 }} ships",
                                              options=[{"id": "y", "label": "{{ 6*7 }}"}]))
        live.execute(lambda s: s.send("norvia", ["kessland"], "Reply {{ 7*7 }}"))
        view = inject_view(live.session, "w1", "norvia")
        assert (view.title, view.text, view.options[0].label) == ("{{ 7*7 }} ships", SEVEN, "{{ 6*7 }}")
    finally:
        live.close()
    log = in_process("log", db)
    assert log.returncode == 0, log.stderr
    assert "{{ 7*7 }} ships" in log.stdout and "Reply {{ 7*7 }}" in log.stdout
    assert "49 ships" not in log.stdout and "Reply 49" not in log.stdout
    as_json = in_process("log", db, "--json")
    assert "Ships sighted: {{ 7*7 }} of them." in as_json.stdout
    report = repr(dataclasses.asdict(build(db)))
    assert "{{ 7*7 }} ships" in report
    assert "Ships sighted: 49" not in report and "49 ships" not in report
