"""A team console killed before it sent anything comes back with its unsent draft: the option chosen, the reason
typed so far and the message being written. The draft is kept beside the log, never in it; sending clears it."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import MINI, command
from test_play_terminal import Terminal
from textual.pilot import Pilot
from textual.widgets import Input, Select

from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.store import EventStore
from exercise.ui.app import TtxApp, make_app
from exercise.ui.config import AppConfig
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.decision import DecisionPanel

WAIT = 60.0


def clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def new_session(path: Path) -> Path:
    sc = load_scenario(MINI)
    LiveSession.create(path, sc, seed=7, teams={n: "human" for n in sc.nations}, mode="facilitated",
                       clock=clock).close()
    return path


def team_app(db: Path, workdir: Path) -> TtxApp:
    return make_app(AppConfig(db=db, team="norvia", workdir=workdir, clock=clock, poll_seconds=0.05))


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])


async def until(pilot: Pilot[None], check, tries: int = 200) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(0.05)
    return bool(check())


def drafts(db: Path) -> dict[str, dict[str, str]]:
    with EventStore.open(db, write=False) as store:
        return {k: json.loads(e.value) for k, e in store.side("draft").items()}


def events(db: Path) -> int:
    with EventStore.open(db, write=False) as store:
        return store.last_seq()


def wait_for(check, what: str, terminal: Terminal) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited for {what}; the terminal got:\n{terminal.text()[-3000:]}")
        terminal._read(time.monotonic() + 0.2)


async def test_a_killed_team_console_comes_back_with_its_unsent_draft(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    before = events(db)
    t = Terminal(command("play", "--db", db, "--team", "norvia"), tmp_path, size=(120, 40))
    try:
        t.shows("Your decision")
        time.sleep(0.5)  # as a person would: the screen is up before the first key
        t.send(b"d")  # the open decision
        t.shows("Your choice")
        t.send(b"\r")  # the highlighted option, and on to 'Why?'
        time.sleep(0.3)
        t.send(b"Partners need it")
        wait_for(lambda: drafts(db).get("norvia", {}).get("why") == "Partners need it", "the reason saved", t)
        t.send(b"\x1b")  # leave the box
        time.sleep(0.3)  # Textual waits a moment to tell a lone Escape from the start of a key sequence
        t.send(b"m")  # the message composer
        time.sleep(0.5)
        t.send(b"Call me")
        wait_for(lambda: drafts(db).get("norvia", {}).get("message") == "Call me", "the message saved", t)
        os.killpg(t.proc.pid, signal.SIGKILL)  # no quit, no unmount: the process is simply gone
        t.proc.wait(timeout=WAIT)
    finally:
        t.close()
    assert events(db) == before  # a draft is never an event

    app = team_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TeamScreen)
        panel = screen.query_one("#decision", DecisionPanel)
        assert screen.current == "grid-down" and panel.inject == "grid-down"
        assert panel.choice == "share"
        assert screen.query_one("#decision .rationale", Input).value == "Partners need it"
        assert screen.query_one("#team-messages .message-text", Input).value == "Call me"
        assert screen.query_one("#team-messages .recipient", Select).value == "kessland"
        assert any("Unsent draft" in n.title for n in app._notifications)

        # Sending the decision takes it out of the draft; the message stays until it is sent.
        screen.query_one("#decision .rationale", Input).focus()
        await type_text(pilot, " now")
        await pilot.press("enter")
        assert await until(pilot, lambda: ("grid-down", "norvia") in app.controller.state.chosen)
        assert await until(pilot, lambda: drafts(db).get("norvia") == {"message": "Call me", "to": "kessland"})
        await pilot.press("m", "enter")
        assert await until(pilot, lambda: "norvia" not in drafts(db))
    assert app.controller is not None
    decided = [e.event for e in app.controller.state.log if getattr(e.event, "rationale", None)]
    assert decided[-1].rationale == "Partners need it now"  # type: ignore[attr-defined]


async def test_a_draft_for_a_decision_no_longer_open_is_left_closed(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    with EventStore.open(db) as store:
        store.set_side("draft", "norvia", json.dumps({"inject": "summit", "option": "act", "why": "Too late"}))
    app = team_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#decision", DecisionPanel)
        assert panel.choice is None and app.screen.query_one("#decision .rationale", Input).value == ""
        assert not any("Unsent draft" in n.title for n in app._notifications)
