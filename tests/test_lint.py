"""Each author's lint fires on a small scenario that has the problem, and stays quiet on a clean one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from exercise.engine.compile import load_scenario

BASE = """\
ttx: 1
id: lint-case
title: Lint case
objectives:
  - {id: O1, text: Share, capability: Intelligence and information sharing}
clock: {turns: 3}
nations:
  - {id: alpha, name: Alpha}
  - {id: beta, name: Beta}
state:
  cohesion: {start: 60}
  support: {per: nation, start: 50}
injects:
  - id: first
    at: turn 1
    to: [alpha]
    objective: O1
    text: Something happens.
    decision:
      options:
        - {id: act, label: Act, effects: {cohesion: +5, "support[self]": +2}}
        - {id: wait, label: Wait, effects: {cohesion: -5}}
      default: wait
endings:
  - {id: good, title: Good, when: "cohesion >= 60 and mean(support) > 40"}
  - {id: bad, title: Bad}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "scenario.yaml"
    p.write_text(text)
    return p


def codes(path: Path) -> set[str]:
    return {w.code for w in load_scenario(path).warnings}


def test_clean_scenario_has_no_warnings(tmp_path: Path) -> None:
    assert codes(write(tmp_path, BASE)) == set()


def test_option_no_state_allows(tmp_path: Path) -> None:
    text = BASE.replace("{id: act, label: Act,", '{id: act, label: Act, requires: "cohesion > 100",')
    warnings = load_scenario(write(tmp_path, text)).warnings
    hit = [w for w in warnings if w.code == "never-available"]
    assert len(hit) == 1 and "first/act" in hit[0].message
    assert hit[0].line == 21  # the line of the option that carries the impossible `requires`


def test_inject_whose_condition_never_holds(tmp_path: Path) -> None:
    text = BASE.replace("endings:", """  - id: never
    when: "cohesion < 0"
    to: all
    objective: O1
    text: Never.
endings:""")
    assert "never-released" in codes(write(tmp_path, text))


def test_variable_written_never_read(tmp_path: Path) -> None:
    text = BASE.replace('"cohesion >= 60 and mean(support) > 40"', '"cohesion >= 60"')
    warnings = load_scenario(write(tmp_path, text)).warnings
    assert [w.code for w in warnings] == ["unread-variable"]
    assert warnings[0].line == 12 and "support" in warnings[0].message


def test_variable_never_used(tmp_path: Path) -> None:
    text = BASE.replace("  support: {per: nation, start: 50}\n",
                        "  support: {per: nation, start: 50}\n  spare: {start: 1}\n")
    assert "unused-variable" in codes(write(tmp_path, text))


def test_objective_no_inject_tests(tmp_path: Path) -> None:
    extra = "  - {id: O2, text: Talk, capability: Operational coordination}\n"
    text = BASE.replace("objectives:\n", "objectives:\n" + extra)
    warnings = load_scenario(write(tmp_path, text)).warnings
    assert [(w.code, w.line) for w in warnings] == [("untested-objective", 5)]


def test_ending_never_reachable(tmp_path: Path) -> None:
    text = BASE.replace('when: "cohesion >= 60 and mean(support) > 40"',
                        'when: "cohesion >= 60 and cohesion < 10 and mean(support) > 40"')
    assert "unreachable-ending" in codes(write(tmp_path, text))


@pytest.mark.parametrize("strict, exit_code", [(False, 0), (True, 1)])
def test_validate_strict_turns_warnings_into_errors(tmp_path: Path, strict: bool, exit_code: int) -> None:
    path = write(tmp_path, BASE.replace('"cohesion >= 60 and mean(support) > 40"', '"cohesion >= 60"'))
    args = [sys.executable, "-m", "exercise.cli", "validate", str(path)] + (["--strict"] if strict else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == exit_code, done.stdout + done.stderr
    out = done.stdout + done.stderr
    assert f"{path}:12:3: warning[unread-variable]" in out
    assert "Traceback" not in out
