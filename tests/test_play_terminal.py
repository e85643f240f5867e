"""`tabletop play` in a real terminal (a pseudo-terminal): how it ends is told by its exit status and one line.

A quit is status 0 and says nothing; Ctrl+C typed into the app is a key, not a crash. An unexpected error
inside the app, SIGINT or SIGTERM give the terminal back (Textual leaves its alternate screen), print one line
and exit non-zero: 1 for an error, 128 + the signal's number for a signal. Never a traceback.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import cli_env, command, tabletop

LEAVE_SCREEN = b"\x1b[?1049l"  # Textual's last act on the terminal: back from the alternate screen
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
WAIT = 60.0  # a bound on any one wait, so a hang fails the test instead of blocking the run

# `tabletop play` with a bug planted in the launcher (and a hostile message, to see it shown as text).
FAILING = """
import sys
from exercise.ui.screens.launcher import LauncherScreen

def on_mount(self):
    raise RuntimeError("launcher exploded [bold]x[/] \\x1b[31mred\\nsecond line")

LauncherScreen.on_mount = on_mount
from exercise.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Terminal:
    """A process on its own pseudo-terminal, which is its controlling terminal, as in a terminal window."""

    def __init__(self, argv: list[str], cwd: Path, size: tuple[int, int] = (100, 30)) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = cli_env({"TERM": "xterm-256color"})
        for name in ("COLUMNS", "LINES"):
            env.pop(name, None)
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                     start_new_session=True, preexec_fn=_take_terminal)
        os.close(slave)
        self.master = master
        self.output = b""

    def _read(self, until: float) -> bool:
        """Read what is there (waiting at most until `until`); False once the terminal is closed."""
        ready, _, _ = select.select([self.master], [], [], max(0.0, min(0.2, until - time.monotonic())))
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every process holding the other side has gone
            return False
        self.output += chunk
        return bool(chunk)

    def shows(self, needle: str) -> None:
        """Wait until the screen has drawn `needle`."""
        deadline = time.monotonic() + WAIT
        while needle not in self.text():
            if not self._read(deadline) or time.monotonic() > deadline:
                raise AssertionError(f"waited for {needle!r}; the terminal got:\n{self.text()[-3000:]}")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def finish(self) -> int:
        """Wait for the process to end (reading everything it writes); its exit status."""
        deadline = time.monotonic() + WAIT
        while self._read(deadline):
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"still running; the terminal got:\n{self.text()[-3000:]}")
        return self.proc.wait(timeout=WAIT)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)
        os.close(self.master)

    def text(self) -> str:
        return ANSI.sub("", self.output.decode("utf-8", errors="replace"))

    def after_the_app(self) -> list[str]:
        """The lines written once Textual gave the terminal back."""
        assert LEAVE_SCREEN in self.output, "the terminal was not given back"
        rest = self.output[self.output.rindex(LEAVE_SCREEN) + len(LEAVE_SCREEN):]
        return [line for line in ANSI.sub("", rest.decode("utf-8", errors="replace")).splitlines() if line.strip()]


def _take_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for t in opened:
        t.close()


def play(terminals: list[Terminal], cwd: Path, *args: str) -> Terminal:
    t = Terminal(command("play", *args), cwd)
    terminals.append(t)
    return t


def test_a_quit_is_status_0_and_ctrl_c_is_only_a_key(tmp_path: Path, terminals: list[Terminal]) -> None:
    t = play(terminals, tmp_path)
    t.shows("Harbour Lights")
    t.send(b"\x03")  # Ctrl+C: in the app's raw mode, a key press (Textual says how to quit), not a signal
    t.shows("to quit the app")
    t.send(b"\x11")  # Ctrl+Q: quit
    assert t.finish() == 0
    assert t.after_the_app() == []
    assert "Traceback" not in t.text()


def test_an_error_in_the_app_is_status_1_and_one_line(tmp_path: Path, terminals: list[Terminal]) -> None:
    t = Terminal([sys.executable, "-c", FAILING, "play"], tmp_path)
    terminals.append(t)
    assert t.finish() == 1
    log = tmp_path / "sessions" / "errors.log"
    assert t.after_the_app() == [
        f"tabletop stopped after an unexpected error: launcher exploded [bold]x[/] \u241b[31mred. Details in {log}."]
    assert "Traceback" not in t.text() and "internal error" not in t.text()
    assert "RuntimeError: launcher exploded" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_gives_the_terminal_back_and_says_so(tmp_path: Path, terminals: list[Terminal],
                                                      signum: signal.Signals) -> None:
    t = play(terminals, tmp_path, "tutorial", "--solo", "maren", "--seed", "7", "--db", "s.sqlite")
    t.shows("Maren")
    drawn = len(t.output)
    t.proc.send_signal(signum)
    assert t.finish() == 128 + signum
    assert LEAVE_SCREEN in t.output[drawn:]
    assert t.after_the_app() == [
        f"tabletop stopped by {signum.name}: the session is saved; `tabletop play --db s.sqlite` returns to it"]
    assert "Traceback" not in t.text()
    again = subprocess.run(command("verify", "s.sqlite"), capture_output=True, text=True, cwd=tmp_path,
                           env=cli_env(), timeout=WAIT, stdin=subprocess.DEVNULL)
    assert again.returncode == 0, again.stdout + again.stderr



def test_without_a_terminal_play_says_so_in_one_line(tmp_path: Path) -> None:
    """Textual draws on stderr, so stderr sent to a file is as much "no terminal" as stdin from /dev/null."""
    master, slave = os.openpty()
    try:
        done = subprocess.run(command("play", "tutorial"), stdin=slave, stdout=slave, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path, env=cli_env(), timeout=WAIT)
    finally:
        os.close(slave)
        os.close(master)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["error: tabletop play needs a terminal on stdin, stdout and stderr "
                                        "(for headless sessions use `tabletop run`)"]
    piped = tabletop("play", "tutorial", cwd=tmp_path)
    assert piped.returncode == 1 and piped.stderr == done.stderr
