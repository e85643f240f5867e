"""The launcher with hostile or broken files in the working folder: each is listed with its problem, and none
blocks the list or takes the launcher down."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from _play_support import MINI, app_for
from textual.widgets import OptionList, Static

from exercise.ui.screens.launcher import LauncherScreen


def bomb(folder: Path) -> None:
    lines = ["ttx: 1", "id: bomb", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    (folder / "bomb.yaml").write_text("\n".join(lines) + "\n")


async def test_broken_local_files_are_listed_with_their_problem(tmp_path: Path) -> None:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    bomb(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LauncherScreen)
        by_name = {i.path.name: n for n, i in enumerate(screen.infos) if i.source == "local"}
        assert set(by_name) == {"mini.yaml", "bomb.yaml", "pipe.yaml"}
        choices = screen.query_one("#choices", OptionList)
        prompt = str(choices.get_option(f"scenario-{by_name['bomb.yaml']}").prompt)
        assert "bomb.yaml" in prompt and "does not load" in prompt
        for name, code in (("bomb.yaml", "yaml-size"), ("pipe.yaml", "not-a-file")):
            screen.highlight("scenario", by_name[name])
            await pilot.pause()
            text = str(screen.query_one("#scenario-info", Static).render())
            assert "does not load" in text and f"error[{code}]" in text, text
            await pilot.press("s")  # Start: refused with the reason, nothing started
            await pilot.pause()
            assert isinstance(app.screen, LauncherScreen)
        screen.highlight("scenario", by_name["mini.yaml"])  # the good one next to them still works
        await pilot.pause()
        assert "Nations: Norvia, Kessland" in str(screen.query_one("#scenario-info", Static).render())
