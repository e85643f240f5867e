"""The processes of the serve load bench: the two servers (ours, and textual-serve serving a bare app), each in a
process group of its own and ended with it; and what each console process costs in memory, read from /proc."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import aiohttp

BARE_APP = '''
from textual.app import App
from textual.widgets import Footer, Header, Label, Static, TabbedContent, TabPane


class Bare(App):
    BINDINGS = [("x", "press", "Press"), ("1", "tab('one')", "One"), ("2", "tab('two')", "Two")]
    presses = 0

    def compose(self):
        yield Header()
        with TabbedContent(initial="one"):
            with TabPane("One", id="one"):
                yield Label("hello")
                yield Static("words of the first tab")
            with TabPane("Two", id="two"):
                yield Static("words of the second tab")
        yield Footer()

    def action_press(self):
        self.presses += 1
        self.query_one(Label).update(f"pressed {self.presses}")

    def action_tab(self, tab):
        self.query_one(TabbedContent).active = tab


Bare().run()
'''

BARE_SERVER = '''
import sys

from textual_serve.server import Server

Server(sys.argv[1], host="127.0.0.1", port=int(sys.argv[2]), title="bare").serve()
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)


def start_bare_server(work: Path, port: int) -> subprocess.Popen[bytes]:
    """textual-serve's own Server running a bare app: the command goes through a shell, as textual-serve does it."""
    app, server = work / "bare_app.py", work / "bare_server.py"
    app.write_text(BARE_APP, encoding="utf-8")
    server.write_text(BARE_SERVER, encoding="utf-8")
    return start([sys.executable, str(server), f"{sys.executable} {app}", str(port)], work, work / "bare.log")


async def until_listening(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"{process.args!r} ended with {process.returncode} before listening: {said}")
            with suppress(aiohttp.ClientError, OSError):
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)):
                    return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing listened at {url} in {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM to the whole group (the server ends its consoles), SIGKILL to what is left after `grace`."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(grace)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(5)


# -- memory ------------------------------------------------------------------------------------------------------
def _parents() -> dict[int, int]:
    """pid -> parent pid, for every process we may read."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: the fields after it are fixed
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(entry)] = int(fields[1])
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def console_memory(server: int) -> dict[int, int]:
    """Each console the server started (a child of it) -> the RSS in KiB of that child and all its descendants:
    our consoles are process groups of their own; textual-serve's are a shell and the app under it."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)

    def tree(pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    return {child: sum(_rss_kib(p) for p in tree(child)) for child in children.get(server, [])}

