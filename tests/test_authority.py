"""Authority in the session layer: each command is checked against who gives it, inside the write transaction,
and what that actor may not give is refused, named in the refusal, with nothing appended. Tried from crafted calls
to the LiveSession and the controller, and from a team's console."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import FIXTURES

from exercise.engine.commands import (
    Adjudicate,
    Advance,
    BotMove,
    Command,
    Decide,
    Delay,
    End,
    NextStep,
    Pause,
    Release,
    Resume,
    Retract,
    ScriptStep,
    Send,
    WriteInject,
    observe,
)
from exercise.engine.compile import load_scenario
from exercise.engine.events import DecisionTaken, MessageSent
from exercise.engine.models import Step
from exercise.engine.roles import LOCAL, Actor, NotAllowed, may, refusal
from exercise.engine.session import Refused
from exercise.live import LiveSession
from exercise.ui.app import Role, make_app
from exercise.ui.config import AppConfig
from exercise.ui.controller import SessionController
from exercise.ui.widgets.decision import DecisionPanel
from exercise.ui.widgets.messages import MessagePanel

ROLES = FIXTURES / "roles.yaml"
ALPHA, OBSERVER, CONTROL = Actor.team("alpha"), Actor.observer(), Actor.control()


def clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def create(path: Path) -> LiveSession:
    """Turn 1 of the roles drill: Alphaland and Bravonia played by people, Charliestan by a bot; each nation has a
    decision open ('warning', 'bravo-only', 'charlie-call') and the manual 'surprise' is unreleased."""
    return LiveSession.create(path, load_scenario(ROLES), seed=3, mode="facilitated", clock=clock,
                              teams={"alpha": "human", "bravo": "human", "charlie": "bot:cautious"})


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    live = create(tmp_path / "roles.sqlite")
    yield live
    live.close()


# (actor, command, words the refusal names)
REFUSED: list[tuple[Actor, Command, str]] = [
    (ALPHA, Release("surprise"), "release inject 'surprise'"),
    (ALPHA, Delay("surprise"), "delay inject 'surprise'"),
    (ALPHA, WriteInject("fake", ("bravo",), "from control, honestly"), "write inject 'fake'"),
    (ALPHA, Adjudicate("cohesion", 40, "we say so"), "adjudicate 'cohesion'"),
    (ALPHA, Advance(), "end the turn"),
    (ALPHA, Pause("tea"), "pause the session"),
    (ALPHA, Retract("undo that"), "retract the last event"),
    (ALPHA, End("we win"), "end the exercise"),
    (ALPHA, observe("O1", "we did well", "P"), "note an observation"),
    (ALPHA, Decide("bravo", "bravo-only", "yes", "for them"), "decide on 'bravo-only' for bravo"),
    (ALPHA, Decide("charlie", "charlie-call", "yes", "for the bot"), "decide on 'charlie-call' for charlie"),
    (ALPHA, Send("bravo", ("charlie",), "signed, Bravonia"), "send a message as bravo"),
    (ALPHA, Send("control", ("bravo",), "control says"), "send a message as control"),
    (ALPHA, BotMove(), "play a bot nation's move"),
    (ALPHA, NextStep(), "play the turn policy's next step"),
    (ALPHA, ScriptStep(Step(release="surprise")), "play a script step"),
    (OBSERVER, Decide("alpha", "warning", "share", "observing"), "decide on 'warning' for alpha"),
    (OBSERVER, Send("alpha", ("bravo",), "hello"), "send a message as alpha"),
    (OBSERVER, observe("O1", "a rating", "S"), "note an observation"),
    (OBSERVER, Release("surprise"), "release inject 'surprise'"),
    (CONTROL, Decide("alpha", "warning", "share", "we know best"), "decide on 'warning' for alpha"),
    (CONTROL, Send("bravo", ("alpha",), "signed, Bravonia"), "send a message as bravo"),
    (CONTROL, ScriptStep(Step(team="alpha", inject="warning", option="share")), "play a script step"),
]


@pytest.mark.parametrize(("actor", "command", "named"), REFUSED,
                         ids=[f"{a.role}{'-' + a.nation if a.nation else ''}:{c.kind}" for a, c, _ in REFUSED])
def test_what_an_actor_may_not_give_is_refused_and_nothing_is_appended(live: LiveSession, actor: Actor,
                                                                        command: Command, named: str) -> None:
    before, state_before = live.store.last_seq(), live.state.next_seq
    with pytest.raises(NotAllowed) as refused:
        live.execute(command, actor=actor)
    assert isinstance(refused.value, Refused)  # the UI shows it as it shows every refusal
    assert named in str(refused.value) and str(refused.value).startswith("Not allowed: ")
    assert live.store.last_seq() == before and live.state.next_seq == state_before
    assert not may(actor, command, live.state)


def test_each_actor_gives_what_it_may(live: LiveSession) -> None:
    live.execute(Decide("alpha", "warning", "share", "partners first"), actor=ALPHA)
    live.execute(Send("alpha", ("bravo",), "we shared"), actor=ALPHA)
    live.execute(Decide("bravo", "bravo-only", "no", "not yet"), actor=Actor.team("bravo"))
    live.execute(Release("surprise"), actor=CONTROL)
    live.execute(Send("control", ("all",), "noted"), actor=CONTROL)
    bot = live.execute(BotMove(), actor=CONTROL)  # control plays the bot nations, and only those
    assert [(e.event.team, e.event.by) for e in bot if isinstance(e.event, DecisionTaken)] == [("charlie", "bot")]
    live.execute(Advance(), actor=CONTROL)
    decided = {(e.event.team, e.event.by) for e in live.state.log if isinstance(e.event, DecisionTaken)}
    assert {("alpha", "team"), ("bravo", "team"), ("charlie", "bot")} <= decided
    assert [e.event.sender for e in live.state.log if isinstance(e.event, MessageSent)] == ["alpha", "control"]


def test_control_may_decide_for_a_bot_nation_but_not_for_a_people_played_one(live: LiveSession) -> None:
    assert may(CONTROL, Decide("charlie", "charlie-call", "yes", "hosting the bot"), live.state)
    why = refusal(CONTROL, Decide("alpha", "warning", "share", "x"), live.state)
    assert why is not None and "Alphaland is played by its team" in why


def test_the_local_authority_plays_every_part(live: LiveSession) -> None:
    """`tabletop run`, scripts and tests hold the file: they may give any command, as any nation."""
    live.execute(ScriptStep(Step(team="alpha", inject="warning", option="share", rationale="scripted")))
    live.execute(Decide("bravo", "bravo-only", "yes", "scripted"), actor=LOCAL)
    assert {("warning", "alpha"), ("bravo-only", "bravo")} <= set(live.state.chosen)


def test_a_bare_callable_is_refused_to_anyone_but_the_local_authority(live: LiveSession) -> None:
    """An unnamed command says nothing of what it asks, so a console cannot slip one past the check."""
    before = live.store.last_seq()
    for actor in (CONTROL, ALPHA, OBSERVER):
        with pytest.raises(NotAllowed, match="only named commands"):
            live.execute(lambda s: s.release("surprise"), actor=actor)
    assert live.store.last_seq() == before
    assert live.execute(lambda s: s.release("surprise"))  # the local authority's default


def test_the_check_reads_the_latest_log_in_the_write_lock(tmp_path: Path) -> None:
    """Another process made Charliestan's move meanwhile; this process's stale state still decides nothing wrong:
    the team's forged decision for Charliestan is refused after catching up, and nothing is appended."""
    live = create(tmp_path / "two.sqlite")
    other = LiveSession.open(live.path, clock=clock)
    try:
        other.execute(BotMove(), actor=CONTROL)
        last = other.store.last_seq()
        with pytest.raises(NotAllowed, match="decide on 'charlie-call' for charlie"):
            live.execute(Decide("charlie", "charlie-call", "no", "forged"), actor=ALPHA)
        assert live.state.next_seq - 1 == last == live.store.last_seq()  # caught up, appended nothing
    finally:
        other.close()
        live.close()


def test_actors_are_well_formed() -> None:
    with pytest.raises(ValueError):
        Actor("team")
    with pytest.raises(ValueError):
        Actor("control", nation="alpha")
    with pytest.raises(ValueError):
        Actor("observer", local=True)


def test_the_controller_tells_the_person_and_hosts_nothing_for_a_team(live: LiveSession) -> None:
    told: list[tuple[str, str]] = []
    team = SessionController(live, lambda m, s: told.append((m, s)), actor=ALPHA, clock=clock)
    before = live.store.last_seq()
    out = team.execute(Release("surprise"))
    assert not out.ok and out.error is not None and "release inject 'surprise'" in out.error
    assert told == [(out.error, "warning")]
    assert team.play_bots() == 0 and team.play_turn(seen=None) == []  # a team's console plays no other nation
    assert live.store.last_seq() == before
    assert team.reader("bravo") == ALPHA  # and reads as itself, whatever a screen asks


@pytest.mark.parametrize(("role", "actor", "host"), [
    (Role("facilitator"), CONTROL, CONTROL),
    (Role("team", "alpha"), ALPHA, None),
    (Role("solo", "alpha"), ALPHA, CONTROL),
    (Role("hotseat"), LOCAL, CONTROL),
])
def test_each_console_is_made_for_its_role(role: Role, actor: Actor, host: Actor | None) -> None:
    assert role.actors() == (actor, host)


async def test_a_teams_console_cannot_act_as_control_or_as_another_nation(live: LiveSession, tmp_path: Path) -> None:
    """From Alphaland's console: its controller releasing, advancing and adjudicating, and its own widgets turned to
    speak for Bravonia (as a tampered or confused widget would), are all refused, shown as a warning, and nothing
    reaches the log; its own decision still goes through."""
    db = live.path
    live.close()
    app = make_app(AppConfig(db=db, team="alpha", workdir=tmp_path, clock=clock, poll_seconds=0.05, seed=3))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        ctl = app.controller
        assert ctl is not None and ctl.actor == ALPHA and ctl.host is None
        before = ctl.live.store.last_seq()
        for command in (Release("surprise"), Advance(), Adjudicate("cohesion", 99, "x"), Pause(), Resume(),
                        End(), Retract("x")):
            assert not ctl.execute(command).ok
        panel = app.screen.query_one("#decision", DecisionPanel)
        panel.nation = "bravo"
        panel.show("bravo-only")
        assert not ctl.execute(Decide(panel.nation, "bravo-only", "yes", "as Bravonia")).ok
        messages = app.screen.query_one("#team-messages", MessagePanel)
        messages.sender = "bravo"
        assert not ctl.execute(Send(messages.sender, ("charlie",), "signed, Bravonia")).ok
        await pilot.pause()
        warned = [n.message for n in app._notifications if n.severity == "warning"]
        assert any("release inject 'surprise'" in m for m in warned)
        assert any("decide on 'bravo-only' for bravo" in m for m in warned)
        assert any("send a message as bravo" in m for m in warned)
        assert ctl.live.store.last_seq() == before
        assert ctl.execute(Decide("alpha", "warning", "hold", "our own call")).ok
        assert ctl.live.store.last_seq() > before
