"""`--library-path` reaches the UI: a scenario including a library from such a folder starts, from the command
line (`tabletop play SCENARIO --solo NATION --library-path DIR`, in tests/test_play_library_path.py) and from
the launcher; without the folder it does not load."""

from __future__ import annotations

import shutil
from pathlib import Path

from _play_support import ROOT, app_for

from exercise.ui.screens.launcher import LauncherScreen
from exercise.ui.screens.team import TeamScreen

FIXTURE = ROOT / "tests" / "fixtures" / "library-path"  # work/scenario.yaml includes common.yaml from shared/


def with_library(tmp_path: Path) -> tuple[Path, Path]:
    """(a local scenario in tmp_path/work that includes common.yaml, the folder elsewhere that holds it)."""
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    return tmp_path / "work" / "scenario.yaml", tmp_path / "shared"


async def test_a_solo_game_starts_with_a_library_from_the_folder(tmp_path: Path) -> None:
    scenario, shared = with_library(tmp_path)
    app = app_for(tmp_path / "work", scenario=scenario, solo="norvia", library=[shared])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert "shared-alert" in app.controller.state.released


async def test_the_launcher_compiles_and_starts_it_with_the_folder(tmp_path: Path) -> None:
    scenario, shared = with_library(tmp_path)
    for library, starts in (([], False), ([shared], True)):
        app = app_for(tmp_path / "work", library=library)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LauncherScreen)
            screen.highlight("scenario", [i.path for i in screen.infos].index(scenario))
            await pilot.press("o")
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, TeamScreen) is starts
            if starts:
                assert "shared-alert" in app.controller.state.released
