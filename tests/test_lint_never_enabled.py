"""`validate` warns about an option that can never be enabled in play: its `requires` holds somewhere, but never
while its decision is open (an inject that comes only later) or never within what effects can reach (a value
nothing raises). What it cannot decide (a condition on the inject's release, control's adjudications) it leaves."""

from __future__ import annotations

from exercise.engine.compile import load_sources

BASE = """\
ttx: 1
id: s
title: S
clock: {turns: 6}
nations: [{id: norvia, name: Norvia}, {id: kessland, name: Kessland}]
state:
  cohesion: {start: 60}
  support: {per: nation, start: 50}
injects:
  - id: early
    at: turn 1
    WHEN
    to: [norvia]
    text: Early.
    decision:
      deadline: 1 turn
      options:
        - {id: wait, label: Wait, effects: {"support[self]": -1, cohesion: -2}}
        - {id: follow, label: Follow the later report, requires: "released('late')"}
        - {id: bold, label: Bold, requires: "cohesion >= 80"}
        - {id: fine, label: Fine, requires: "support[self] <= 40"}
  - {id: late, at: turn 4, to: [kessland], text: Late.}
endings: [{id: e, title: E}]
"""


def warnings(text: str) -> dict[str, str]:
    sc = load_sources({"s.yaml": text}, "s.yaml")
    return {d.message.split("'")[1]: str(d) for d in sc.warnings if d.code == "never-enabled"}


def test_an_option_needing_a_later_inject_or_an_unreachable_value_is_named_with_its_line() -> None:
    got = warnings(BASE.replace("    WHEN\n", ""))
    assert set(got) == {"early/follow", "early/bold"}
    assert got["early/follow"].startswith("s.yaml:18:") and "warning[never-enabled]" in got["early/follow"]
    assert "cannot have come by then (the decision is open at turns 1 to 2" in got["early/follow"]
    assert "no effect can take there" in got["early/bold"]


def test_a_value_some_effect_raises_is_not_reported() -> None:
    text = BASE.replace("    WHEN\n", "").replace('{"support[self]": -1, cohesion: -2}', '{cohesion: +25}')
    assert "early/bold" not in warnings(text)


def test_an_inject_released_by_a_condition_is_not_judged_on_its_timing() -> None:
    got = warnings(BASE.replace("    WHEN\n", '    when: "cohesion < 70"\n'))
    assert "early/follow" not in got
