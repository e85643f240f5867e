"""The report says who decided, how a vote went and what a change means in the engine's words (`engine/words.py`),
the same words the screens and `tabletop log` use: a default is never a choice, a bot is named as a bot, a vote
reads labels and a true tally, a value names its nation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_words import SCENARIO

from exercise.engine import words
from exercise.engine.compile import load_scenario
from exercise.engine.events import DecisionTaken
from exercise.engine.text import without_isolates
from exercise.live import LiveSession
from exercise.report import build, render_html, render_markdown


def clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session with each kind of decision: a team's, a bot's, two deadline defaults (one with no default), a
    majority vote carried 2-1 with ids that are not words ('members-only'), a consensus that failed, and an
    adjudication of one nation's value."""
    folder = tmp_path_factory.mktemp("engine-words")
    path = folder / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    db = folder / "session.sqlite"
    live = LiveSession.create(db, load_scenario(path), seed=7, mode="facilitated", clock=clock,
                              teams={"norvald": "human", "estrava": "human", "vittmark": "bot:cautious"})
    live.execute(lambda s: s.decide("norvald", "each", "go", "we move first"))
    live.execute(lambda s: s.decide("vittmark", "each", "hold", "cautious bot: Hold back", by="bot"))
    for nation, option in (("norvald", "members-only"), ("estrava", "members-only"), ("vittmark", "sanitised")):
        live.execute(lambda s, n=nation, o=option: s.decide(n, "share", o, f"{n} says so"))
    live.execute(lambda s: s.decide("norvald", "act", "act", "together"))
    live.execute(lambda s: s.decide("estrava", "act", "statement", "not yet"))
    live.execute(lambda s: s.adjudicate("support[estrava]", -6, "the press conference went badly"))
    live.execute(lambda s: s.advance())  # Estrava's 'each' and 'open' lapse; the Council resolves without Vittmark
    live.execute(lambda s: s.end("the drill is over"))
    live.close()
    return db


def engine_lines(db: Path) -> dict[tuple[str, str], str]:
    """Each decision's line as the engine says it, by (inject, decider)."""
    live = LiveSession.open(db, clock=clock)
    try:
        st = live.state
        out = {}
        for e in st.live_entries():
            if isinstance(e.event, DecisionTaken):
                out[(e.event.inject, e.event.team)] = without_isolates(words.decision(st, e.event).line)
        out[("share", "result")] = words.vote_result(st, "compact", "share")
        return out
    finally:
        live.close()


def test_the_markdown_report_uses_the_engines_words(played: Path) -> None:
    said = engine_lines(played)
    # What the engine says, checked here once so the report's words below cannot be wrong the same way.
    assert said[("each", "estrava")] == "deadline passed, default taken: Hold back"
    assert said[("open", "estrava")] == "no decision (deadline passed)"
    assert said[("each", "vittmark")] == "Hold back (bot, cautious)"
    assert said[("share", "compact")] == "Share with members only (carried 2-1 by a majority of 3 members)"
    assert said[("act", "council")] == \
        "no consensus (1 for Act together, 1 for Issue a statement, 1 did not vote), default taken: Issue a statement"
    assert said[("share", "result")] == "majority of 3 members: Share with members only carried 2-1"
    md = render_markdown(build(played))
    for key, line in said.items():
        if key != ("share", "result"):  # the result's words are in the decision's: 'carried 2-1'
            assert line in md, line
    assert "Public support at home, Estrava" in md  # the state table and the adjudication name the nation
    assert "Adjudication: Public support at home, Estrava −6" in md
    assert words.CHANGE_LEGEND.split(";")[0] in md  # '+ raises a value, − lowers it' under the tables of changes
    # Never the old words: a default called a choice, a vote's tally counted wrong, ids for labels.
    assert "majority of 3/3" not in md and "(deadline default)" not in md
    assert "sanitised" not in md.replace("Share a sanitised summary", "")
    assert "members-only" not in md


def test_the_html_report_says_the_same(played: Path) -> None:
    said = engine_lines(played)
    html = render_html(build(played))
    assert said[("each", "estrava")] in html and said[("act", "council")] in html
    assert "Public support at home, Estrava" in html
    assert "majority of 3/3" not in html and "members-only" not in html
