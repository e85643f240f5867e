"""Solo play: bots answer, End turn moves the clock, the same seed replays the same game, the debrief."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from _play_support import MINI, SIZES, app_for, steady, type_text, until
from textual.widgets import Static

from exercise.engine.events import DecisionTaken, VoteCast
from exercise.ui.screens.debrief import DebriefScreen
from exercise.ui.screens.team import TeamScreen
from exercise.ui.widgets.confirm import ConfirmScreen


def solo_app(tmp_path: Path, seed: int = 7, nation: str = "norvia"):  # type: ignore[no-untyped-def]
    return app_for(tmp_path, scenario=MINI, solo=nation, seed=seed, db=tmp_path / "solo.sqlite")


async def decide_first(pilot, why: str = "because") -> None:  # type: ignore[no-untyped-def]
    await pilot.press("d")
    await pilot.pause()
    await pilot.press("enter")
    await type_text(pilot, why)
    await pilot.press("enter")
    await pilot.pause()


async def play_through(pilot) -> None:  # type: ignore[no-untyped-def]
    """Decide whatever is open (first available option), end the turn, until the end."""
    app = pilot.app
    for _ in range(20):
        st = app.controller.state
        if st.ended is not None:
            break
        if st.pending("norvia"):
            await decide_first(pilot)
        else:
            await pilot.press("e")
            await pilot.pause()
    await pilot.pause()


def moves(app) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    out = []
    for e in app.controller.state.log:
        ev = e.event
        if isinstance(ev, DecisionTaken):
            out.append((ev.team, ev.inject, ev.option))
        elif isinstance(ev, VoteCast):
            out.append((ev.nation, ev.inject, ev.option))
    return out


async def test_bots_answer_after_the_player_and_end_turn_advances(tmp_path: Path) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.screen.solo
        await decide_first(pilot)
        assert app.controller.state.turn == 1
        await pilot.press("e")  # nothing open: the clock moves at once
        await pilot.pause()
        st = app.controller.state
        assert st.turn == 2 and [p.inject for p in st.pending("norvia")] == ["summit"]
        await decide_first(pilot, "together")
        # the bot (Kessland) voted right after the player, so the Compact has decided
        assert ("summit", "nac") in app.controller.state.chosen
        assert ("kessland", "summit") in [(n, i) for n, i, _ in moves(app)]


async def test_end_turn_with_an_open_decision_asks_first(tmp_path: Path) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.controller.state.turn == 1
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        st = app.controller.state
        assert st.turn == 2
        assert st.chosen[("grid-down", "norvia")] == "wait"  # the default, taken at the deadline


async def test_same_seed_same_game(tmp_path: Path) -> None:
    runs = []
    for n in range(2):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        app = solo_app(folder, seed=11)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await play_through(pilot)
            runs.append((moves(app), app.controller.state.ended.ending, app.controller.state.values()))
    assert runs[0] == runs[1]


async def test_debrief_at_the_end(tmp_path: Path) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await play_through(pilot)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        ending = str(app.screen.query_one("#ending", Static).render())
        ended = app.controller.state.ended
        title = {"holds": "Coalition holds", "frays": "Coalition frays"}[ended.ending]
        assert f"■ {title}" in ending and "Where things ended" in ending
        assert "The decisions that moved the state most" in str(app.screen.query_one("#moves", Static).content)
        not_taken = str(app.screen.query_one("#not-taken", Static).content)
        assert "✓ decision:  Share now" in not_taken and "✗ not taken: Wait" in not_taken
        report = str(app.screen.query_one("#report", Static).render())
        assert "tabletop report solo.sqlite --format html -o solo-report" in report  # beside the session file


async def test_write_report_uses_the_report_package_or_says_the_command(tmp_path: Path, monkeypatch) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await play_through(pilot)
        assert isinstance(app.screen, DebriefScreen)
        calls = []

        def write_report(db, formats, out_dir):  # type: ignore[no-untyped-def]
            calls.append((Path(db), formats, Path(out_dir)))
            return [Path(out_dir) / "report.md", Path(out_dir) / "report.html"]

        fake = types.ModuleType("exercise.report")
        fake.write_report = write_report  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "exercise.report", fake)
        await pilot.press("w")
        assert await until(pilot, lambda: bool(app.screen.written))
        assert calls == [(tmp_path / "solo.sqlite", ["md", "html"], tmp_path / "solo-report")]
        written = (tmp_path / "solo-report" / "report.md").resolve()
        assert f"✓ Written: {written}" in str(app.screen.query_one("#report", Static).render())  # the full path
        monkeypatch.setitem(sys.modules, "exercise.report", types.ModuleType("exercise.report"))
        await pilot.press("w")
        await pilot.pause()
        assert any("tabletop report" in n.message for n in app._notifications)


async def test_resume_after_restart_returns_to_the_same_place(tmp_path: Path) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await decide_first(pilot)
        await pilot.press("e")
        await pilot.pause()
        before = (app.controller.state.turn, dict(app.controller.state.chosen), len(app.controller.state.log))
    again = app_for(tmp_path, db=tmp_path / "solo.sqlite")  # `tabletop play --db FILE`
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, TeamScreen) and again.screen.solo and again.screen.nation == "norvia"
        st = again.controller.state
        assert (st.turn, dict(st.chosen), len(st.log)) == before
        assert again.screen.current == "summit"  # the open decision is in front of the player again
        await play_through(pilot)
    ended = app_for(tmp_path, db=tmp_path / "solo.sqlite")
    async with ended.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(ended.screen, DebriefScreen)


async def test_write_report_for_real(tmp_path: Path) -> None:
    pytest.importorskip("exercise.report").write_report  # noqa: B018 - the report package's entry point
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await play_through(pilot)
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("w")
        assert await until(pilot, lambda: bool(app.screen.written), tries=1500)
        names = sorted(p.suffix for p in app.screen.written)
        assert names == [".html", ".md"]
        assert all(p.is_file() and p.parent == tmp_path / "solo-report" for p in app.screen.written)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_solo_debrief(snap_compare, tmp_path: Path, size) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await play_through(pilot)
        pilot.app.clear_notifications()
        await steady(pilot)

    assert snap_compare(solo_app(tmp_path), terminal_size=size, run_before=run_before)


# -- solo: the stand-in facilitator, what the partners did, keys that are safe while typing -------------------


def tutorial_solo(tmp_path: Path, seed: int = 2, nation: str = "maren"):  # type: ignore[no-untyped-def]
    from _play_support import TUTORIAL

    return app_for(tmp_path, scenario=TUTORIAL, solo=nation, seed=seed, db=tmp_path / "solo.sqlite")


async def end_turn(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("e")
    await pilot.pause()
    if isinstance(pilot.app.screen, ConfirmScreen):
        await pilot.press("y")
        await pilot.pause()


async def test_end_turn_lets_the_stand_in_release_manual_injects(tmp_path: Path) -> None:
    """The stand-in's card is the player's to decide: the clock waits for it, and moves once they have."""
    from exercise.engine.events import InjectReleased

    app = tutorial_solo(tmp_path)  # seed 2: the stand-in releases the manual 'cable-cut' at turn 1
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "cable-cut" not in app.controller.state.released
        await end_turn(pilot)
        st = app.controller.state
        released = [e.event for e in st.log if isinstance(e.event, InjectReleased) and e.event.inject == "cable-cut"]
        assert len(released) == 1 and released[0].by == "control"
        assert st.turn == 1 and "cable-cut" in [p.inject for p in st.pending("maren")]  # the clock waits
        assert app.screen.current == "cable-cut"  # on screen, to decide
        just_in = [n.message for n in app._notifications if n.title == "Just in"]
        assert just_in and "needs your decision before the clock moves" in just_in[-1]
        assert "Facilitator" not in just_in[-1]
        # the bots answered the card meanwhile
        bots = {ev.team for e in st.log if isinstance(ev := e.event, DecisionTaken) and ev.inject == "cable-cut"
                and ev.by == "bot"}
        assert bots == {"ostrand", "tarvos"}
        meanwhile = [n.message for n in app._notifications if n.title == "Meanwhile"]
        assert meanwhile and "Ostrand chose" in meanwhile[-1] and "Tarvos chose" in meanwhile[-1]
        await pilot.press("d")  # the open decision on screen: the card
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "survey it together")
        await pilot.press("enter")
        await pilot.pause()
        st = app.controller.state
        assert st.turn == 1  # deciding is not ending the turn
        ours = [ev for e in st.log if isinstance(ev := e.event, DecisionTaken) and ev.inject == "cable-cut"
                and ev.team == "maren"]
        assert [(d.by, d.rationale) for d in ours] == [("team", "survey it together")]
        await end_turn(pilot)
        assert app.controller.state.turn == 2


async def test_ending_the_turn_again_leaves_the_stand_ins_card_to_its_default(tmp_path: Path) -> None:
    app = tutorial_solo(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await end_turn(pilot)
        assert app.controller.state.turn == 1
        await end_turn(pilot)  # asked about the open decisions, and said yes: the player has seen the card
        st = app.controller.state
        assert st.turn == 2
        lapsed = [ev for e in st.log if isinstance(ev := e.event, DecisionTaken) and ev.inject == "cable-cut"
                  and ev.team == "maren"]
        assert [d.by for d in lapsed] == ["deadline"]
        assert not any(isinstance(e.event, DecisionTaken) and e.event.team == "maren" and e.event.by == "team"
                       for e in st.log)


async def test_coalition_tab_shows_what_the_partners_did(tmp_path: Path) -> None:
    app = tutorial_solo(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await end_turn(pilot)
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "coalition"
        feed = str(app.screen.query_one("#coalition-text", Static).render())
        assert "Inject 'The Ardel-1 cable is cut' released by control" in feed
        assert "Ostrand (bot, hawkish) decided on 'The Ardel-1 cable is cut'" in feed and "why: " in feed
        assert "Maren decided" not in feed  # its own moves are in History, not here


async def test_enter_does_not_confirm_end_turn(tmp_path: Path) -> None:
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # a stray Enter cancels, it never ends the turn
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.controller.state.turn == 1


async def test_letters_typed_after_leaving_the_message_box_are_not_shortcuts(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    from exercise.ui.screens import team as team_mod

    # The screen's own clock stands still while the keys come, however slowly a loaded machine delivers
    # them: the pause that turns keys back into shortcuts is the test's to make, not the machine's.
    clock = [1000.0]
    monkeypatch.setattr(team_mod, "monotonic", lambda: clock[0])
    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "we see")
        await pilot.press("tab")  # the focus leaves the box, the person goes on typing
        await type_text(pilot, " the end 1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.controller.state.turn == 1
        assert app.screen.query_one("#tabs").active == "messages"
        assert any("You were typing" in n.message for n in app._notifications)
        box = app.screen.query_one("#team-messages .message-text", Input)
        assert box.value == "we see"
        clock[0] += team_mod.TYPING_PAUSE + 0.1  # a moment later the keys are shortcuts again
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "inbox"


async def test_digits_and_letters_in_a_text_box_stay_in_the_box(tmp_path: Path) -> None:
    from textual.widgets import Input

    app = solo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await type_text(pilot, "1d e2345")
        await pilot.pause()
        box = app.screen.query_one("#team-messages .message-text", Input)
        assert box.value == "1d e2345"
        assert app.screen.query_one("#tabs").active == "messages"
        assert isinstance(app.screen, TeamScreen) and app.controller.state.turn == 1
        await pilot.press("d")
        await pilot.press("enter")  # choose, then type a rationale with shortcut letters and digits in it
        await pilot.pause()
        assert app.focused is box
