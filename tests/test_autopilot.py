"""The turn policy (engine/autopilot.py): bots first, then the stand-in's releases, then the clock; one command a
step; it waits for a person's fresh decision; and two consoles on one file never double a bot's move."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from harness import MINI, TUTORIAL

from exercise.engine.autopilot import fresh_for_people, next_step
from exercise.engine.bots import bots_waiting, next_bot_move
from exercise.engine.compile import CompiledScenario, load_scenario
from exercise.engine.events import (
    ClockAdvanced,
    DecisionTaken,
    InjectReleased,
    SessionEnded,
    VoteCast,
    event_to_dict,
)
from exercise.engine.session import Session
from exercise.engine.simulate import play_one
from exercise.engine.state import Entry
from exercise.live import LiveSession

MARE_SEED = 2  # the tutorial's stand-in draws its manual 'cable-cut' at turn 1 with this seed


@cache
def tutorial() -> CompiledScenario:
    return load_scenario(TUTORIAL)


def kind(entries: list[Entry]) -> str:
    """A step by the command it was: b(ot), r(elease by the stand-in), c(lock)."""
    first = entries[0].event
    if isinstance(first, (DecisionTaken, VoteCast)) and first.by == "bot":
        return "b"
    if isinstance(first, InjectReleased) and first.by == "control":
        return "r"
    if isinstance(first, (ClockAdvanced, SessionEnded)):
        return "c"
    raise AssertionError(f"a step the policy should never take: {first}")


def steps(session: Session, seen: int | None = None, limit: int = 2000) -> list[list[Entry]]:
    out = []
    for _ in range(limit):
        step = next_step(session, seen=seen)
        if not step:
            return out
        out.append(step)
    raise AssertionError("the policy never stopped")


def dicts(session: Session) -> list[dict[str, object]]:
    return [event_to_dict(e.event) for e in session.state.log]


def test_bots_move_first_then_the_stand_in_releases_then_the_clock() -> None:
    s = Session(tutorial())
    s.start(MARE_SEED, {}, mode="headless")  # every nation a bot, no facilitator
    played = steps(s)
    assert s.state.ended is not None
    pattern = "".join(kind(step) for step in played)
    # Each turn: the bots answer everything open, the stand-in releases (and the bots answer that), the clock.
    assert re.fullmatch(r"(b*(rb*)*c)+", pattern), pattern
    first_turn = pattern[:pattern.index("c") + 1]
    assert "r" in first_turn and first_turn.startswith("b")  # this seed's card comes at turn 1, after the bots


def test_each_step_is_one_command() -> None:
    """Every step is exactly what the one command it stands for stores, on the same log."""
    s = Session(tutorial())
    s.start(MARE_SEED, {}, mode="headless")
    for step in steps(s):
        before = Session(tutorial(), [e for e in s.state.log if e.seq < step[0].seq])
        k = kind(step)
        if k == "b":
            again = next_bot_move(before)
        elif k == "r":
            inject = step[0].event.inject  # type: ignore[union-attr]
            again = before.release(inject)
        else:
            again = before.advance()
        assert [event_to_dict(e.event) for e in again] == [event_to_dict(e.event) for e in step]


def test_the_same_log_gives_the_same_game_and_a_resumed_one_ends_the_same() -> None:
    whole = Session(tutorial())
    whole.start(11, {})
    steps(whole)
    again = play_one(tutorial(), 11, None)  # simulate's game is the policy's game
    assert dicts(again) == dicts(whole)
    half = Session(tutorial())
    half.start(11, {})
    for _ in range(len(whole.state.log) // 3):
        next_step(half)
    resumed = Session(tutorial(), list(half.state.log))
    steps(resumed)
    assert dicts(resumed) == dicts(whole)


def test_a_decision_the_stand_in_gives_a_person_stops_the_clock_until_they_have_seen_it() -> None:
    s = Session(tutorial())
    s.start(MARE_SEED, {"maren": "human"}, mode="solo")
    for p in s.state.pending("maren"):  # the player decides what the turn brought, then ends the turn
        s.decide("maren", p.inject, next(o for o, why in s.available("maren", p.inject).items() if why is None),
                 "we decided")
    seen = s.state.next_seq - 1
    played = steps(s, seen=seen)
    st = s.state
    assert st.turn == 1 and "cable-cut" in st.released  # released, and the clock has not moved
    assert [p.inject for p in fresh_for_people(st, seen)] == ["cable-cut"]
    assert {e.event.team for step in played for e in step if isinstance(e.event, DecisionTaken)} == \
        {"ostrand", "tarvos"}  # the bots answered the card meanwhile
    assert next_step(s, seen=seen) == []  # asked again: still waiting
    # The player has seen it (ended the turn again): the clock moves, and the card takes its default.
    seen = s.state.next_seq - 1
    moved = next_step(s, seen=seen)
    assert isinstance(moved[0].event, ClockAdvanced) and s.state.turn == 2
    lapsed = [e for e in moved if isinstance(e.event, DecisionTaken) and e.event.inject == "cable-cut"]
    assert [e.event.by for e in lapsed] == ["deadline"]


def test_an_older_open_decision_does_not_stop_the_clock() -> None:
    """What the player had in front of them when ending the turn is theirs to leave: its deadline decides."""
    s = Session(tutorial())
    s.start(5, {"maren": "human"}, mode="solo")  # seed 5: no card from the stand-in at turn 1
    open_before = {p.inject for p in s.state.pending("maren")}
    assert open_before
    seen = s.state.next_seq - 1
    pattern = ""
    while "c" not in pattern:
        step = next_step(s, seen=seen)
        assert step, f"the policy stopped before the clock: {pattern}"
        pattern += kind(step)
    assert re.fullmatch(r"b*c", pattern) and s.state.turn == 2


def test_no_stand_in_where_a_facilitator_runs_the_session() -> None:
    for mode in ("facilitated", "hotseat"):
        s = Session(tutorial())
        s.start(MARE_SEED, {}, mode=mode)
        pattern = "".join(kind(step) for step in steps(s))
        assert s.state.ended is not None
        assert "r" not in pattern and "cable-cut" not in s.state.released, mode


def test_nothing_moves_while_paused_or_after_the_end() -> None:
    s = Session(tutorial())
    s.start(MARE_SEED, {})
    s.pause("coffee")
    stored = len(s.state.log)
    assert next_step(s) == [] and len(s.state.log) == stored
    s.resume()
    s.end("time")
    assert next_step(s) == []


def test_two_consoles_on_one_file_never_double_a_bots_move(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sc = load_scenario(MINI)
    first = LiveSession.create(db, sc, seed=7, teams={"norvia": "bot:cautious", "kessland": "human"},
                               mode="facilitated")
    second = LiveSession.open(db)
    try:
        assert bots_waiting(first.state) and bots_waiting(second.state)
        made = first.execute(next_bot_move)
        assert made and isinstance(made[0].event, DecisionTaken) and made[0].event.by == "bot"
        assert bots_waiting(second.state)  # its own view is stale: it still sees the bot's decision open
        assert second.execute(next_bot_move) == []  # in the write lock it reads the latest log first
        taken = [e.event for e in second.state.log if isinstance(e.event, DecisionTaken)]
        assert [(d.team, d.inject) for d in taken] == [(made[0].event.team, made[0].event.inject)]
    finally:
        first.close()
        second.close()


def test_run_bots_plays_the_game_simulate_plays(tmp_path: Path) -> None:
    """`tabletop run --bots` and `tabletop simulate` ask the same policy: the same seed, the same game, the
    stand-in's card included."""
    from _session_log import log_without_wall
    from harness import in_process

    db = tmp_path / "b.sqlite"
    done = in_process("run", TUTORIAL, "--db", db, "--bots", "--seed", MARE_SEED)
    assert done.returncode == 0, done.stderr
    stored = [{k: v for k, v in e.items() if k != "seq"} for e in log_without_wall(db)]
    game = [event_to_dict(e.event) for e in play_one(tutorial(), MARE_SEED, None).state.log]
    assert any(e["type"] == "InjectReleased" and e["inject"] == "cable-cut" for e in stored)
    assert stored == game
