"""`tabletop play` quit with ctrl+q in a real terminal: with a session open the app asks first, and once the
terminal is back the command prints where the session is kept and the command that returns to it."""

from __future__ import annotations

from pathlib import Path

from harness import command
from test_play_terminal import Terminal


def test_play_prints_the_way_back_after_a_quit(tmp_path: Path) -> None:
    t = Terminal(command("play", "tutorial", "--solo", "maren", "--seed", "7", "--db", "s.sqlite"), tmp_path)
    try:
        t.shows("Maren")
        t.send(b"\x11")  # ctrl+q
        t.shows("Quit?")
        t.send(b"y")
        assert t.finish() == 0
        assert t.after_the_app() == [
            "The session is saved in s.sqlite: `tabletop play --db s.sqlite` returns to it."]
        assert "Traceback" not in t.text()
    finally:
        t.close()
