"""The state dashboard: labels, numbers and bars; per-nation table; trust matrix; sparklines; a team's
view hides control-only variables; 'good: low' turns the colours round and says so."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _play_support import drill_clock, drill_session
from rich.console import Console
from textual.app import App, ComposeResult
from textual.reactive import reactive

from exercise.engine.commands import Adjudicate, Pause, Resume, Send
from exercise.engine.roles import LOCAL
from exercise.live import LiveSession
from exercise.ui.controller import SessionController
from exercise.ui.widgets.gauges import Palette, bar, delta, spark
from exercise.ui.widgets.state_panel import StatePanel


@pytest.fixture
def controller(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = drill_session(tmp_path,
                       # cohesion -3, tension +5
                       lambda s: s.decide("norvia", "grid-down", "wait", "attribution first"),
                       lambda s: s.advance(),
                       lambda s: s.adjudicate("support[kessland]", +7, "good speech"),
                       lambda s: s.adjudicate("leak_risk", +30, "a journalist calls"))
    live = LiveSession.open(db, clock=drill_clock)
    c = SessionController(live, actor=LOCAL)
    yield c
    c.close()


class PanelApp(App[None]):
    log_seq: reactive[int] = reactive(0, init=False)  # the signal TtxApp sets as the log changes

    def __init__(self, controller: SessionController, reader: str | None) -> None:
        super().__init__()
        self.c, self.reader = controller, reader
        controller.listeners.append(lambda _entries: setattr(self, "log_seq", controller.state.next_seq - 1))
        self.log_seq = controller.state.next_seq - 1

    def compose(self) -> ComposeResult:
        yield StatePanel(self.c, self.reader, id="panel")


def text(panel: StatePanel) -> str:
    out = []
    for section in panel.query(".state-section"):
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(section.content)
        out.append(console.export_text())
    return "\n".join(out)


async def test_control_sees_every_value_with_numbers(controller: SessionController) -> None:
    app = PanelApp(controller, None)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = text(app.query_one(StatePanel))
        assert "Alliance cohesion" in shown and "57" in shown
        assert "Regional tension ↓" in shown and "↓ lower is better" in shown
        assert "Leak risk" in shown and "50" in shown  # hidden from teams, not from control
        assert "Public support" in shown and "47 +7" in shown  # Kessland: 40 + 7, with its change
        assert "Trust: how far each row trusts each column" in shown
        assert "Norvia" in shown and "Kessland" in shown and "Aldmark" in shown


async def test_a_team_does_not_see_hidden_values(controller: SessionController) -> None:
    app = PanelApp(controller, "norvia")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = text(app.query_one(StatePanel))
        assert "Leak risk" not in shown
        assert "Alliance cohesion" in shown
        assert "▶ Norvia" in shown  # its own rows are marked, in words and a symbol, not colour


async def test_redraws_when_the_state_changes(controller: SessionController) -> None:
    app = PanelApp(controller, None)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(StatePanel)
        draws: list[object] = []
        drawn = panel.draw
        panel.draw = lambda new: (draws.append(new), drawn(new))  # type: ignore[method-assign]
        controller.execute(Send("norvia", ("kessland",), "a word between partners"))
        controller.execute(Pause())
        await pilot.pause()
        assert draws == []  # a message or a pause moves no value: nothing is laid out again
        controller.execute(Resume())
        controller.execute(Adjudicate("cohesion", 20, "a breakthrough", "set"))
        await pilot.pause()
        assert len(draws) == 1
        assert "20" in text(panel).split("Alliance cohesion")[1].splitlines()[0]


async def test_narrow_panel_still_prints_every_number(controller: SessionController) -> None:
    app = PanelApp(controller, None)
    async with app.run_test(size=(40, 40)) as pilot:
        await pilot.pause()
        shown = text(app.query_one(StatePanel))
        for number in ("57", "35", "50"):
            assert number in shown


def test_gauges() -> None:
    assert spark([0, 50, 100], 0, 100, 10) == "▁▅█"
    assert spark([10, 20, 30, 40], 0, 100, 2) == "▃▄"  # the last values, on the variable's own scale
    assert delta([50, 55]) == "+5" and delta([50, 47]) == "−3" and delta([50, 50]) == "" and delta([5]) == ""
    assert bar(50, 0, 100, 10, "red").plain == "█████·····"
    p = Palette.of({})
    assert p.rate(0.9) == p.good and p.rate(0.9, "low") == p.bad and p.rate(0.1, "low") == p.good


@pytest.mark.parametrize("size", [(60, 30), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_state_panel(snap_compare, controller: SessionController, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(PanelApp(controller, None), press=["_"], terminal_size=size)
