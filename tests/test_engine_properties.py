"""Properties that hold for any sequence of commands: the engine never crashes, never leaves its bounds,
and replaying its log gives the same state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.engine.compile import CompiledScenario, load_scenario
from exercise.engine.events import event_from_dict, event_to_dict
from exercise.engine.session import Refused, Session
from exercise.engine.state import Entry, State
from exercise.resources import data_dir

SCENARIOS = [Path(__file__).parent / "fixtures" / "mini.yaml", data_dir("scenarios") / "tutorial" / "scenario.yaml"]
_cache: dict[Path, CompiledScenario] = {}


def scenario(i: int) -> CompiledScenario:
    path = SCENARIOS[i % len(SCENARIOS)]
    if path not in _cache:
        _cache[path] = load_scenario(path)
    return _cache[path]


# A command is a tuple of small choices, interpreted against whatever scenario and state there is, so
# the generator stays valid for any scenario while still reaching odd corners (wrong teams, ended sessions).
command = st.tuples(
    st.sampled_from(["decide", "advance", "release", "delay", "adjudicate", "send", "pause", "resume", "retract",
                     "end", "observe", "write", "bots"]),
    st.integers(0, 50), st.integers(0, 50), st.floats(-150, 150, allow_nan=False), st.text(max_size=20),
)


def run(session: Session, cmd: tuple[str, int, int, float, str]) -> None:
    kind, a, b, x, text = cmd
    sc, state = session.scenario, session.state
    nations = list(sc.nations)
    injects = list(sc.injects)
    keys = sc.layout.keys
    try:
        if kind == "decide":
            inject = (list(state.released) or injects)[a % max(1, len(state.released) or len(injects))]
            options = list(sc.injects[inject].options) if inject in sc.injects else ["x"]
            session.decide(nations[b % len(nations)], inject, (options or ["x"])[a % max(1, len(options))],
                           text or "because", roll=(abs(x) % 100) / 100)
        elif kind == "advance":
            session.advance()
        elif kind == "release":
            session.release(injects[a % len(injects)])
        elif kind == "delay":
            session.delay(injects[a % len(injects)], 1 + b % 3)
        elif kind == "adjudicate":
            session.adjudicate(keys[a % len(keys)], x, text or "why", mode="set" if b % 5 == 0 else "add")
        elif kind == "send":
            session.send(nations[a % len(nations)], [nations[b % len(nations)]], text or "hi")
        elif kind == "pause":
            session.pause(text)
        elif kind == "resume":
            session.resume()
        elif kind == "retract":
            session.retract(text or "undo")
        elif kind == "end":
            session.end(text or "stop")
        elif kind == "observe":
            session.observe(None, text or "note", ["P", "S", "M", "U", None][a % 5])  # type: ignore[arg-type]
        elif kind == "write":
            session.write_inject(f"w{a}", [nations[b % len(nations)]], text or "text",
                                 options=[{"id": "y", "label": "Yes"}] if a % 2 else None)
        elif kind == "bots":
            from exercise.engine.bots import play_bots

            play_bots(session)
    except Refused:
        pass


def check_bounds(state: State) -> None:
    sc = state.scenario
    for i, v in enumerate(state.vals):
        assert sc.mins[i] <= v <= sc.maxs[i], (sc.layout.keys[i], v)
        if sc.ints[i]:
            assert v == int(v)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 1), seed=st.integers(0, 10_000), commands=st.lists(command, max_size=40))
def test_random_commands_never_crash_and_stay_in_bounds(which: int, seed: int, commands: list[Any]) -> None:
    session = Session(scenario(which))
    session.start(seed, {})
    for cmd in commands:
        run(session, cmd)
        check_bounds(session.state)
    # Replay through the wire format: the same events always give the same state.
    entries = [Entry(e.seq, event_from_dict(event_to_dict(e.event)), e.at) for e in session.state.log]
    again = State.fold(session.scenario, entries)
    s = session.state
    assert (again.vals, again.turn, again.released, again.chosen, again.paused) == \
        (s.vals, s.turn, s.released, s.chosen, s.paused)
    assert (again.ended is None) == (s.ended is None)
    # The words each reader was shown come back from the log, not from rendering again.
    assert (again.words, again.ending_text) == (s.words, s.ending_text)
    assert set(again.words) == set(again.released)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_same_seed_same_game(seed: int) -> None:
    from exercise.engine.simulate import play_one

    sc = scenario(1)
    a, b = play_one(sc, seed, None), play_one(sc, seed, None)
    assert [event_to_dict(e.event) for e in a.state.log] == [event_to_dict(e.event) for e in b.state.log]


def test_resumed_session_draws_like_an_uninterrupted_one() -> None:
    """Stop a bot game half-way, rebuild the session from its log, finish: the same events as one run."""
    from exercise.engine.bots import play_bots

    sc = scenario(1)

    def finish(s: Session) -> None:
        while s.state.ended is None:
            play_bots(s)
            s.advance()

    whole = Session(sc)
    whole.start(42, {})
    finish(whole)
    half = Session(sc)
    half.start(42, {})
    for _ in range(3):
        play_bots(half)
        half.advance()
    resumed = Session(sc, list(half.state.log))
    finish(resumed)
    assert [event_to_dict(e.event) for e in resumed.state.log] == [event_to_dict(e.event) for e in whole.state.log]
