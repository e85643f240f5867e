"""The sessions folder the app makes is private (0700), like the session files in it (0600), whatever the
umask: a session holds every team's private brief and messages, errors.log the tracebacks that may quote them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from _play_support import MINI, app_for
from test_app_errors import Exploding, as_in_a_terminal  # noqa: F401 - a fixture, used by name below

from exercise.ui.screens.team import TeamScreen


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_session_goes_into_a_private_folder(tmp_path: Path, open_umask: None) -> None:
    app = app_for(tmp_path, scenario=MINI, solo="norvia", sessions_dir=tmp_path / "a" / "sessions")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        path = app.controller.live.store.path
    assert path.parent == tmp_path / "a" / "sessions"
    assert mode(tmp_path / "a") == 0o700 and mode(path.parent) == 0o700 and mode(path) == 0o600


@pytest.mark.usefixtures("as_in_a_terminal")
async def test_errors_log_is_private(tmp_path: Path, open_umask: None) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.screen.mount(Exploding())
    where = tmp_path / "sessions" / "errors.log"
    assert app.return_code == 1 and "Traceback" in where.read_text(encoding="utf-8")
    assert mode(where.parent) == 0o700 and mode(where) == 0o600
