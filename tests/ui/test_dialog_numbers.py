"""Every number typed into a dialog is checked there, with one clear line: the adjudication's change (finite,
within the value's range) and the launcher's seed (a whole number within 64 bits)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _play_support import MINI, app_for, control_app, drill_session
from test_facilitator import text_of
from textual.widgets import Input, Select

from exercise.engine.typed import SEED_LIMIT
from exercise.ui.screens.dialogs import AdjudicateDialog
from exercise.ui.screens.launcher import LauncherScreen


@pytest.mark.parametrize(("typed", "says"), [
    ("9" * 400, "That number is too large: Alliance cohesion ranges from 0 to 100."),
    ("=" + "9" * 400, "That number is too large: Alliance cohesion ranges from 0 to 100."),
    ("-" + "9" * 400, "That number is too large: Alliance cohesion ranges from 0 to 100."),
    ("=500", "Alliance cohesion ranges from 0 to 100: =500 is outside it."),
    ("=-1", "Alliance cohesion ranges from 0 to 100: =-1 is outside it."),
    ("+101", "A change of +101 is more than the whole range of Alliance cohesion (0 to 100)."),
    ("1e5", "The change is a number: +5, -3, or =40 to set a value."),
], ids=["400-digits", "set-400-digits", "minus-400-digits", "set-above", "set-below", "add-past-range", "exponent"])
async def test_adjudicate_refuses_a_number_it_cannot_mean(tmp_path: Path, typed: str, says: str) -> None:
    db = drill_session(tmp_path)
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AdjudicateDialog)
        dialog.query_one("#key", Select).value = "cohesion"
        dialog.query_one("#change", Input).value = typed
        dialog.query_one("#reason", Input).value = "a slip of the keyboard"
        await pilot.pause()
        if "e" not in typed:
            assert text_of(dialog.query_one("#preview")).strip() == says  # said while typing, too
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and text_of(dialog.query_one("#problem")).strip() == says
        assert app.controller.state.value("cohesion") == 60
        assert not app._notifications  # in the dialog, not a toast
        dialog.query_one("#change", Input).value = "=100"  # the edge of the range is a value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not dialog and app.controller.state.value("cohesion") == 100


@pytest.mark.parametrize(("typed", "says"), [
    ("9" * 5000, f"The seed must be a whole number from {-SEED_LIMIT} to {SEED_LIMIT - 1}."),
    (str(SEED_LIMIT), f"The seed must be a whole number from {-SEED_LIMIT} to {SEED_LIMIT - 1}, "
                      f"not {SEED_LIMIT}."),
    ("4-2", f"The seed must be a whole number from {-SEED_LIMIT} to {SEED_LIMIT - 1}, not '4-2'."),
], ids=["5000-digits", "past-64-bits", "not-a-number"])
async def test_the_launcher_seed_is_checked_before_the_session_starts(tmp_path: Path, typed: str,
                                                                     says: str) -> None:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    app = app_for(tmp_path, seed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LauncherScreen)
        screen.highlight("scenario", [i.title for i in screen.infos].index("Mini"))
        await pilot.press("o")
        await pilot.pause()
        screen.query_one("#seed", Input).value = typed
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen and app.controller is None
        assert [n.message for n in app._notifications] == [says]
        assert not (tmp_path / "sessions").exists() or not list((tmp_path / "sessions").iterdir())
        screen.query_one("#seed", Input).value = str(SEED_LIMIT - 1)
        await pilot.press("s")
        await pilot.pause()
        assert app.controller is not None and app.controller.state.started.seed == SEED_LIMIT - 1
