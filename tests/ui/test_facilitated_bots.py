"""A facilitated session with a nation no team plays: the facilitator's console plays its bot as soon as a
decision opens, each move its own command marked as a bot's; a team console never plays it."""

from __future__ import annotations

from pathlib import Path

from _play_support import app_for, new_session, type_text, until
from textual.widgets import Static

from exercise.engine.commands import Advance
from exercise.engine.events import DecisionTaken, VoteCast
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.event_log import EventLog
from exercise.ui.widgets.team_status import TeamStatusPanel

TEAMS = {"norvia": "bot:cautious", "kessland": "human"}


def bot_moves(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(nation, inject, by) of each decision or vote a bot made, as the app's state has them."""
    out = []
    for e in app.controller.state.log:
        ev = e.event
        if isinstance(ev, DecisionTaken) and ev.by == "bot":
            out.append((ev.team, ev.inject, ev.by))
        elif isinstance(ev, VoteCast) and ev.by == "bot":
            out.append((ev.nation, ev.inject, ev.by))
    return out


async def test_the_facilitators_console_plays_the_bots_as_soon_as_a_decision_opens(tmp_path: Path) -> None:
    db = new_session(tmp_path / "workshop.sqlite", teams=TEAMS)  # grid-down, Norvia's, opens at turn 1
    team = app_for(tmp_path, db=db, team="kessland")
    control = app_for(tmp_path, db=db)
    async with team.run_test(size=(120, 40)) as tp:
        await tp.pause()
        assert isinstance(team.screen, TeamScreen)
        for _ in range(5):  # a few polls: a team console never plays another nation's bot
            await tp.pause(0.06)
        assert bot_moves(team) == []
        async with control.run_test(size=(160, 48)) as cp:
            # The console opens on a session where the bot's decision is already open: it decides it.
            assert await until(cp, lambda: ("norvia", "grid-down", "bot") in bot_moves(control))
            st = control.controller.state
            assert ("grid-down", "norvia") in st.chosen and st.turn == 1  # decided before any advance
            # The facilitator sees it as a bot's choice: in the team status and the log.
            teams = control.screen.query_one("#side-teams", TeamStatusPanel)
            assert await until(cp, lambda: "(bot, cautious)" in "\n".join(t.plain for t in teams.status_lines()))
            await cp.press("5")  # the Log tab
            log = control.screen.query_one(EventLog)
            assert await until(cp, lambda: "bot" in log_text(log) and "Norvia" in log_text(log))
            # The clock moves: the Compact's vote opens for both; the bot votes at once, the team in its console.
            assert control.controller.execute(Advance()).ok
            assert await until(cp, lambda: ("norvia", "summit", "bot") in bot_moves(control))
            assert ("summit", "nac") not in control.controller.state.chosen  # waiting for the team's vote
            assert await until(tp, lambda: ("norvia", "summit", "bot") in bot_moves(team))
            await tp.press("6")  # the team's Coalition tab says the partner's vote was a bot's
            feed = team.screen.query_one("#coalition-text", Static)
            assert await until(tp, lambda: "Norvia (bot, cautious) voted" in str(feed.render()))
            await tp.press("1", "d")
            await tp.pause()
            await tp.press("enter")
            await type_text(tp, "with them")
            await tp.press("enter")
            assert await until(cp, lambda: ("summit", "nac") in control.controller.state.chosen)
            # One move per decision, whoever polled what: nothing doubled.
            assert sorted(bot_moves(control)) == [("norvia", "grid-down", "bot"), ("norvia", "summit", "bot")]


def log_text(log: EventLog) -> str:
    return "\n".join(strip.text for strip in log.lines)
