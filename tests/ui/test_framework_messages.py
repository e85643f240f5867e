"""Textual's own words through our plain notify and palette: its ctrl+c hint and its screenshot toast read
as sentences (no '[b]' shown), and the command palette has one Quit, ours."""

from __future__ import annotations

from pathlib import Path

from _play_support import app_for, new_session, until
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.widgets import Input

from exercise.ui.app import TtxApp


def toasts(app: TtxApp) -> list[Content]:
    return [toast.render() for toast in app.screen.query("Toast")]  # type: ignore[misc]


async def test_ctrl_c_says_which_key_quits_in_words(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert not isinstance(app.focused, Input)  # in a text box ctrl+c copies
        await pilot.press("ctrl+c")
        assert await until(pilot, lambda: bool(toasts(app)))
        [toast] = toasts(app)
        assert toast.plain == "Do you want to quit?\nPress ctrl+q to quit the app"
        start = toast.plain.index("ctrl+q")
        assert any(span.start <= start < span.end and "bold" in str(span.style) for span in toast.spans)
        assert app.is_running


async def test_outside_text_in_a_notification_stays_plain(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.clear_notifications()
        app.notify("Press [b]x[/b] [@click=app.quit]now[/]")
        assert await until(pilot, lambda: bool(toasts(app)))
        assert toasts(app)[0].plain == "Press [b]x[/b] [@click=app.quit]now[/]"


async def test_the_screenshot_toast_names_the_file(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.clear_notifications()
        app.deliver_screenshot(path=str(tmp_path), filename="shot [b].svg")
        assert await until(pilot, lambda: bool(toasts(app)), tries=200)
        [toast] = toasts(app)
        assert toast.plain == f"Screenshot\nSaved to {tmp_path / 'shot [b].svg'}"
        assert (tmp_path / "shot [b].svg").is_file()


def _titles(results: CommandList) -> list[str]:
    return [str(getattr(o.prompt, "plain", o.prompt)).splitlines()[0].split("  [")[0] for o in results.options]


async def test_the_palette_has_one_quit_and_it_is_ours(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite")
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        assert await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        results = app.screen.query_one(CommandList)
        assert await until(pilot, lambda: results.option_count > 0, tries=200)
        await pilot.pause(0.3)  # every provider has answered
        listed = _titles(results)
        assert len(listed) == len(set(listed)) and listed.count("Quit") == 1, listed
        await pilot.press(*"quit")
        assert await until(pilot, lambda: _titles(results) == ["Quit"], tries=200), _titles(results)
        prompt = results.get_option_at_index(0).prompt
        assert "tabletop play --db FILE" in str(getattr(prompt, "plain", prompt))  # ours says how to return
