"""Text boxes: letters and digits typed there are text; Escape leaves the box with the text kept and the keys are
shortcuts again at once; the footer says so while a box has the focus. A dialog's Escape never throws away
what was typed. Toasts on a team console keep clear of the Why? box and its Send button."""

from __future__ import annotations

from pathlib import Path

import pytest
from _play_support import MINI, SIZES, TUTORIAL, app_for, control_app, drill_session, type_text, until
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, TextArea
from textual.widgets._toast import Toast

from exercise.ui.app import TtxApp
from exercise.ui.screens import team as team_mod
from exercise.ui.screens.dialogs import ObservationDialog
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.team import TeamScreen


def solo_app(tmp_path: Path, scenario: Path = MINI, nation: str = "norvia") -> TtxApp:
    return app_for(tmp_path, scenario=scenario, solo=nation, db=tmp_path / "solo.sqlite")


def escape_leaves(app: TtxApp) -> bool:
    """The footer offers Escape as 'Leave the box' (it lists the active bindings)."""
    active = app.screen.active_bindings.get("escape")
    return active is not None and active.binding.description == "Leave the box" and active.binding.show


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The screen's clock stands still: a key after Escape is a shortcut because Escape said so, not because
    the machine was slow enough for the typing pause to pass."""
    clock = [1000.0]
    monkeypatch.setattr(team_mod, "monotonic", lambda: clock[0])
    return clock


async def test_escape_leaves_the_message_box_and_keys_are_shortcuts_again(tmp_path: Path,
                                                                           still_clock: list[float]) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "2 frigates, then d 1")
        box = app.screen.query_one("#team-messages .message-text", Input)
        assert box.value == "2 frigates, then d 1"  # digits and letters are text in a box
        assert escape_leaves(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#team-messages .traffic")  # the reading area
        assert box.value == "2 frigates, then d 1" and not escape_leaves(app)
        await pilot.press("1")  # at once, not after a pause: a shortcut
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "inbox"
        assert not any("You were typing" in n.message for n in app._notifications)
        await pilot.press("m")  # and back: the draft is there to go on with
        await pilot.pause()
        assert app.focused is box and box.value == "2 frigates, then d 1"


async def test_escape_leaves_the_why_box_for_the_options_keeping_the_reason(tmp_path: Path,
                                                                            still_clock: list[float]) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d", "enter")  # choose the first option: the focus goes to Why?
        await pilot.pause()
        why = app.screen.query_one("#decision .rationale", Input)
        assert app.focused is why and escape_leaves(app)
        await type_text(pilot, "we keep 2 ships")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, OptionList) and app.focused.has_class("options")
        assert why.value == "we keep 2 ships"
        await pilot.press("2")  # a shortcut again: the messages
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "messages"
        await pilot.press("d")  # back to the decision: the reason still there, Enter sends it
        await pilot.pause()
        assert why.value == "we keep 2 ships"
        why.focus()
        await pilot.press("enter")
        await pilot.pause()
        decided = [e.event for e in app.controller.state.log if e.event.type == "DecisionTaken"
                   and getattr(e.event, "team", "") == "norvia"]
        assert decided and decided[0].rationale == "we keep 2 ships"


async def test_escape_in_a_dialog_leaves_the_box_before_it_cancels(tmp_path: Path) -> None:
    app = control_app(drill_session(tmp_path), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")  # nothing typed yet: Escape cancels at once, as it always did
        await pilot.pause()
        assert isinstance(app.screen, ObservationDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        await pilot.press("o")
        await pilot.pause()
        await type_text(pilot, "Norvia waited")
        await pilot.press("escape")  # something written: out of the box, the words kept
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ObservationDialog)
        assert not isinstance(app.focused, (Input, TextArea))
        assert dialog.query_one("#text", TextArea).text == "Norvia waited"
        assert any("Esc again closes without saving" in n.message for n in app._notifications)
        await pilot.press("escape")  # asked twice: closed, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert not app.controller.state.observations()


# -- toasts ---------------------------------------------------------------------------------------------------
async def toasts_shown(pilot: Pilot[None], count: int) -> None:
    app = pilot.app
    assert await until(pilot, lambda: len(app.screen.query(Toast)) >= count and all(
        t.region.height for t in app.screen.query(Toast)))
    await pilot.pause()


def uncovered(app: TtxApp, widget: Widget) -> bool:
    """Every cell of the widget shows the widget itself (or a part of it): nothing drawn over it."""
    region = widget.region
    assert region.height, widget
    for y in range(region.y, region.bottom):
        for x in range(region.x, region.right):
            top, _ = app.screen.get_widget_at(x, y)
            if widget is not top and widget not in top.ancestors:
                return False
    return True


def four_toasts(app: TtxApp) -> None:
    """As many as an end of turn brings, one of them long."""
    app.notify("New inject: a long title that wraps onto a second line of the toast", title="From Control",
               timeout=60)
    app.notify("Ostrand chose: share the indicators with all partners now; Tarvos chose: wait",
               title="Meanwhile", timeout=60)
    app.notify("New inject: A claim from 'Low Tide'", title="From the monitoring desk", timeout=60)
    app.notify("Turn 2 begins (D+0 18:00): 2 new injects.", title="The clock moves", timeout=60)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_toasts_keep_clear_of_the_why_box_send_and_the_composer(tmp_path: Path,
                                                                      size: tuple[int, int]) -> None:
    app = solo_app(tmp_path, TUTORIAL, "maren")
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("d", "enter")
        await type_text(pilot, "because")
        assert isinstance(app.screen, TeamScreen)
        four_toasts(app)
        await toasts_shown(pilot, 4)
        decision = app.screen.query_one("#decision")
        assert uncovered(app, decision.query_one(".rationale")) and uncovered(app, decision.query_one(Button))
        newest, _ = app.screen.get_widget_at(*app.screen.query(Toast).last().region.offset)
        assert isinstance(newest, Toast)  # the newest is in view (the oldest may scroll off)
        await pilot.press("escape", "m")  # the message composer, the toasts still up
        await toasts_shown(pilot, 4)
        panel = app.screen.query_one("#team-messages")
        for part in (".recipient", ".message-text", ".send"):
            assert uncovered(app, panel.query_one(part)), part


async def test_escape_in_the_hot_wash_leaves_the_box_before_it_goes_back(tmp_path: Path) -> None:
    from exercise.ui.screens.hotwash import HotWashScreen

    app = control_app(drill_session(tmp_path, lambda s: s.end("time is up")), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen)  # ended before its hot wash: it opens there
        box = app.focused
        assert isinstance(box, Input)
        await type_text(pilot, "attribution was fast")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen) and not isinstance(app.focused, Input)
        assert box.value == "attribution was fast"
        await pilot.press("escape")  # asked twice: back to the console
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
