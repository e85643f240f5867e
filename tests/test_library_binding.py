"""Inject libraries bound to nations: parameters, prefixes, objectives and `self`."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine.compile import load_scenario
from exercise.engine.diagnostics import ScenarioError
from exercise.engine.session import Session

HEAD = """\
ttx: 1
id: binding
title: Binding
objectives:
  - {id: O1, text: Tell, capability: Intelligence and information sharing}
clock: {turns: 3}
nations:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
organisations:
  - {id: council, name: Council, members: [alpha, beta]}
state:
  support: {per: nation, start: 50}
endings:
  - {id: end, title: End}
"""


def scenario(tmp_path: Path, body: str) -> Path:
    lib = Path(__file__).parent / "fixtures" / "libs" / "echo.yaml"
    (tmp_path / "echo.yaml").write_text(lib.read_text())
    p = tmp_path / "scenario.yaml"
    p.write_text(HEAD + body)
    return p


TWICE = """\
include:
  - {path: echo.yaml, with: {target: alpha}, prefix: a-, objective: O1}
  - {path: echo.yaml, with: {target: beta}, prefix: b-}
"""


def test_one_library_twice_with_its_own_references(tmp_path: Path) -> None:
    sc = load_scenario(scenario(tmp_path, TWICE))
    assert list(sc.injects) == ["a-hit", "a-echo", "b-hit", "b-echo"]
    assert sc.injects["a-hit"].nations == ("alpha",) and sc.injects["b-hit"].nations == ("beta",)
    assert sc.injects["a-hit"].objectives == ("O1",) and sc.injects["b-hit"].objectives == ()
    s = Session(sc)
    s.start(1, {"alpha": "human", "beta": "human"})
    # `self` in a single recipient's release effect is that recipient.
    assert s.state.value("support[alpha]") == 47 and s.state.value("support[beta]") == 47
    s.decide("beta", "b-hit", "tell", "openness")
    s.advance()
    # b-echo asks whether *beta* told (its own prefixed inject), not a-hit.
    assert "b-echo" in s.state.released and "a-echo" not in s.state.released


def test_self_in_an_organisation_decision_is_a_load_error(tmp_path: Path) -> None:
    body = """\
injects:
  - id: vote
    at: turn 1
    to: [council]
    text: Vote.
    decision:
      options:
        - {id: act, label: Act, effects: {"support[self]": -3}}
        - {id: wait, label: Wait}
"""
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario(tmp_path, body))
    (d,) = err.value.diagnostics
    assert "organisation decides this inject" in d.message and d.line == 23


def test_self_in_a_release_effect_to_many_is_a_load_error(tmp_path: Path) -> None:
    body = """\
injects:
  - id: news
    at: turn 1
    to: all
    text: News.
    effects: {"support[self]": -3}
"""
    with pytest.raises(ScenarioError, match="exactly one nation"):
        load_scenario(scenario(tmp_path, body))
