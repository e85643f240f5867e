"""The facilitator console, driven as a person drives it (Pilot), and its screens as they look (snapshots).

Every flow checks the engine's state after the keys, not the widgets alone: release, rehearse, delay,
adjudicate, write an inject, observe, retract, pause and resume, advance with lapsing deadlines, end and
hot wash, live updates from another process, and resuming after a restart.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from _play_support import control_app as app_for
from _play_support import drill_session as new_session
from _play_support import until
from rich.console import Console
from textual.content import Content
from textual.widgets import Checkbox, Input, Select, TabbedContent, TextArea

from exercise.engine.session import Session
from exercise.ui.screens.dialogs import (
    AdjudicateDialog,
    ConfirmDialog,
    ObservationDialog,
    RehearseDialog,
    WriteInjectDialog,
    parse_change,
    parse_options,
)
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.hotwash import HotWashScreen
from exercise.ui.widgets.clock_bar import ClockBar
from exercise.ui.widgets.msel_table import MselTable
from exercise.ui.widgets.team_status import TeamStatusPanel


def text_of(widget) -> str:  # type: ignore[no-untyped-def]
    """What a Static shows, as plain text (Rich renderables rendered wide, so nothing wraps)."""
    content = widget.content
    if isinstance(content, str):
        return content
    if isinstance(content, Content):
        return content.plain
    console = Console(width=240, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def mid_game(s: Session) -> list:  # type: ignore[type-arg]
    """Turn 2: messages, a decision, an adjudication and an observation behind us; decisions open."""
    out = []
    out += s.send("norvia", ["kessland"], "Can your CERT look at these indicators?")
    out += s.send("kessland", ["norvia", "aldmark"], "Yes. Send them over a secure channel.")
    out += s.decide("norvia", "grid-down", "wait", "we need attribution first")
    out += s.advance()
    out += s.adjudicate("support[norvia]", -6, "a leak to the press")
    out += s.observe("O1", "Norvia held back its indicators", "M")
    return out


async def select_inject(pilot, inject: str) -> None:  # type: ignore[no-untyped-def]
    table = pilot.app.screen.query_one(MselTable)
    table.focus()
    table.select(inject)
    await pilot.pause()
    assert table.selected == inject


# -- opening ---------------------------------------------------------------------------------------
async def test_a_facilitated_session_opens_the_console(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        clock_text = text_of(app.screen.query_one(ClockBar))
        assert "Turn 1" in clock_text and "running" in clock_text
        table = app.screen.query_one(MselTable)
        statuses = {r.id: r.status for r in table.msel_rows()}
        assert statuses == {"grid-down": "released", "press": "released", "summit": "scheduled",
                            "second-wave": "scheduled", "crisis": "conditional", "cable": "manual"}


# -- injects ---------------------------------------------------------------------------------------
async def test_release_now(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, "cable")
        await pilot.press("r")
        await pilot.pause()
        assert "cable" not in app.controller.state.released  # r asks first (tests/ui/test_keys_confirm.py)
        await pilot.press("enter")
        await pilot.pause()
        state = app.controller.state
        assert state.released["cable"] == 1
        assert app.screen.query_one(MselTable).status_of("cable") == "released"
        # Releasing it again is refused by the engine: a notification, nothing written, no traceback.
        before = state.next_seq
        await pilot.press("r")
        await pilot.pause()
        assert app.controller.state.next_seq == before


async def test_rehearse_shows_each_recipient_then_releases(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, "cable")
        await pilot.press("v")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RehearseDialog)
        tabs = dialog.query_one(TabbedContent)
        assert tabs.tab_count == 2  # Kessland and Aldmark, each reading its own name in the text
        texts = [text_of(card) for card in dialog.query(".card")]
        assert any("off Kessland" in t for t in texts) and any("off Aldmark" in t for t in texts)
        assert "cable" not in app.controller.state.released  # a rehearsal releases nothing
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert "cable" in app.controller.state.released


async def test_rehearse_an_organisation_inject_shows_options_and_what_is_unavailable(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, "grid-down")
        await pilot.press("enter")  # Enter on a row rehearses too
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RehearseDialog)
        options = "\n".join(text_of(w) for w in dialog.query(".options"))
        assert "not available: Your intelligence service refuses" in options
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)


async def test_delay_one_turn(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, "second-wave")
        await pilot.press("d")
        await pilot.pause()
        assert app.controller.state.delays["second-wave"] == 1
        row = next(r for r in app.screen.query_one(MselTable).msel_rows() if r.id == "second-wave")
        assert "turn 4" in row.when and "delayed 1" in row.when


async def test_write_an_inject_on_the_spot(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, WriteInjectDialog)
        assert dialog.query_one("#inject-id", Input).value == "control-1"
        # Recipients with the keyboard: 'Everyone' has focus; tab to Norvia, space ticks it.
        await pilot.press("tab", "space")
        dialog.query_one("#title", Input).value = "Minister resigns"
        dialog.query_one("#text", TextArea).text = "Norvia's energy minister resigns over the blackouts."
        dialog.query_one("#objective", Select).value = "O2"
        dialog.query_one("#options", TextArea).text = "comment: Comment now\nsilent: Say nothing"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        state = app.controller.state
        w = state.written["control-1"]
        assert w.to == ["norvia"] and w.objective == "O2" and [o["id"] for o in w.options] == ["comment", "silent"]
        assert "control-1" in state.released
        assert [p.inject for p in state.pending("norvia")] == ["grid-down", "control-1"]
        assert app.screen.query_one(MselTable).selected == "control-1"


async def test_write_inject_needs_recipients_and_text(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, WriteInjectDialog)  # still open, saying what is missing
        assert "recipient" in text_of(dialog.query_one("#problem"))
        dialog.query_one("#to-all", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "text" in text_of(dialog.query_one("#problem"))
        await pilot.press("escape")
        await pilot.pause()
        assert app.controller.state.written == {}


# -- control acts ----------------------------------------------------------------------------------
async def test_adjudicate_with_a_reason(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AdjudicateDialog)
        dialog.query_one("#key", Select).value = "cohesion"
        dialog.query_one("#change", Input).focus()
        await pilot.press("minus", "1", "2")
        await pilot.pause()
        assert "60 → 48" in text_of(dialog.query_one("#preview"))
        await pilot.press("enter")  # no reason yet: refused in the dialog
        await pilot.pause()
        assert isinstance(app.screen, AdjudicateDialog)
        assert "reason" in text_of(dialog.query_one("#problem"))
        dialog.query_one("#reason", Input).value = "the summit leaked"
        await pilot.press("ctrl+s")
        await pilot.pause()
        state = app.controller.state
        assert state.value("cohesion") == 48
        # The drop makes the conditional inject due; the MSEL says so in words.
        assert app.screen.query_one(MselTable).status_of("crisis") == "due"


async def test_adjudicate_sets_a_value_with_equals(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#key", Select).value = "trust[norvia][kessland]"
        dialog.query_one("#change", Input).value = "=45"
        dialog.query_one("#reason", Input).value = "back-channel talks"
        await pilot.click("#ok")  # the mouse works as well as the keys
        await pilot.pause()
        assert app.controller.state.value("trust[norvia][kessland]") == 45


def test_parse_change_and_options() -> None:
    assert parse_change("+5") == (5.0, "add")
    assert parse_change("-3") == (-3.0, "add")
    assert parse_change("−3") == (-3.0, "add")
    assert parse_change("= 40") == (40.0, "set")
    assert parse_change("lots") is None
    assert parse_options("a: Yes\nb: No") == ([{"id": "a", "label": "Yes"}, {"id": "b", "label": "No"}], None)
    assert parse_options("")[0] == []
    assert parse_options("only: One")[1] is not None
    assert parse_options("bad line")[1] is not None


async def test_note_an_observation_with_a_rating(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ObservationDialog)
        dialog.query_one("#objective", Select).value = "O1"
        await pilot.click("#rating-S", offset=(4, 0))
        dialog.query_one("#text", TextArea).text = "Norvia shared within the hour."
        await pilot.press("ctrl+s")
        await pilot.pause()
        notes = [e.event for e in app.controller.state.observations()]
        assert len(notes) == 1
        assert (notes[0].objective, notes[0].rating, notes[0].kind) == ("O1", "S", "observation")
        await pilot.press("6")
        await pilot.pause()
        text = text_of(app.screen.query_one("#observations-body"))
        assert "Performed with some challenges" in text and "Norvia shared within the hour." in text


async def test_retract_the_last_event_with_a_reason(tmp_path: Path) -> None:
    db = new_session(tmp_path, lambda s: s.adjudicate("cohesion", -20, "typo"))
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.controller.state.value("cohesion") == 40
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Adjudication: Alliance cohesion −20 (typo)" in text_of(dialog.query_one("#confirm-text"))
        await pilot.press("ctrl+s")  # a reason is required
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*"wrong key")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        state = app.controller.state
        assert state.value("cohesion") == 60
        assert state.log[-1].event.type == "EventRetracted"
        assert state.log[-1].event.reason == "wrong key"


async def test_retract_shows_what_the_act_caused(tmp_path: Path) -> None:
    db = new_session(tmp_path, lambda s: s.decide("norvia", "grid-down", "wait", "why not"), lambda s: s.advance())
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("u")
        await pilot.pause()
        text = text_of(app.screen.query_one("#confirm-text"))
        assert "Turn 2 begins" in text and "what it caused" in text and "Emergency summit" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.controller.state.turn == 2  # cancelled: nothing retracted


async def test_pause_and_resume(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert app.controller.state.paused
        assert app.screen.active_bindings["p"].binding.description == "Resume"  # the footer says what p does
        bar = app.screen.query_one(ClockBar)
        assert "PAUSED" in text_of(bar) and bar.has_class("-paused")
        await pilot.press("a")  # the clock does not move while paused
        await pilot.pause()
        assert app.controller.state.turn == 1
        await pilot.press("p")
        await pilot.pause()
        assert not app.controller.state.paused
        assert "running" in text_of(bar)


async def test_advance_asks_first_when_decisions_will_take_their_default(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        text = text_of(dialog.query_one("#confirm-text"))
        assert "1 decision is still open and will take its default" in text
        assert "Republic of Norvia on 'Rolling blackouts': Wait for attribution" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        state = app.controller.state
        assert state.turn == 2
        assert state.chosen[("grid-down", "norvia")] == "wait"
        assert "summit" in state.released


async def test_advance_without_open_deadlines_needs_no_confirmation(tmp_path: Path) -> None:
    db = new_session(tmp_path, lambda s: s.decide("norvia", "grid-down", "wait", "no"))
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert app.controller.state.turn == 2


async def test_team_status_shows_pending_deadlines_and_last_action(tmp_path: Path) -> None:
    db = new_session(tmp_path, mid_game)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        text = text_of(app.screen.query_one("#teams-panel", TeamStatusPanel))
        assert "Emergency summit (vote in NAC)" in text
        assert "deadline turn 3" in text and "default at the next advance" in text
        assert "last: Republic of Norvia decided on 'Rolling blackouts': Wait for attribution" in text


async def test_tabs_and_log(tmp_path: Path) -> None:
    db = new_session(tmp_path, mid_game)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for key, pane in (("3", "state"), ("4", "traffic-tab"), ("5", "log"), ("6", "notes"), ("1", "msel")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.query_one(TabbedContent).active == pane
        await pilot.click("#--content-tab-teams")  # the mouse works too
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "teams"
        await pilot.press("5")
        await pilot.pause()
        log = app.screen.query_one("#event-log")
        lines = " ".join(" ".join(line.text for line in log.lines).split())
        assert "Adjudication: Public support, Norvia −6 (a leak to the press)" in lines.replace("\n", "")


# -- live: another terminal's act shows within a second ------------------------------------------------
async def test_another_process_decision_shows_within_a_second(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#side-teams", TeamStatusPanel)
        assert "1 decision pending" in text_of(panel)
        # A team terminal: another process appending to the same file.
        code = ("import sys; from exercise.live import LiveSession; live = LiveSession.open(sys.argv[1]); "
                "live.execute(lambda s: s.decide('norvia', 'grid-down', 'wait', 'we wait')); live.close()")
        subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=60)
        await until(pilot, lambda: "decided on 'Rolling blackouts'" in text_of(panel), tries=50)  # within a second
        assert "decided on 'Rolling blackouts'" in text_of(panel)


# -- end, hot wash, resume ---------------------------------------------------------------------------------
async def test_end_then_hot_wash(tmp_path: Path) -> None:
    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Ending reached on the present state: Coalition holds" in text_of(
            dialog.query_one("#confirm-text"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.controller.state.ended is not None
        assert isinstance(app.screen, HotWashScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        bar = text_of(app.screen.query_one(ClockBar))
        assert "ENDED" in bar and "Coalition holds" in bar
        await pilot.press("a")  # nothing moves after the end
        await pilot.pause()
        assert app.controller.state.turn == 1
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen)


async def test_advancing_past_the_last_turn_ends_and_opens_the_hot_wash(tmp_path: Path) -> None:
    steps = [lambda s: s.decide("norvia", "grid-down", "wait", "no")]
    db = new_session(tmp_path, *steps, lambda s: s.advance(), lambda s: s.advance(), lambda s: s.advance())
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.controller.state.turn == 4
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "last turn" in text_of(dialog.query_one("#confirm-text"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.controller.state.ended is not None
        assert isinstance(app.screen, HotWashScreen)


async def test_resume_after_a_restart_returns_to_the_same_place(tmp_path: Path) -> None:
    db = new_session(tmp_path, mid_game)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_inject(pilot, "second-wave")
        await pilot.press("d", "p")
        await pilot.pause()
        before = (app.controller.state.turn, app.controller.state.paused, dict(app.controller.state.delays),
                  app.controller.state.values(), app.controller.state.next_seq)
    # Quit, then `tabletop play --db FILE` again.
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        state = app.controller.state
        assert (state.turn, state.paused, dict(state.delays), state.values(), state.next_seq) == before
        assert "PAUSED" in text_of(app.screen.query_one(ClockBar))


async def test_an_ended_session_without_its_hot_wash_reopens_on_the_hot_wash(tmp_path: Path) -> None:
    db = new_session(tmp_path, lambda s: s.end("time is up"))
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen)


# -- habits: every action in the palette, keys in the footer, no traceback ----------------------------------
def test_every_declared_action_has_a_method_and_a_help_line() -> None:
    for a in FacilitatorScreen.ACTIONS:
        name = a.action.split("(")[0]
        assert hasattr(FacilitatorScreen, f"action_{name}"), a.action
        assert a.help and a.title
    keys = [a.key for a in FacilitatorScreen.ACTIONS if a.key]
    assert len(keys) == len(set(keys))


async def test_command_palette_lists_the_console_actions(tmp_path: Path) -> None:
    from exercise.ui.commands import ActionsProvider

    db = new_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        provider = ActionsProvider(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        joined = "\n".join(str(t) for t in titles)
        for title in ("Advance the clock", "Rehearse the inject", "Adjudicate", "Write an inject",
                      "Note an observation", "Retract the last event", "End the session"):
            assert title in joined
        assert "Hot wash" not in joined  # only after the end


# -- how it looks ------------------------------------------------------------------------------------------
SIZES = [(80, 24), (120, 40)]


def snap_app(tmp_path: Path, *steps: Callable[[Session], list], theme: str | None = None):  # type: ignore[no-untyped-def,type-arg]
    return app_for(new_session(tmp_path, *steps), tmp_path, theme=theme)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [[], ["2"], ["3"], ["4"], ["5"], ["6"]],
                         ids=["msel", "teams", "state", "traffic", "log", "observations"])
def test_snapshot_console(snap_compare, tmp_path: Path, size: tuple[int, int], keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snap_app(tmp_path, mid_game), press=["_", *keys, "_"], terminal_size=size)


def test_snapshot_console_wide(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snap_app(tmp_path, mid_game), press=["_"], terminal_size=(160, 48))


def test_snapshot_console_light_theme(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snap_app(tmp_path, mid_game, theme="textual-light"), press=["_"], terminal_size=(120, 40))


async def _select_cable(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    pilot.app.screen.query_one(MselTable).select("cable")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [["v"], ["j"], ["w"], ["o"], ["u"], ["a"], ["e"]],
                         ids=["rehearse", "adjudicate", "write-inject", "observation", "retract", "advance", "end"])
def test_snapshot_dialogs(snap_compare, tmp_path: Path, size: tuple[int, int], keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snap_app(tmp_path, mid_game), press=[*keys, "_"], terminal_size=size, run_before=_select_cable)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_ended_console(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    steps = (mid_game, lambda s: s.end("time is up"), lambda s: s.observe("O1", "Shared late", "M", kind="hotwash"))
    assert snap_compare(snap_app(tmp_path, *steps), press=["_"], terminal_size=size)
