"""Live: the store is the bus. Two apps on one session file (a facilitator and a team) see each other's
events on their next poll; so does an app whose session another *process* appends to."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from _play_support import ROOT, app_for, new_session, type_text, until
from textual.widgets import Input, OptionList, Static

from exercise.engine.commands import Decide, Release, Send
from exercise.engine.events import DecisionTaken, InjectReleased, MessageSent
from exercise.ui.config import AppConfig
from exercise.ui.screens.team import TeamScreen


def inbox(app) -> list[str]:  # type: ignore[no-untyped-def]
    olist = app.screen.query_one("#inbox-list", OptionList)
    return [o.id for o in olist.options if o.id]


async def test_facilitator_and_team_apps_see_each_other(tmp_path: Path) -> None:
    db = new_session(tmp_path / "live.sqlite")
    control = app_for(tmp_path, db=db)  # the facilitator console
    team = app_for(tmp_path, db=db, team="norvia")
    async with control.run_test(size=(160, 48)) as cp, team.run_test(size=(120, 40)) as tp:
        await cp.pause()
        await tp.pause()
        assert type(control.screen).__name__ == "FacilitatorScreen"
        assert isinstance(team.screen, TeamScreen)
        assert "summit" not in inbox(team)
        # control releases an inject early: the team's inbox shows it after its next poll
        assert control.controller.execute(Release("summit")).ok
        assert await until(tp, lambda: "summit" in inbox(team))
        # the toast follows as its own message to the app: wait for it too, not just for the inbox
        assert await until(tp, lambda: any("New inject" in n.message for n in team._notifications))
        # the team decides in its console: control's state has the decision after its next poll
        await tp.press("d")  # the oldest open decision: grid-down
        await tp.pause()
        assert team.screen.current == "grid-down"
        await tp.press("enter")
        await type_text(tp, "share early")
        await tp.press("enter")
        await tp.pause()
        assert await until(cp, lambda: ("grid-down", "norvia") in control.controller.state.chosen)
        ev = [e.event for e in control.controller.state.log if isinstance(e.event, DecisionTaken)][-1]
        assert (ev.team, ev.option, ev.rationale) == ("norvia", "share", "share early")
        # and a message from control reaches the team: its tab counts it, and it is there when the team looks
        assert control.controller.execute(Send("control", ("norvia",), "noted, thanks")).ok
        assert await until(tp, lambda: "Messages (1)" in str(team.screen.query_one("#tabs").get_tab("messages").label))
        await tp.press("2")
        assert await until(tp, lambda: "noted, thanks" in str(
            team.screen.query_one("#team-messages .traffic-text", Static).render()))


async def test_another_process_appends_and_the_team_sees_it_within_a_second(tmp_path: Path) -> None:
    db = new_session(tmp_path / "proc.sqlite")
    assert AppConfig().poll_seconds <= 0.5  # the design: a poll a few times a second
    team = app_for(tmp_path, db=db, team="norvia")
    script = (
        "import sys; from exercise.live import LiveSession\n"
        "live = LiveSession.open(sys.argv[1])\n"
        "live.execute(lambda s: s.release('crisis'))\n"
        "live.execute(lambda s: s.send('kessland', ['norvia'], 'from another process'))\n"
        "live.close()\n"
    )
    async with team.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "crisis" not in inbox(team)
        subprocess.run([sys.executable, "-c", script, str(db)], check=True, cwd=ROOT, timeout=60)
        written = time.monotonic()
        assert await until(pilot, lambda: "crisis" in inbox(team), tries=400)
        latency = time.monotonic() - written
        print(f"inject from another process shown after {latency:.2f}s")
        assert any(isinstance(e.event, InjectReleased) and e.event.inject == "crisis"
                   for e in team.controller.state.log)
        assert any(isinstance(e.event, MessageSent) for e in team.controller.state.log)
        # the team then decides on top of the other process's events: one log, in order, no gaps
        assert team.controller.execute(Decide("norvia", "grid-down", "wait", "later")).ok
        seqs = [e.seq for e in team.controller.state.log]
        assert seqs == list(range(1, len(seqs) + 1))


async def test_an_inject_arriving_while_a_team_types_its_reason_leaves_the_box_and_its_words(tmp_path: Path) -> None:
    """Control releases an inject and writes to the team while the team is half-way through a rationale: the new
    inject shows in the inbox, and the box keeps the focus and the words, so the next keys finish the sentence."""
    db = new_session(tmp_path / "typing.sqlite")
    control = app_for(tmp_path, db=db)
    team = app_for(tmp_path, db=db, team="norvia")
    async with control.run_test(size=(160, 48)) as cp, team.run_test(size=(120, 40)) as tp:
        await cp.pause()
        await tp.pause()
        await tp.press("d")
        await tp.pause()
        await tp.press("enter")
        await type_text(tp, "share because")
        box = team.screen.query_one(".rationale", Input)
        assert team.focused is box
        assert control.controller.execute(Release("summit")).ok
        assert control.controller.execute(Send("control", ("norvia",), "any news?")).ok
        assert await until(tp, lambda: "summit" in inbox(team))
        assert await until(tp, lambda: "Messages (1)" in str(team.screen.query_one("#tabs").get_tab("messages").label))
        assert team.focused is box and box.value == "share because"
        assert team.screen.current == "grid-down"
        await type_text(tp, " the grid is down")
        await tp.press("enter")
        assert await until(cp, lambda: ("grid-down", "norvia") in control.controller.state.chosen)
        ev = [e.event for e in control.controller.state.log if isinstance(e.event, DecisionTaken)][-1]
        assert (ev.option, ev.rationale) == ("share", "share because the grid is down")
