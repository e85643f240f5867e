"""The engine's words for state values, changes, who decided and how a vote went (`engine/words.py`): the one
place the screens, the narration and the report take them from."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import views, words
from exercise.engine.compile import CompiledScenario, load_scenario
from exercise.engine.events import DecisionTaken
from exercise.engine.models import Organisation
from exercise.engine.session import Session
from exercise.engine.text import without_isolates
from exercise.engine.votes import tally

SCENARIO = """\
ttx: 1
id: words
title: Words
clock: {start: "D+0 06:00", step: 6h, turns: 4}
nations:
  - {id: norvald, name: Kingdom of Norvald, short: Norvald}
  - {id: estrava, name: Republic of Estrava, short: Estrava}
  - {id: vittmark, name: Vittmark}
organisations:
  - {id: compact, name: Northern Compact, members: [norvald, estrava, vittmark], decides: majority}
  - {id: council, name: Treaty Council, members: [norvald, estrava, vittmark], decides: consensus}
state:
  cohesion: {start: 60, label: Alliance cohesion}
  water_stress: {start: 50, good: low}
  support: {per: nation, start: 55, label: Public support at home}
  tension: {per: nation, start: 10, good: low}
  trust: {per: pair, start: 50, label: Trust}
  rivalry: {per: pair, start: 20}
injects:
  - id: share
    at: turn 1
    to: [compact]
    text: The Compact decides what to share.
    decision:
      options:
        - {id: sanitised, label: Share a sanitised summary}
        - {id: members-only, label: Share with members only}
        - {id: nothing, label: Share nothing}
      default: nothing
  - id: act
    at: turn 1
    to: [council]
    text: The Council decides whether to act.
    decision:
      options:
        - {id: act, label: Act together}
        - {id: statement, label: Issue a statement}
      default: statement
  - id: each
    at: turn 1
    to: [norvald, estrava, vittmark]
    text: Each nation decides for itself.
    decision:
      options:
        - {id: go, label: Go ahead}
        - {id: hold, label: Hold back}
      default: hold
  - id: open
    at: turn 1
    to: [estrava]
    text: A choice with no default.
    decision:
      options: [{id: yes, label: Say yes}, {id: no, label: Say no}]
endings:
  - {id: end, title: The end}
"""


@pytest.fixture(scope="module")
def sc(tmp_path_factory: pytest.TempPathFactory) -> CompiledScenario:
    path = Path(tmp_path_factory.mktemp("words")) / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_scenario(path)


def session(sc: CompiledScenario, **teams: str) -> Session:
    s = Session(sc)
    s.start(7, {"norvald": "human", "estrava": "human", "vittmark": "human", **teams})
    return s


def said(text: str) -> str:
    return without_isolates(text)


# -- state values and changes ------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "expected"), [
    ("cohesion", "Alliance cohesion"),  # global, labelled
    ("water_stress", "Water stress"),  # global, its id made readable
    ("support[norvald]", "Public support at home, Norvald"),  # per nation: the short name
    ("support[vittmark]", "Public support at home, Vittmark"),  # a nation with no short name: its name
    ("tension[estrava]", "Tension, Estrava"),
    ("trust[norvald][estrava]", "Trust, Norvald → Estrava"),  # a pair: how far the first trusts the second
    ("rivalry[estrava][vittmark]", "Rivalry, Estrava → Vittmark"),
    ("support", "Public support at home"),  # a variable alone, as a column heads it
])
def test_a_state_value_in_words(sc: CompiledScenario, key: str, expected: str) -> None:
    assert words.variable(sc, key) == expected


def test_a_value_the_scenario_lacks_is_shown_as_it_is(sc: CompiledScenario) -> None:
    assert words.variable(sc, "morale[norvald]") == "morale[norvald]"


def test_a_change_says_its_sign_and_whether_it_is_better(sc: CompiledScenario) -> None:
    assert words.signed(8) == "+8" and words.signed(-3) == "−3" and words.signed(0) == "±0"
    assert words.signed(2.5) == "+2.5"
    assert words.change(sc, "support[norvald]", -6) == "Public support at home, Norvald −6 (worse)"
    assert words.change(sc, "water_stress", -4) == "Water stress −4 (better)"  # good: low
    assert words.change(sc, "tension[estrava]", 2) == "Tension, Estrava +2 (worse)"
    assert words.change(sc, "trust[norvald][estrava]", 5) == "Trust, Norvald → Estrava +5 (better)"
    # Largest first, separated by semicolons: the value's own words hold a comma.
    assert words.changes(sc, {"cohesion": 2, "support[estrava]": -5, "water_stress": 0}) == \
        "Public support at home, Estrava −5 (worse); Alliance cohesion +2 (better)"
    assert words.changes(sc, {}) == "no change"
    assert "+" in words.CHANGE_LEGEND and "−" in words.CHANGE_LEGEND and "lower is better" in words.CHANGE_LEGEND


def test_right_to_left_names_are_isolated_where_they_are_put_in(tmp_path: Path) -> None:
    path = tmp_path / "rtl.yaml"
    path.write_text(SCENARIO.replace("short: Norvald", "short: נורבלד"), encoding="utf-8")
    sc = load_scenario(path)
    assert words.variable(sc, "support[norvald]") == "Public support at home, \u2068נורבלד\u2069"


def test_who_plays_a_nation() -> None:
    assert words.player("human") == "people"
    assert words.player("bot:cautious") == "bot (cautious)"


# -- who decided -------------------------------------------------------------------------------------------

def decided(s: Session, inject: str, team: str) -> words.Decision:
    found = words.decision_of(s.state, inject, team)
    assert found is not None
    return found


def test_a_team_decision_is_its_label_and_the_team_by_name(sc: CompiledScenario) -> None:
    s = session(sc)
    s.decide("norvald", "each", "go", "now")
    d = decided(s, "each", "norvald")
    assert (d.label, d.how, d.line, d.by, d.default) == ("Go ahead", "", "Go ahead", "Kingdom of Norvald", False)
    assert words.decision_of(s.state, "each", "estrava") is None  # still open


def test_a_bot_decision_says_bot_and_its_profile(sc: CompiledScenario) -> None:
    s = session(sc, vittmark="bot:cautious")
    s.decide("vittmark", "each", "hold", "cautious bot: Hold back", by="bot")
    d = decided(s, "each", "vittmark")
    assert (d.how, d.line, d.by) == ("bot (cautious)", "Hold back (bot, cautious)", "Vittmark (bot, cautious)")


def test_a_deadline_default_is_never_said_to_be_chosen(sc: CompiledScenario) -> None:
    s = session(sc)
    s.advance()
    d = decided(s, "each", "norvald")
    assert (d.how, d.line, d.by, d.default) == (
        "deadline default", "deadline passed, default taken: Hold back", "deadline default", True)
    none = decided(s, "open", "estrava")
    assert (none.label, none.line, none.by) == (
        "no decision", "no decision (deadline passed)", "no decision (deadline passed)")


def vote_all(s: Session, inject: str, *options: str | None) -> None:
    for nation, option in zip(("norvald", "estrava", "vittmark"), options, strict=True):
        if option is not None:
            s.decide(nation, inject, option, "because")


@pytest.mark.parametrize(("votes", "result", "line", "by"), [
    (("sanitised", "sanitised", "members-only"),
     "majority of 3 members: Share a sanitised summary carried 2-1",
     "Share a sanitised summary (carried 2-1 by a majority of 3 members)", "Northern Compact by vote: 2 of 3 for it"),
    (("sanitised", "sanitised", "sanitised"),
     "majority of 3 members: Share a sanitised summary carried 3-0",
     "Share a sanitised summary (carried 3-0 by a majority of 3 members)", "Northern Compact by vote: 3 of 3 for it"),
    (("sanitised", "members-only", "nothing"),  # a three-way tie carries nothing
     "no majority of 3 members (1 for Share a sanitised summary, 1 for Share with members only, "
     "1 for Share nothing), default taken: Share nothing", None, "Northern Compact: no majority, default taken"),
    (("sanitised", "sanitised", None),  # an abstention: 2 of 3 is still more than half of all members
     "majority of 3 members: Share a sanitised summary carried 2-0 (1 did not vote)",
     "Share a sanitised summary (carried 2-0 by a majority of 3 members; 1 did not vote)",
     "Northern Compact by vote: 2 of 3 for it"),
    (("members-only", None, None),  # one vote of three is no majority
     "no majority of 3 members (1 for Share with members only, 2 did not vote), default taken: Share nothing",
     None, "Northern Compact: no majority, default taken"),
    ((None, None, None),
     "no majority of 3 members (no votes cast), default taken: Share nothing",
     None, "Northern Compact: no majority, default taken"),
])
def test_a_majority_vote_in_words(sc: CompiledScenario, votes: tuple[str | None, ...], result: str,
                                  line: str | None, by: str) -> None:
    """`line` None: a vote that carried nothing reads as its result says it."""
    s = session(sc)
    vote_all(s, "share", *votes)
    if ("share", "compact") not in s.state.chosen:
        s.advance()  # the deadline resolves the vote with the votes cast
    assert said(words.vote_result(s.state, "compact", "share")) == result
    d = decided(s, "share", "compact")
    assert (said(d.line), said(d.by)) == (line or result, by)
    # The session stores the same words with its decision: labels, never ids such as 'members-only'.
    seq = s.state.decided_seq[("share", "compact")]
    ev = s.state.log[seq - 1].event
    assert isinstance(ev, DecisionTaken) and ev.rationale == result


@pytest.mark.parametrize(("votes", "result", "line"), [
    (("act", "act", "act"), "consensus reached: all 3 members for Act together",
     "Act together (by consensus of all 3 members)"),
    (("act", "act", "statement"),
     "no consensus (2 for Act together, 1 for Issue a statement), default taken: Issue a statement", None),
    (("act", "act", None),  # one member silent at the deadline blocks consensus
     "no consensus (2 for Act together, 1 did not vote), default taken: Issue a statement", None),
])
def test_a_consensus_vote_in_words(sc: CompiledScenario, votes: tuple[str | None, ...], result: str,
                                   line: str | None) -> None:
    s = session(sc)
    vote_all(s, "act", *votes)
    if ("act", "council") not in s.state.chosen:
        s.advance()
    assert said(words.vote_result(s.state, "council", "act")) == result
    assert said(decided(s, "act", "council").line) == (line or result)


def test_an_open_vote_says_how_it_stands(sc: CompiledScenario) -> None:
    s = session(sc)
    assert words.vote_result(s.state, "compact", "share") == "0 of 3 members have voted so far"
    s.decide("estrava", "share", "members-only", "why not")
    assert words.vote_result(s.state, "compact", "share") == \
        "1 of 3 members have voted so far (1 for Share with members only, 2 did not vote)"
    assert words.vote_counts(s.state, "compact", "share") == "1 of 3 voted for Share with members only; 2 did not vote"
    s.decide("norvald", "share", "sanitised", "safer")
    s.decide("vittmark", "share", "members-only", "trust them")
    assert words.vote_counts(s.state, "compact", "share") == \
        "2 of 3 voted for Share with members only; 1 for Share a sanitised summary"


def test_a_tie_among_four_carries_nothing() -> None:
    four = Organisation(id="four", name="Four", members=["a", "b", "c", "d"], decides="majority")
    t = tally(four, {"a": "x", "b": "y", "c": "x", "d": "y"})
    assert t.carried is None and t.counts == (("x", 2), ("y", 2)) and t.abstained == ()
    assert tally(four, {"a": "x", "b": "x", "c": "x"}).carried == "x"
    assert tally(four, {"a": "x", "b": "x"}).carried is None  # two of four is not more than half


def test_the_log_says_who_decided_and_how(sc: CompiledScenario) -> None:
    s = session(sc, vittmark="bot:cautious")
    s.decide("vittmark", "each", "go", "cautious bot: Go ahead", by="bot")
    vote_all(s, "share", "sanitised", "sanitised", "members-only")
    s.adjudicate("support[estrava]", -6, "the press conference went badly")
    lines = [said(views.describe(sc, e.event, state=s.state)) for e in s.state.log]
    assert "Vittmark (bot, cautious) decided on 'Each nation decides for itself.': Go ahead" in lines
    assert "Northern Compact resolved on 'The Compact decides what to share.': Share a sanitised summary " \
           "(carried 2-1 by a majority of 3 members)" in lines
    assert "Adjudication: Public support at home, Estrava −6 (the press conference went badly)" in lines
    s.advance()
    lines = [said(views.describe(sc, e.event, state=s.state)) for e in s.state.log]
    assert "Kingdom of Norvald: deadline passed on 'Each nation decides for itself.', default taken: Hold back" \
        in lines
