"""Scripts for `tabletop run --script`, and how far a killed script got (see run.py)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from exercise.cli._app import display, fail, print_diagnostics
from exercise.engine.models import Step
from exercise.engine.text import one_line
from exercise.engine.typed import SEED_LIMIT

if TYPE_CHECKING:
    from exercise.engine.diagnostics import Diagnostic
    from exercise.live import LiveSession


class Script(BaseModel):
    """A `tabletop run --script` file: facilitator and team commands, one step at a time."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    title: str = ""
    description: str = ""
    seed: Annotated[int, Field(ge=-SEED_LIMIT, lt=SEED_LIMIT)] | None = Field(
        None, description="the session's seed (--seed overrides it)")
    teams: dict[str, str] = Field(default_factory=dict, description="nation -> 'human' or 'bot:<profile>'; "
                                  "nations not named are played by their scenario bot")
    steps: list[Step] = Field(default_factory=list)


def load_script(path: Path) -> tuple[Script, Any]:
    """The script and the positions of its values; when it is malformed, its problems (file:line:col) on
    stderr and CliError ('the script does not load')."""
    from exercise.engine.diagnostics import ScenarioError

    try:
        return _load_script(path)
    except ScenarioError as exc:
        print_diagnostics(exc.diagnostics)
        n = len(exc.diagnostics)
        fail(f"the script {display(path)} does not load ({n} problem{'s' if n != 1 else ''})")


def _load_script(path: Path) -> tuple[Script, Any]:
    from exercise.engine.diagnostics import Mark, ScenarioError
    from exercise.engine.validate import validate_bounded
    from exercise.engine.yamlsafe import load_path

    shown = display(path)
    # The same bounded read as a scenario's: a regular file of at most MAX_BYTES (never a FIFO or a device),
    # parsed from events with its aliases counted, validated piece by piece; a plain script of 20,000 steps is
    # fine.
    data, positions = load_path(path, shown)
    if not isinstance(data, dict):
        raise ScenarioError([Mark(shown, 1, 1).diag("type", "a script is a mapping with 'steps:' (and optional "
                                                            "'seed:', 'teams:')")])
    script, problems = validate_bounded(Script, data, positions)
    if script is None:
        raise ScenarioError(problems)
    problems = _adjudications(script, positions)
    if problems:
        raise ScenarioError(problems)
    return script, positions


def _adjudications(script: Script, positions: Any) -> list[Diagnostic]:
    """Each `adjudicate:` change is a finite number ('+5', '=40', -2.5), checked before anything runs: float()
    also reads 'nan', 'inf' and '1e999', which would otherwise reach the session's state."""
    out = []
    for k, step in enumerate(script.steps):
        for target, change in (step.adjudicate or {}).items():
            text = change.strip().removeprefix("=") if isinstance(change, str) else change
            try:
                ok = math.isfinite(float(text))
            except ValueError:
                ok = False
            if not ok:
                shown = one_line(str(change))[:40]
                out.append(positions.at(("steps", k, "adjudicate", target)).diag(
                    "not-finite" if isinstance(change, str) and _is_float(text) else "value",
                    f"adjudicate {one_line(target)[:40]}: '{shown}' is not a finite number ('+5', '-2.5' or '=40')"))
    return out


def _is_float(text: object) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


# -- the script: how far did an earlier run get? ---------------------------------------------------

class ScriptMismatch(Exception):
    pass


def steps_done(live: LiveSession, steps: list[Step]) -> int:
    """How many of `steps` the stored log already holds, found by replaying the script in memory."""
    from exercise.engine.events import SessionStarted, event_to_dict
    from exercise.engine.session import Refused, Session
    from exercise.engine.transcript import apply_step

    stored = live.state.log
    first = stored[0].event
    if not isinstance(first, SessionStarted):
        raise ScriptMismatch("the log does not begin with SessionStarted")
    mem = Session(live.scenario)
    mem.start(first.seed, dict(first.teams), mode=first.mode, facilitator=first.facilitator,
              players=dict(first.players))

    checked = 0

    def check() -> None:
        nonlocal checked
        log = mem.state.log
        if len(log) > len(stored):
            raise ScriptMismatch(f"the log ends at seq {len(stored)}, inside a step of this script")
        for mine, theirs in zip(log[checked:], stored[checked:], strict=False):
            if event_to_dict(mine.event) != event_to_dict(theirs.event):
                raise ScriptMismatch(f"seq {theirs.seq} is a {theirs.event.type} this script does not produce")
        checked = len(log)

    check()
    for k, step in enumerate(steps):
        if len(mem.state.log) == len(stored):
            # The log ends here. A step that emits nothing (bots with nothing to do) is done either way:
            # step over it, so the next run starts at the first step that would store something.
            try:
                if apply_step(mem, step):
                    return k
            except Refused:
                return k  # refused live too: the run reports it with the step's line
            continue
        try:
            apply_step(mem, step)
        except Refused as exc:
            raise ScriptMismatch(f"step {k + 1} is refused on replay ({exc})") from None
        check()
    if len(mem.state.log) != len(stored):
        raise ScriptMismatch(f"the log holds {len(stored) - len(mem.state.log)} event(s) after the script's last step")
    return len(steps)
