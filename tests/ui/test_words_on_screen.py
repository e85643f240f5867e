"""The engine's words on the screens, driven as a person drives them: Adjudicate names every value with its
nation, the debrief says a defaulted decision was the deadline's (not 'taken' or 'Chose'), and the facilitator's
detail says how a vote stands."""

from __future__ import annotations

import io
from pathlib import Path

from _play_support import MINI, app_for, control_app, drill_session
from rich.console import Console
from textual.widgets import Input, Select, Static

from exercise.engine.session import Session
from exercise.ui.screens.debrief import DebriefScreen
from exercise.ui.screens.dialogs import AdjudicateDialog
from exercise.ui.screens.hotwash import HotWashScreen
from exercise.ui.widgets.confirm import ConfirmScreen
from exercise.ui.widgets.inject_preview import InjectPreview
from exercise.ui.widgets.msel_table import MselTable


def shown(content: object) -> str:
    """What a widget's Rich content says, as plain text (rendered wide, so nothing wraps)."""
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def prompts(select: Select[str]) -> dict[str, str]:
    """What each choice of a Select reads, by its value."""
    return {str(value): str(prompt) for prompt, value in select._options if isinstance(value, str)}


async def test_adjudicate_names_each_value_with_its_nation(tmp_path: Path) -> None:
    db = drill_session(tmp_path, lambda s: s.adjudicate("support[kessland]", +7, "a good speech"))
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AdjudicateDialog)
        said = prompts(dialog.query_one("#key", Select))
        # One entry per nation, each naming it, with its own current value: never the bare label five times over.
        assert said["support[norvia]"] == "Public support, Norvia (now 55)"
        assert said["support[kessland]"] == "Public support, Kessland (now 47)"
        assert said["support[aldmark]"] == "Public support, Aldmark (now 55)"
        assert said["trust[norvia][kessland]"] == "Trust, Norvia → Kessland (now 35)"
        assert said["cohesion"] == "Alliance cohesion (now 60)"
        assert len(set(said.values())) == len(said)
        dialog.query_one("#key", Select).value = "support[kessland]"
        dialog.query_one("#change", Input).value = "-5"
        await pilot.pause()
        preview = str(dialog.query_one("#preview", Static).render())
        assert "Public support, Kessland: 47 → 42 (−5, worse)" in preview
        dialog.query_one("#reason", Input).value = "protests"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.controller.state.value("support[kessland]") == 42


async def test_the_facilitators_detail_says_how_a_vote_stands(tmp_path: Path) -> None:
    def summit(s: Session) -> list:  # type: ignore[type-arg]
        out = s.decide("norvia", "grid-down", "wait", "attribution first")
        out += s.advance()  # turn 2: the emergency summit goes to the Compact
        out += s.decide("kessland", "summit", "act", "together")
        return out

    app = control_app(drill_session(tmp_path, summit), tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "summit" in app.controller.state.released
        app.screen.query_one(MselTable).select("summit")
        await pilot.pause()
        detail = " ".join(shown(app.screen.query_one(InjectPreview).content).split())
    # The Compact by name (not 'nac'), the count against all members, the option by its label.
    assert "by vote in the North Atlantic Compact: 1 of 3 members have voted so far " \
           "(1 for Act together, 2 did not vote)" in detail


async def test_the_debrief_says_the_deadline_took_the_default(tmp_path: Path) -> None:
    """Solo on the mini scenario: the player lets the first decision lapse, so the debrief must not say it was
    chosen or 'taken': the deadline passed and the default was taken."""
    app = app_for(tmp_path, scenario=MINI, solo="norvia", seed=7, db=tmp_path / "solo.sqlite")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(20):  # end every turn without deciding
            if app.controller.state.ended is not None:
                break
            await pilot.press("e")
            await pilot.pause()
            if isinstance(app.screen, ConfirmScreen):  # 'end the turn anyway?'
                await pilot.press("y")
                await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        moves = str(app.screen.query_one("#moves", Static).content)
        not_taken = str(app.screen.query_one("#not-taken", Static).content)
        ending = str(app.screen.query_one("#ending", Static).content)
    assert "Decision: deadline passed, default taken: Wait" in " ".join(moves.split())
    assert "✓ decision:  deadline passed, default taken: Wait" in not_taken
    assert "Chose" not in moves and "taken: Wait" in not_taken
    assert "Changes: + raises a value" in " ".join(ending.split())  # the legend under the changes


async def test_the_hot_wash_starts_from_what_happened_in_the_engines_words(tmp_path: Path) -> None:
    db = drill_session(tmp_path, lambda s: s.advance(), lambda s: s.end("time is up"))  # Norvia let it lapse
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen)
        said = [" ".join(str(w.content).split()) for w in app.screen.query(".happened").results(Static)]
    assert said[0] == \
        "What happened: • Rolling blackouts · Norvia: deadline passed, default taken: Wait for attribution"
    assert said[1] == "What happened: no decision on this objective"  # O2's summit is still open
