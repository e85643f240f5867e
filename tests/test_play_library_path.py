"""`tabletop play SCENARIO --library-path DIR` in a real terminal: the scenario's include is found in DIR and the
game starts; without DIR the command says which include is missing, in one line, before taking the screen."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import FIXTURES, command, tabletop
from test_play_terminal import Terminal


def with_library(tmp_path: Path) -> Path:
    """The folder holding a scenario that includes common.yaml from ../shared."""
    shutil.copytree(FIXTURES / "library-path", tmp_path, dirs_exist_ok=True)
    return tmp_path / "work"


def test_play_finds_the_include_in_the_library_path(tmp_path: Path) -> None:
    work = with_library(tmp_path)
    t = Terminal(command("play", "scenario.yaml", "--solo", "norvia", "--seed", "7", "--db", "s.sqlite",
                         "--library-path", "../shared"), work)
    try:
        t.shows("Shared harbour alert")
        t.send(b"\x11")  # ctrl+q: with a session open it asks first
        t.shows("Quit?")
        t.send(b"y")
        assert t.finish() == 0
    finally:
        t.close()
    assert "Traceback" not in t.text()
    assert (work / "s.sqlite").is_file()


def test_without_the_folder_play_names_the_missing_include(tmp_path: Path) -> None:
    work = with_library(tmp_path)
    done = tabletop("play", "scenario.yaml", "--solo", "norvia", "--db", "s.sqlite", cwd=work)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "common.yaml" in done.stderr and "error[include]" in done.stderr, done.stderr
    assert not (work / "s.sqlite").exists()
    missing = tabletop("play", "scenario.yaml", "--library-path", "nowhere", cwd=work)
    assert missing.returncode == 2 and "--library-path" in missing.stderr and "Traceback" not in missing.stderr

