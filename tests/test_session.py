"""The event-sourced session: commands answer with events or a refusal, and state is their fold."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine.compile import load_scenario
from exercise.engine.events import (
    DecisionTaken,
    EventRetracted,
    InjectReleased,
    OutcomeRolled,
    SessionEnded,
    VoteCast,
    event_from_dict,
    event_to_dict,
)
from exercise.engine.session import Refused, Session, draw
from exercise.engine.state import State
from exercise.engine.typed import MAX_BODY, MAX_NAME, MAX_REASON

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(MINI)


def started(scenario, **teams: str) -> Session:  # type: ignore[no-untyped-def]
    s = Session(scenario)
    s.start(7, teams or {"norvia": "human", "kessland": "human"})
    return s


def test_start_releases_turn_one_injects(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    assert s.state.turn == 1
    assert list(s.state.released) == ["grid-down"]
    assert isinstance(s.state.log[1].event, InjectReleased) and s.state.log[1].event.cause == 1


def test_decision_applies_effects_and_rolls_once(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    out = s.decide("norvia", "grid-down", "share", "partners need it", roll=0.9)
    assert [type(e.event) for e in out] == [DecisionTaken, OutcomeRolled]
    assert out[1].event.outcome == 1 and out[1].event.cause == out[0].seq
    assert s.state.value("cohesion") == 65
    assert s.state.value("trust[kessland][norvia]") == 55
    assert s.state.value("support[norvia]") == 47  # the leak branch
    with pytest.raises(Refused, match="already decided"):
        s.decide("norvia", "grid-down", "wait", "changed my mind")


def test_refusals_change_nothing(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    before = (len(s.state.log), list(s.state.vals))
    for bad in (
        lambda: s.decide("norvia", "grid-down", "share", "   "),  # no rationale
        lambda: s.decide("norvia", "grid-down", "nope", "x"),  # no such option
        lambda: s.decide("kessland", "grid-down", "share", "x"),  # not addressed to Kessland
        lambda: s.decide("norvia", "summit", "act", "x"),  # not released
        lambda: s.adjudicate("cohesion", 5, ""),  # no reason
        lambda: s.adjudicate("nonsense", 5, "why"),
        lambda: s.send("norvia", ["atlantis"], "hi"),
        lambda: s.resume(),  # not paused
    ):
        with pytest.raises(Refused):
            bad()
    assert (len(s.state.log), list(s.state.vals)) == before


def test_unavailable_option_gives_its_reason(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.adjudicate("trust[norvia][kessland]", 10, "a scandal", mode="set")
    assert s.available("norvia", "grid-down") == {"share": "Trust too low.", "wait": None}
    with pytest.raises(Refused, match="Trust too low"):
        s.decide("norvia", "grid-down", "share", "we must")


def test_deadline_takes_the_default(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    out = s.advance()
    taken = [e.event for e in out if isinstance(e.event, DecisionTaken)]
    assert taken and taken[0].option == "wait" and taken[0].by == "deadline"
    assert s.state.value("cohesion") == 57


def test_organisation_decides_by_consensus(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.decide("norvia", "grid-down", "share", "ok", roll=0.1)
    s.advance()
    assert "summit" in s.state.released
    s.decide("norvia", "summit", "act", "together")
    out = s.decide("kessland", "summit", "stall", "not now")
    assert isinstance(out[0].event, VoteCast)
    resolved = out[-1].event
    assert isinstance(resolved, DecisionTaken) and resolved.team == "nac" and resolved.option == "stall"
    assert "consensus" in resolved.rationale


def test_pause_blocks_play_but_not_talk(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.pause("coffee")
    with pytest.raises(Refused, match="paused"):
        s.advance()
    s.send("norvia", ["kessland"], "still there?")
    turn = s.state.turn
    s.resume()
    assert s.state.turn == turn  # pausing shifts nothing
    s.advance()
    assert s.state.turn == turn + 1


def test_retraction_undoes_an_act_and_its_consequences(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    before = list(s.state.vals)
    s.decide("norvia", "grid-down", "share", "go", roll=0.9)
    s.retract("wrong team pressed the key")
    assert s.state.vals == before and ("grid-down", "norvia") not in s.state.chosen
    assert isinstance(s.state.log[-1].event, EventRetracted)
    s.decide("norvia", "grid-down", "wait", "on reflection")  # may decide again
    assert s.state.value("cohesion") == 57


def test_retracting_an_advance_takes_back_its_releases(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.decide("norvia", "grid-down", "wait", "x")
    s.advance()
    assert s.state.turn == 2 and "summit" in s.state.released
    s.retract("too early")
    assert s.state.turn == 1 and "summit" not in s.state.released


def test_written_inject_can_ask_a_decision(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.write_inject("spot-1", ["kessland"], "A journalist calls.", title="Press call",
                   options=[{"id": "talk", "label": "Talk"}, {"id": "decline", "label": "Decline"}])
    assert "spot-1" in s.state.inbox("kessland")
    assert [p.inject for p in s.state.pending("kessland")] == ["spot-1"]
    s.decide("kessland", "spot-1", "talk", "transparency")
    assert s.state.chosen[("spot-1", "kessland")] == "talk"


def test_when_condition_releases_at_a_turn_boundary(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.adjudicate("cohesion", 40, "a crisis", mode="set")
    assert "crisis" not in s.state.released
    s.advance()
    assert "crisis" in s.state.released


def test_last_turn_ends_with_the_first_ending_that_holds(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    for _ in range(scenario.turns):
        s.advance()
    assert isinstance(s.state.log[-1].event, SessionEnded)
    assert s.state.ended is not None and s.state.ended.ending == "frays"
    with pytest.raises(Refused, match="ended"):
        s.advance()
    s.observe("O1", "Sharing was slow", "M")  # the hot wash still works after the end


def test_replay_gives_the_same_state(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.decide("norvia", "grid-down", "share", "go")
    s.advance()
    s.send("kessland", ["nac"], "meet?")
    s.retract("oops")
    entries = [type(e)(e.seq, event_from_dict(event_to_dict(e.event)), e.at) for e in s.state.log]
    again = State.fold(scenario, entries)
    assert again.vals == s.state.vals and again.released == s.state.released and again.turn == s.state.turn
    assert again.words == s.state.words


# Each command that takes text from a person, with the limit on that text.
TYPED = [
    ("the message", MAX_BODY, lambda s, t: s.send("norvia", ["kessland"], t)),
    ("the rationale", MAX_BODY, lambda s, t: s.decide("norvia", "grid-down", "wait", t)),
    ("the observation", MAX_BODY, lambda s, t: s.observe("O1", t, "S")),
    ("the inject's text", MAX_BODY, lambda s, t: s.write_inject("w1", ["norvia"], t)),
    ("the inject's title", MAX_NAME, lambda s, t: s.write_inject("w1", ["norvia"], "text", title=t)),
    ("the inject's sender", MAX_NAME, lambda s, t: s.write_inject("w1", ["norvia"], "text", sender=t)),
    ("an option's label", MAX_NAME,
     lambda s, t: s.write_inject("w1", ["norvia"], "text", options=[{"id": "y", "label": t}])),
    ("the reason", MAX_REASON, lambda s, t: s.adjudicate("cohesion", 1, t)),
    ("the reason", MAX_REASON, lambda s, t: s.pause(t)),
    ("the reason", MAX_REASON, lambda s, t: s.end(t)),
    ("the reason", MAX_REASON, lambda s, t: (s.send("norvia", ["kessland"], "hi"), s.retract(t))),
]


@pytest.mark.parametrize(("what", "limit", "command"), TYPED,
                         ids=[f"{i}-{w}" for i, (w, _, _) in enumerate(TYPED)])
def test_text_typed_by_people_is_bounded(scenario, what, limit, command) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    command(s, "x" * limit)  # at the limit: taken
    s = started(scenario)
    before = len(s.state.log)
    with pytest.raises(Refused, match=rf"{what} is {limit + 1:,} characters long; the limit is {limit:,}"):
        command(s, "x" * (limit + 1))
    assert len(s.state.log) <= before + 1  # nothing of it stored (a retraction's message before it may be)
    assert all("x" * (limit + 1) not in str(e.event) for e in s.state.log)


def test_a_pasted_megabyte_is_refused_not_logged(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    before = len(s.state.log)
    with pytest.raises(Refused, match="send it in parts"):
        s.send("norvia", ["kessland"], "spam " * 200_000)
    assert len(s.state.log) == before


def test_people_text_is_never_a_template(scenario) -> None:  # type: ignore[no-untyped-def]
    s = started(scenario)
    s.write_inject("w1", ["norvia"], "{{ 7*7 }} {% for x in y %}", title="{{ nation.name }}")
    s.decide("norvia", "grid-down", "wait", "{{ 7*7 }}")
    released = next(e.event for e in s.state.log if isinstance(e.event, InjectReleased) and e.event.inject == "w1")
    assert released.words is not None
    said = released.words["control"]
    assert (said.title, said.text) == ("{{ nation.name }}", "{{ 7*7 }} {% for x in y %}")
    decided = s.state.log[-1].event
    assert isinstance(decided, DecisionTaken) and decided.rationale == "{{ 7*7 }}"


def test_draws_depend_only_on_seed_and_position() -> None:
    assert draw(1, 5) == draw(1, 5)
    assert draw(1, 5) != draw(1, 6) and draw(1, 5) != draw(2, 5)
    assert all(0 <= draw(3, i) < 1 for i in range(1000))


@pytest.mark.parametrize("change", [float("inf"), float("-inf"), float("nan")])
def test_an_adjudication_that_is_not_finite_is_refused(change: float) -> None:
    session = Session(load_scenario(MINI))
    session.start(1, {})
    before = session.state.next_seq
    with pytest.raises(Refused, match="not a finite number"):
        session.adjudicate("cohesion", change, "typed 1e999")
    assert session.state.next_seq == before
