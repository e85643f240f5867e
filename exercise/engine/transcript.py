"""Transcript tests and scripted sessions: a list of steps, as control and the teams would give them.

`apply_step` is shared by `tabletop test` (the scenario's own `tests:`) and `tabletop run --script`, so a script
and a test mean exactly the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .bots import play_bots
from .compile import CompiledScenario
from .models import Step, Transcript
from .session import Refused, Session
from .state import Entry


def apply_step(session: Session, step: Step) -> list[Entry]:
    """Carry out one step; raises Refused when the engine refuses it."""
    out: list[Entry] = []
    if step.inject is not None and step.option is not None:
        if step.team is None:
            raise Refused("a decision step needs 'team'")
        out += session.decide(step.team, step.inject, step.option, step.rationale, roll=step.roll)
    elif step.message is not None:
        out += session.send(step.team or "control", step.to or ["all"], step.message)
    if step.release is not None:
        out += session.release(step.release)
    if step.adjudicate:
        for target, change in step.adjudicate.items():
            if isinstance(change, str) and change.strip().startswith("="):
                out += session.adjudicate(target, _amount(target, change.strip()[1:]), step.reason, mode="set")
            else:
                out += session.adjudicate(target, _amount(target, change), step.reason)
    if step.observe is not None or step.rating is not None:
        out += session.observe(step.observe, step.text or step.reason, step.rating, kind=step.kind)
    if step.bots:
        for batch in play_bots(session):
            out += batch
    if step.pause:
        out += session.pause(step.reason)
    if step.resume:
        out += session.resume()
    if step.retract:
        out += session.retract(step.reason)
    for _ in range(step.advance or 0):
        if session.state.ended is not None:
            break
        out += session.advance()
    if step.end and session.state.ended is None:
        out += session.end(step.reason)
    return out


def _amount(target: str, change: float | str) -> float:
    """An adjudication's number as a script writes it ('+5', '=40', 3.5): refused unless it is a finite number
    (float() also reads 'nan', 'inf' and '1e999', which no state value survives)."""
    try:
        value = float(change)
    except ValueError:
        raise Refused(f"adjudicate {target}: '{str(change).strip()[:40]}' is not a number") from None
    if not math.isfinite(value):
        raise Refused(f"adjudicate {target}: '{str(change).strip()[:40]}' is not a finite number")
    return value


@dataclass
class TranscriptResult:
    name: str
    index: int
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def check_expect(session: Session, expect: dict[str, Any]) -> list[str]:
    state = session.state
    failures = []
    for key, want in expect.items():
        if key == "ending":
            got: Any = state.ended.ending if state.ended else None
        elif key == "turn":
            got = state.turn
        elif key == "released":
            missing = [i for i in (want if isinstance(want, list) else [want]) if i not in state.released]
            if missing:
                failures.append(f"expected released: {', '.join(missing)} (released: {', '.join(state.released)})")
            continue
        else:
            try:
                got = state.value(key)
            except KeyError:
                failures.append(f"'{key}' is no state value")
                continue
            if isinstance(want, (int, float)) and abs(got - float(want)) < 1e-9:
                continue
        if got != want:
            failures.append(f"expected {key} = {want}, got {got:g}" if isinstance(got, float)
                            else f"expected {key} = {want}, got {got}")
    return failures


def run_transcript(scenario: CompiledScenario, test: Transcript, index: int = 0) -> TranscriptResult:
    result = TranscriptResult(test.name, index)
    session = Session(scenario)
    session.start(test.seed, {}, mode="headless")
    for i, step in enumerate(test.play, 1):
        try:
            apply_step(session, step)
        except Refused as exc:
            result.failures.append(f"step {i} refused: {exc}")
            return result
    result.failures += check_expect(session, test.expect)
    return result


def run_transcripts(scenario: CompiledScenario) -> list[TranscriptResult]:
    return [run_transcript(scenario, t, i) for i, t in enumerate(scenario.model.tests)]
