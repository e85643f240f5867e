"""Build a session file from a script, step by step: what `tabletop run --script` does, for tests and benchmarks.

A script is YAML: `seed`, optional `teams` (nation -> 'human' or 'bot:<profile>'), and `steps`, each a
transcript step (`exercise.engine.models.Step`). Every step is one command in the store's write lock,
through the same `apply_step` the transcript tests use, so a report built from this file reads exactly
what a report of the same script run by `tabletop run` would read (apart from wall times).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..engine.commands import ScriptStep
from ..engine.compile import CompiledScenario, load_scenario
from ..engine.models import Step
from ..live import LiveSession


def stepping_clock(start: datetime | None = None, step_seconds: float = 90.0) -> Callable[[], datetime]:
    """A fake wall clock that moves on by `step_seconds` each time it is read: stable, plausible wall times."""
    moment = [start or datetime(2025, 3, 4, 9, 0, tzinfo=UTC)]

    def clock() -> datetime:
        now = moment[0]
        moment[0] = now + timedelta(seconds=step_seconds)
        return now

    return clock


_SHAPE = "a script is a mapping with an integer 'seed', optional 'teams' and a list of 'steps'"


def load_script(path: str | Path) -> dict[str, object]:
    """A script file read as `tabletop run --script` reads one: through the bounded YAML reader (a regular file of
    limited size, aliases counted, no tags, no duplicate keys); ScenarioError names its problem's file:line:col."""
    from ..engine.yamlsafe import load_path

    data, _positions = load_path(path, str(path))
    if not isinstance(data, dict) or not isinstance(data.get("steps", []), list):
        raise ValueError(f"{path}: {_SHAPE}")
    return data


def run_script(scenario: CompiledScenario | str | Path, db: str | Path, script: Mapping[str, object] | str | Path,
               *, clock: Callable[[], datetime] | None = None, mode: str = "facilitated") -> LiveSession:
    """Create `db` and play `script` into it; returns the open LiveSession (close it when done)."""
    sc = scenario if isinstance(scenario, CompiledScenario) else load_scenario(scenario)
    data = script if isinstance(script, Mapping) else load_script(script)
    teams, seed, steps = data.get("teams") or {}, data.get("seed", 1), data.get("steps") or []
    if not isinstance(teams, dict) or not isinstance(seed, int) or not isinstance(steps, list):
        raise ValueError(_SHAPE)
    live = LiveSession.create(db, sc, seed=seed, teams={str(k): str(v) for k, v in teams.items()}, mode=mode,
                              clock=clock)
    for raw in steps:
        live.execute(ScriptStep(Step.model_validate(raw)))
    return live
