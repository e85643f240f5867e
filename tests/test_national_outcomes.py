"""Each nation's own result (`nations[].outcomes`): compiled with `self` bound to the nation, read as words by
the debrief and the report, a team reading only its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine.compile import load_scenario, load_sources
from exercise.engine.diagnostics import ScenarioError
from exercise.engine.outcomes import NO_RESULT, national_results
from exercise.engine.rules import national_outcome
from exercise.engine.session import Session

MINI = (Path(__file__).parent / "fixtures" / "mini.yaml").read_text(encoding="utf-8")

OUTCOMES = """\
  - id: norvia
    name: Norvia
    outcomes:
      - {id: red-line, title: Red line crossed, when: "chose('grid-down', 'share')",
         text: "{{ nation.name }} shared, against its brief."}
      - {id: popular, title: Popular at home, when: "support[self] >= 50"}
      - {id: unloved, title: Unloved}
  - id: kessland
    name: Kessland
    bot: {profile: self-interested}
    outcomes:
      - {id: popular, title: Popular at home, when: "support[self] >= 50", text: "Kessland is popular."}
"""


def mini_with(nations: str) -> str:
    head, rest = MINI.split("nations:\n", 1)
    tail = rest.split("organisations:", 1)[1]
    return f"{head}nations:\n{nations}organisations:{tail}"


def session(text: str) -> Session:
    sc = load_sources({"s.yaml": text}, "s.yaml")
    s = Session(sc)
    s.start(1, {})
    return s


def test_the_first_outcome_that_holds_is_the_nations_own_self_bound_to_it() -> None:
    s = session(mini_with(OUTCOMES))
    # Norvia starts at 55 support, Kessland at 40: the same condition on support[self] splits them.
    assert national_outcome(s.scenario, s.state, "norvia") == "popular"
    assert national_outcome(s.scenario, s.state, "kessland") is None
    s.decide("norvia", "grid-down", "share", "why", roll=0.1)
    assert national_outcome(s.scenario, s.state, "norvia") == "red-line"


def test_results_in_words_each_nation_or_only_the_readers_own() -> None:
    s = session(mini_with(OUTCOMES))
    s.decide("norvia", "grid-down", "share", "why", roll=0.1)
    every = national_results(s.state)
    assert [(r.nation, r.outcome, r.title) for r in every] == [
        ("norvia", "red-line", "Red line crossed"), ("kessland", None, NO_RESULT)]
    assert every[0].text == "Norvia shared, against its brief."  # a template, rendered for that nation
    assert [r.nation for r in national_results(s.state, "kessland")] == ["kessland"]


def test_a_scenario_without_outcomes_has_no_results() -> None:
    assert national_results(session(MINI).state) == []


@pytest.mark.parametrize(("outcomes", "code", "where"), [
    ("      - {id: a, title: A}\n      - {id: b, title: B, when: 'cohesion > 1'}\n", "error[ending]", ":11:"),
    ("      - {id: a, title: A, when: 'support[selff] > 1'}\n", "error[unknown-name]", ":11:"),
    ("      - {id: a, title: A, when: 'cohesion > 1'}\n      - {id: a, title: A}\n", "error[duplicate-id]", ":12:"),
    ("      - {id: a, title: A, text: '{{ nation.nam }}'}\n", "error[template]", ":11:"),
])
def test_outcome_mistakes_are_named_with_their_line(outcomes: str, code: str, where: str) -> None:
    text = mini_with(f"  - id: norvia\n    name: Norvia\n    outcomes:\n{outcomes}"
                     "  - {id: kessland, name: Kessland}\n")
    with pytest.raises(ScenarioError) as got:
        load_sources({"s.yaml": text}, "s.yaml")
    lines = [str(d) for d in got.value.diagnostics]
    assert any(code in line and where in line for line in lines), lines


@pytest.mark.parametrize("name", ["northern-shield", "dry-river"])
def test_every_flagship_nation_has_its_own_outcomes(name: str) -> None:
    from exercise.resources import data_dir

    sc = load_scenario(data_dir("scenarios") / name)
    assert set(sc.outcomes) == set(sc.nations)
    for got in sc.outcomes.values():
        assert got[-1].when is None, "each nation's last outcome is its fallback"
