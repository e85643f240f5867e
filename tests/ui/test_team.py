"""A team's console: injects, decision with rationale, unavailable options, messages, brief, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from _play_support import MINI, SIZES, app_for, fixed_clock, new_session, steady, type_text
from textual.widgets import Input, OptionList, Select, Static, TabbedContent

from exercise.engine.commands import Release, Send
from exercise.engine.compile import load_scenario
from exercise.engine.events import DecisionTaken, MessageSent, VoteCast
from exercise.live import LiveSession
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.decision import DecisionPanel
from exercise.ui.widgets.messages import MessagePanel


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_session(tmp_path / "s.sqlite")


def control(db: Path, command) -> None:  # type: ignore[no-untyped-def]
    """What the facilitator's terminal would do, from outside the app."""
    live = LiveSession.open(db, clock=fixed_clock)
    try:
        live.execute(command)
    finally:
        live.close()


def options_text(app) -> str:  # type: ignore[no-untyped-def]
    olist = app.screen.query_one("#decision .options", OptionList)
    return "\n".join(str(o.prompt) for o in olist.options)


def card_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#card", Static).render())


async def test_team_sees_its_inject_brief_and_deadline(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert "Blackouts across Norvia." in card_text(app)
        panel = app.screen.query_one("#decision", DecisionPanel)
        head = str(panel.query_one(".decision-head", Static).content)
        assert "decide before turn 2 begins (D+0 12:00)" in head
        assert "If the deadline passes: Wait." in head
        assert "Share now" in options_text(app) and "Wait" in options_text(app)
        status = str(app.screen.query_one("#team-status", Static).render())
        assert "Turn 1/3" in status and "1 decision waiting" in status
        await pilot.press("4")
        assert app.screen.query_one("#tabs", TabbedContent).active == "brief"
        brief = str(app.screen.query_one("#brief-text", Static).render())
        assert "cyber" in brief and "North Atlantic Compact" in brief


async def test_decide_requires_a_rationale(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.press("down")  # from "Share now" to "Wait"
        await pilot.press("enter")  # choose: the rationale box takes the focus
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.has_class("rationale")
        await pilot.press("enter")  # no reason given
        await pilot.pause()
        assert not [e for e in app.controller.state.log if isinstance(e.event, DecisionTaken)]
        assert any("rationale" in n.message for n in app._notifications)
        await type_text(pilot, "wait for attribution")
        await pilot.press("enter")
        await pilot.pause()
        decisions = [e.event for e in app.controller.state.log if isinstance(e.event, DecisionTaken)]
        assert len(decisions) == 1
        assert decisions[0].option == "wait" and decisions[0].rationale == "wait for attribution"
        assert "✓ Decided: Wait" in card_text(app) and "wait for attribution" in card_text(app)
        await pilot.press("5")
        history = str(app.screen.query_one("#history-text", Static).render())
        assert "Norvia decided" in history and "Why: wait for attribution" in history
        # shown, the History tab follows new events; the log it reads is not re-read when nothing changed
        app.controller.execute(Send("norvia", ("control",), "history follows"))
        app.controller.poll()
        await pilot.pause()
        assert "history follows" in str(app.screen.query_one("#history-text", Static).render())


async def test_decide_with_the_mouse_only(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert await pilot.click("#decision .options", offset=(6, 1))  # the second option: Wait
        await pilot.pause()
        assert app.screen.query_one("#decision", DecisionPanel).choice == "wait"
        await pilot.click("#decision .rationale")
        await type_text(pilot, "clicked")
        await pilot.click("#decision .send-decision")
        await pilot.pause()
        assert app.controller.state.chosen[("grid-down", "norvia")] == "wait"
        await pilot.click("#tabs Tab#--content-tab-history")
        await pilot.pause()
        assert app.screen.query_one("#tabs", TabbedContent).active == "history"


async def test_unavailable_option_shows_its_reason_and_cannot_be_chosen(db: Path, tmp_path: Path) -> None:
    control(db, lambda s: s.adjudicate("trust[norvia][kessland]", 30, "a leak", mode="set"))
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = options_text(app)
        assert "✗ Share now  (unavailable)" in text and "Why not: Trust too low." in text
        olist = app.screen.query_one("#decision .options", OptionList)
        assert olist.get_option("share").disabled
        await pilot.press("d")
        assert olist.highlighted == olist.get_option_index("wait")  # the keyboard skips it
        panel = app.screen.query_one("#decision", DecisionPanel)
        panel.choice = "share"  # even if forced, the engine refuses and nothing is stored
        panel.query_one(".rationale", Input).value = "because"
        assert not panel.send()
        await pilot.pause()
        assert not [e for e in app.controller.state.log if isinstance(e.event, DecisionTaken)]
        assert any("Trust too low" in n.message for n in app._notifications)


async def test_message_to_control_and_to_the_organisation(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        assert app.screen.query_one("#tabs", TabbedContent).active == "messages"
        panel = app.screen.query_one("#team-messages", MessagePanel)
        labels = [label for label, _ in panel.recipients()]
        assert labels == ["Kessland", "North Atlantic Compact (organisation)", "Exercise Control", "Everyone"]
        panel.query_one(".recipient", Select).value = "control"
        await type_text(pilot, "we need help")
        await pilot.press("enter")
        await pilot.pause()
        panel.query_one(".recipient", Select).value = "nac"
        panel.query_one(".message-text", Input).value = "meet at noon"
        await pilot.click(".send")
        await pilot.pause()
        sent = [e.event for e in app.controller.state.log if isinstance(e.event, MessageSent)]
        assert [(m.to, m.text) for m in sent] == [(["control"], "we need help"), (["nac"], "meet at noon")]
        shown = str(panel.query_one(".traffic-text", Static).render())
        assert "▶ You → Exercise Control: we need help" in shown
        assert "▶ You → North Atlantic Compact: meet at noon" in shown


async def test_vote_in_an_organisation_and_see_votes_so_far(db: Path, tmp_path: Path) -> None:
    control(db, lambda s: s.advance())  # turn 2: the summit goes to the Compact
    control(db, lambda s: s.decide("kessland", "summit", "act", "together"))
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.current == "summit"
        head = str(app.screen.query_one("#decision .decision-head", Static).content)
        assert "Your vote in the North Atlantic Compact" in head
        assert "Votes so far (1 of 2):\n  • Kessland: Act together" in head
        await pilot.press("enter")
        await type_text(pilot, "united")
        await pilot.press("enter")
        await pilot.pause()
        votes = [e.event for e in app.controller.state.log if isinstance(e.event, VoteCast)]
        assert [(v.nation, v.option, v.rationale) for v in votes] == [("kessland", "act", "together"),
                                                                    ("norvia", "act", "united")]
        assert app.controller.state.chosen[("summit", "nac")] == "act"
        head = str(app.screen.query_one("#decision .decision-head", Static).content)
        assert "The North Atlantic Compact's vote: consensus reached: all 2 members for Act together" in head


async def test_command_palette_offers_the_screens_actions(db: Path, tmp_path: Path) -> None:
    from exercise.ui.commands import ActionsProvider

    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        provider = ActionsProvider(app.screen)
        titles = [hit.text for hit in [h async for h in provider.discover()]]
        assert any(t.startswith("Decide") for t in titles)
        assert any(t.startswith("Send a message") for t in titles)
        assert any(t.startswith("Help") for t in titles)
        assert not any(t.startswith("End turn") for t in titles)  # solo only
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "history")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#tabs", TabbedContent).active == "history"


async def test_help_screen_lists_the_keys(db: Path, tmp_path: Path) -> None:
    from exercise.ui.screens.help import HelpScreen

    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TeamScreen)
        dark = app.current_theme.dark
        await pilot.press("f2")  # light and dark themes
        assert app.current_theme.dark is not dark


def _open_decision(kind: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        if kind == "decision":
            await pilot.press("d", "down")
        await steady(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_team_decision_open(snap_compare, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    db = new_session(tmp_path / "s.sqlite")
    control(db, lambda s: s.adjudicate("trust[norvia][kessland]", 30, "a leak", mode="set"))
    assert snap_compare(app_for(tmp_path, db=db, team="norvia"), terminal_size=size,
                        run_before=_open_decision("decision"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_team_messages(snap_compare, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    db = new_session(tmp_path / "s.sqlite")
    control(db, lambda s: s.send("kessland", ["norvia"], "Can we count on you?"))
    control(db, lambda s: s.send("control", ["all"], "Remember the deadline at turn 2."))

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("m")
        await steady(pilot)

    assert snap_compare(app_for(tmp_path, db=db, team="norvia"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_help(snap_compare, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    db = new_session(tmp_path / "s.sqlite")

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f1")
        await steady(pilot)

    assert snap_compare(app_for(tmp_path, db=db, team="norvia"), terminal_size=size, run_before=run_before)


_ = (MINI, load_scenario)


async def test_restart_returns_to_the_same_tab_and_inject(db: Path, tmp_path: Path) -> None:
    app = app_for(tmp_path, db=db, team="kessland")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.controller.live.execute(Release("crisis"))  # control releases it (the team may not)
        await pilot.pause()
        app.screen.refresh_inbox_to("crisis")
        await pilot.press("3")  # our state
        await pilot.pause(0.8)  # the place is saved shortly after it changes
    again = app_for(tmp_path, db=db, team="kessland")
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, TeamScreen)
        assert again.screen.query_one("#tabs", TabbedContent).active == "state"
        assert again.screen.current == "crisis"


async def test_d_goes_to_the_open_decision_from_a_decided_inject(db: Path, tmp_path: Path) -> None:
    control(db, lambda s: s.decide("norvia", "grid-down", "wait", "early"))
    control(db, lambda s: s.advance())  # turn 2: the summit goes to the Compact
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.refresh_inbox_to("grid-down")  # a decided inject on screen
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.current == "summit"
        olist = app.screen.query_one("#inbox-list", OptionList)
        assert olist.highlighted_option is not None and olist.highlighted_option.id == "summit"
        assert app.focused is app.screen.query_one("#decision .options", OptionList)


async def test_traffic_shows_the_last_200_messages_and_adds_new_ones(db: Path, tmp_path: Path) -> None:
    def many(s):  # type: ignore[no-untyped-def]
        out = []
        for i in range(260):
            out += s.send("kessland", ["norvia"], f"note {i}")
        return out

    control(db, many)
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        panel = app.screen.query_one("#team-messages", MessagePanel)
        shown = str(panel.query_one(".traffic-text", Static).render())
        assert "showing the last 200 of 260 messages" in shown
        assert "note 259" in shown and "note 60\n" in shown + "\n" and "note 59\n" not in shown + "\n"
        assert len(panel._lines) == 200
        kept = panel._lines[max(panel._lines)]
        await type_text(pilot, "ack")
        await pilot.press("enter")
        await pilot.pause()
        shown = str(panel.query_one(".traffic-text", Static).render())
        assert "showing the last 200 of 261 messages" in shown and "▶ You → Kessland: ack" in shown
        assert panel._lines[max(panel._lines) - 1] is kept  # drawn once, not again
