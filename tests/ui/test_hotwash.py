"""The hot wash after the end: prompts per objective saved as ObservationNoted events, then 'write report'."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from _play_support import control_app as app_for
from _play_support import drill_clock, drill_session, until
from textual.widgets import Input, Select

from exercise.engine.events import ObservationNoted
from exercise.live import LiveSession
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.hotwash import HotWashScreen, report_command


def ended_session(tmp_path: Path) -> Path:
    return drill_session(tmp_path, lambda s: s.decide("norvia", "grid-down", "wait", "attribution first"),
                         lambda s: s.advance(), lambda s: s.end("time is up"))


def hotwash_notes(app) -> list[ObservationNoted]:  # type: ignore[no-untyped-def]
    return [e.event for e in app.controller.state.observations()  # type: ignore[misc]
            if isinstance(e.event, ObservationNoted) and e.event.kind in ("strength", "improvement", "hotwash")]


async def test_answers_are_saved_as_events_per_objective(tmp_path: Path) -> None:
    db = ended_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HotWashScreen)  # an ended session without its hot wash opens on it
        assert screen.focused is screen.query_one("#strength-O1", Input)
        await pilot.press(*"CERT called partners fast")
        screen.query_one("#improvement-O1", Input).value = "No sharing template"
        screen.query_one("#rating-O1", Select).value = "S"
        screen.query_one("#rating-O2", Select).value = "U"
        screen.query_one("#general", Input).value = "Good energy in the room"
        await pilot.press("ctrl+s")
        await pilot.pause()
        notes = hotwash_notes(app)
        got = {(n.objective, n.kind, n.rating) for n in notes}
        assert got == {("O1", "strength", None), ("O1", "improvement", None), ("O1", "hotwash", "S"),
                       ("O2", "hotwash", "U"), (None, "hotwash", None)}
        assert next(n.text for n in notes if n.kind == "strength") == "CERT called partners fast"
        # One command, one transaction: the five notes are consecutive in the log.
        seqs = [e.seq for e in app.controller.state.observations()]
        assert seqs == list(range(seqs[0], seqs[0] + 5))
        # The boxes are cleared and the saved answers listed.
        assert screen.query_one("#strength-O1", Input).value == ""
        saved = screen.query_one("#hotwash-saved").content
        assert "Saved (5)" in str(saved.renderables[0])
    # They are in the store, for the report.
    live = LiveSession.open(db, clock=drill_clock)
    assert len([e for e in live.state.observations() if e.event.kind != "observation"]) == 5
    live.close()


async def test_nothing_typed_saves_nothing(tmp_path: Path) -> None:
    db = ended_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        before = app.controller.state.next_seq
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.controller.state.next_seq == before


async def test_back_to_the_console_and_the_session_reopens_on_the_console_once_saved(tmp_path: Path) -> None:
    db = ended_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        app.screen.query_one("#rating-O1", Select).value = "M"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)  # the hot wash is done: back where we left


async def test_write_report_says_where_it_went(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_write_report(db_path, formats, out_dir):  # type: ignore[no-untyped-def]
        calls.append((Path(db_path), list(formats), Path(out_dir)))
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        files = [out / "session-aar.md", out / "session-aar.html"]
        for f in files:
            f.write_text("report")
        return files

    fake = types.ModuleType("exercise.report")
    fake.write_report = fake_write_report  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "exercise.report", fake)
    db = ended_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "Report:" in str(app.screen.query_one("#report-where").content), tries=100)
        where = str(app.screen.query_one("#report-where").content)
        assert "session-aar.html" in where
        assert calls == [(db, ["md", "html"], tmp_path / "session-report")]


async def test_without_the_report_package_the_command_is_shown(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "exercise.report", types.ModuleType("exercise.report"))  # no write_report
    db = ended_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("escape")  # from the console this time: x writes the report
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any(report_command(db, tmp_path / "session-report") in m for m in shown)


async def test_report_failure_is_a_notification_not_a_traceback(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(db_path, formats, out_dir):  # type: ignore[no-untyped-def]
        raise RuntimeError("template missing\nwith a second line")

    fake = types.ModuleType("exercise.report")
    fake.write_report = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "exercise.report", fake)
    db = ended_session(tmp_path)
    app = app_for(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "not written" in str(app.screen.query_one("#report-where").content), tries=100)
        assert "template missing" in str(app.screen.query_one("#report-where").content)
        assert any("could not be written" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_hot_wash(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#strength-O1", Input).value = "Norvia's CERT called partners within the hour"
        screen.query_one("#rating-O1", Select).value = "S"

    assert snap_compare(app_for(ended_session(tmp_path), tmp_path), press=["_"], terminal_size=size, run_before=fill)
