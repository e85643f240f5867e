"""The facilitator's unsent words come back with a reload (a new console on the same session): the inject being
written, in its dialog open again as it was left, and the message to the teams. They are kept beside the log
(side data), never in it, and what is sent or released leaves the draft."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from harness import MINI
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, TextArea

from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.store import EventStore
from exercise.ui.app import TtxApp, make_app
from exercise.ui.config import AppConfig
from exercise.ui.screens.dialogs import AdjudicateDialog, WriteInjectDialog
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.facilitator_draft import CONTROL_DRAFT
from exercise.ui.widgets.messages import MessagePanel


def clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def new_session(path: Path) -> Path:
    sc = load_scenario(MINI)
    LiveSession.create(path, sc, seed=7, teams={n: "human" for n in sc.nations}, mode="facilitated",
                       clock=clock).close()
    return path


def control_app(db: Path, workdir: Path) -> TtxApp:
    return make_app(AppConfig(db=db, workdir=workdir, clock=clock, poll_seconds=0.05))


def kept(db: Path) -> dict[str, str]:
    with EventStore.open(db, write=False) as store:
        entry = store.side("draft").get(CONTROL_DRAFT)
        return json.loads(entry.value) if entry is not None else {}


def events(db: Path) -> int:
    with EventStore.open(db, write=False) as store:
        return store.last_seq()


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in text])


async def until(pilot: Pilot[None], check, tries: int = 100) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(0.05)
    return bool(check())


async def test_an_inject_being_written_comes_back_in_its_dialog_after_a_reload(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    before = events(db)
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        await pilot.press("w")
        dialog = app.screen
        assert isinstance(dialog, WriteInjectDialog)
        await pilot.press("space")  # To: everyone (the first tick has the focus)
        dialog.query_one("#title", Input).focus()
        await type_text(pilot, "Ferry strike")
        dialog.query_one("#text", TextArea).focus()
        await type_text(pilot, "Dockers walk out at dawn")
        # Kept while the console runs (a killed one never reaches its unmount), not only when it closes.
        assert await until(pilot, lambda: kept(db).get("field:text") == "Dockers walk out at dawn")
        assert kept(db)["dialog"] == "write_inject" and kept(db)["field:title"] == "Ferry strike"
    assert events(db) == before  # a draft is never an event

    again = control_app(db, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        assert await until(pilot, lambda: isinstance(again.screen, WriteInjectDialog))
        dialog = again.screen
        assert dialog.query_one("#title", Input).value == "Ferry strike"
        assert dialog.query_one("#text", TextArea).text == "Dockers walk out at dawn"
        assert dialog.query_one("#to-all", Checkbox).value
        assert any("Unsent draft" in n.title for n in again._notifications)
        await pilot.press("ctrl+s")  # released: the draft goes
        assert await until(pilot, lambda: isinstance(again.screen, FacilitatorScreen))
        assert again.controller is not None and "control-1" in again.controller.state.released
        assert await until(pilot, lambda: kept(db) == {})


async def test_a_message_and_an_adjudication_half_made_come_back(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")  # the traffic tab
        await pilot.pause(0.3)
        app.screen.query_one("#traffic", MessagePanel).focus_composer()
        await pilot.pause()
        await type_text(pilot, "Hold the line")
        assert await until(pilot, lambda: kept(db).get("message") == "Hold the line")
        await pilot.press("escape")
        await pilot.pause(0.3)
        app.screen.query_one("#traffic .message-text", Input).blur()
        await pilot.press("j")
        dialog = app.screen
        assert isinstance(dialog, AdjudicateDialog)
        dialog.query_one("#key", Select).value = "cohesion"
        dialog.query_one("#reason", Input).focus()
        await type_text(pilot, "the summit went badly")
        assert await until(pilot, lambda: kept(db).get("field:reason") == "the summit went badly")

    again = control_app(db, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        assert await until(pilot, lambda: isinstance(again.screen, AdjudicateDialog))
        dialog = again.screen
        assert dialog.query_one("#key", Select).value == "cohesion"
        assert dialog.query_one("#reason", Input).value == "the summit went badly"
        composer = again.screen_stack[-2].query_one("#traffic", MessagePanel)
        assert composer.draft()["message"] == "Hold the line"
        await pilot.press("escape", "escape")  # out of the box (kept), then the dialog closed unsaved
        assert await until(pilot, lambda: isinstance(again.screen, FacilitatorScreen))
        assert await until(pilot, lambda: "field:reason" not in kept(db) and kept(db).get("message") == "Hold the line")


async def test_opening_a_dialog_without_writing_keeps_nothing(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        assert isinstance(app.screen, WriteInjectDialog)
        await pilot.pause(1.3)
    assert kept(db) == {}
    again = control_app(db, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(again.screen, FacilitatorScreen)


async def test_the_console_comes_back_on_its_tab_with_the_same_inject_selected(tmp_path: Path) -> None:
    from textual.widgets import TabbedContent

    from exercise.ui.widgets.msel_table import MselTable

    db = new_session(tmp_path / "s.sqlite")
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(MselTable)
        first = table.selected
        await pilot.press("down", "down")
        chosen = table.selected
        assert chosen is not None and chosen != first
        await pilot.press("5")  # the log
        assert await until(pilot, lambda: app.screen.query_one("#tabs", TabbedContent).active == "log")
        await pilot.pause(1.3)  # the place is kept at the next look, within a second
    again = control_app(db, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        assert await until(pilot, lambda: again.screen.query_one("#tabs", TabbedContent).active == "log")
        assert again.screen.query_one(MselTable).selected == chosen
