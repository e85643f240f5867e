"""The real `tabletop play` in a real terminal (tmux): a whole solo game of the tutorial, to its debrief.

Keys go in with `tmux send-keys`, the screen comes back with `tmux capture-pane`; the test reads the
screen as a person would (the status line says whether a decision is waiting) and checks the session
file afterwards. Then `tabletop play --db FILE` again returns to the debrief.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from _play_support import ROOT, TUTORIAL

from exercise.live import LiveSession

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None or not TUTORIAL.exists(),
                                reason="needs tmux and the tutorial scenario")


class Tmux:
    def __init__(self, command: list[str], cwd: Path, size: tuple[int, int] = (120, 40)) -> None:
        self.name = f"tabletop-{uuid.uuid4().hex[:8]}"
        # A private server (socket in the test's folder): other tmux users on this machine cannot resize,
        # attach to or kill it, and it cannot touch theirs.
        self.tmux = ["tmux", "-S", str(cwd / f".{self.name}.sock")]
        shell = " ".join(_quote(c) for c in command)
        subprocess.run([*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                        "-c", str(cwd), f"{shell}; sleep 120"], check=True)
        # With no client attached tmux may fall back to its default size (80x24) later on: pin it.
        subprocess.run([*self.tmux, "set-option", "-g", "default-size", f"{size[0]}x{size[1]}"], check=True)
        subprocess.run([*self.tmux, "set-window-option", "-t", self.name, "window-size", "manual"], check=True)
        subprocess.run([*self.tmux, "resize-window", "-t", self.name, "-x", str(size[0]), "-y", str(size[1])],
                       check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def text(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)

    def screen(self) -> str:
        out = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def wait_for(self, *needles: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if any(n in shown for n in needles):
                return shown
            if "Traceback" in shown or time.monotonic() > end:
                raise AssertionError(f"waited for {needles}; the screen shows:\n{shown}")
            time.sleep(0.1)

    def settle(self, quiet: float = 0.4, timeout: float = 15.0) -> str:
        """Wait until the screen has stopped changing, as a person waits for it to be drawn."""
        end = time.monotonic() + timeout
        last = self.screen()
        while time.monotonic() < end:
            time.sleep(quiet)
            now = self.screen()
            if now == last:
                return now
            last = now
        return last

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def test_whole_solo_game_of_the_tutorial_in_tmux(tmp_path: Path) -> None:
    db = tmp_path / "solo.sqlite"
    play = [sys.executable, "-m", "exercise.cli", "play"]
    term = Tmux([*play, str(TUTORIAL), "--solo", "maren", "--seed", "3", "--db", str(db)], cwd=tmp_path)
    try:
        term.wait_for("Turn 1/6")
        for _ in range(60):
            term.wait_for("waiting ·", "Nothing waiting", "The ending reached", "anyway?")
            shown = term.settle()
            if "The ending reached" in shown:
                break
            if "anyway?" in shown:  # never expected: we decide before ending the turn
                term.keys("y")
            elif "waiting ·" in shown:
                before = shown
                term.keys("d")
                term.wait_for("Your choice:")
                term.settle()
                term.keys("Enter")  # the option is chosen; the rationale box takes the focus
                term.settle()
                term.text("We weigh it and act")
                term.wait_for("We weigh it and act")  # it is in the box
                term.keys("Enter")
                _wait_change(term, before)
            else:
                before = shown
                term.keys("e")
                _wait_change(term, before)
        shown = term.wait_for("The ending reached")
        assert "The decisions that moved the state most" in shown
        assert "Traceback" not in shown
        term.keys("End")  # the debrief scrolls: the paths not taken and the report command are below
        # The turn's toasts may still cover the right of the screen: wait until the whole command shows.
        shown = term.wait_for("tabletop report solo.sqlite --format html -o solo-report")
        term.keys("C-q")
        term.wait_for("Quit?")  # a session is open: ctrl+q asks first, saying where it is kept
        term.keys("y")
        time.sleep(0.5)
    finally:
        term.close()
    live = LiveSession.open(db)
    try:
        st = live.state
        assert st.ended is not None and st.ended.ending in {e.id for e in live.scenario.endings}
        human = [e.event for e in st.log if getattr(e.event, "by", None) == "team"]
        assert human and all(getattr(ev, "rationale", "") == "We weigh it and act" for ev in human)
    finally:
        live.close()
    again = Tmux([*play, "--db", str(db)], cwd=tmp_path, size=(80, 24))
    try:
        again.wait_for("The ending reached")
        again.keys("C-q", "C-q")  # twice: the second answers the question
    finally:
        again.close()


def _wait_change(term: Tmux, before: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    status = _status(before)
    while time.monotonic() < end:
        now = term.screen()
        if _status(now) != status or "The ending reached" in now or "anyway?" in now:
            return
        time.sleep(0.1)
    raise AssertionError(f"the screen did not change:\n{term.screen()}")


def _status(screen: str) -> str:
    return next((line for line in screen.splitlines() if "Turn " in line and "/6" in line), "")


_ = ROOT
