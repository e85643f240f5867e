"""A console process started before the connection that will use it: a spare.

Most of a console's start is Python's: the interpreter, then Textual, the engine, the store and the screens
imported (about two thirds of its time to a first screen, measured by bench/serve_load.py), the same for every
role. `tabletop serve` keeps processes that have done all that waiting, from its start: one for each role (control,
a nation, the observer) that has no console open yet, so a room that joins at once is not all importing at once on
the facilitator's laptop, and one when every role is in. The next browser to connect gets one, is told which
console to be, and sees its first screen in the time the console itself takes. They are started one at a time,
WARM_DELAY apart, the next never while a console just handed over draws its first screen.

    python -m exercise.serve.spare      imports, then reads one line on stdin: {"argv": [...], "columns", "rows"}

The line names the console as console.py's command line would (`--team NATION`, `--served-at URL`); the session
is in the environment the spare was started with, as for any console (console.py). Nothing else differs: the
spare is a child of the server in a process group of its own, ended with that group, its stdin and stdout those
textual-serve speaks through once it is a console. A spare nobody takes leaves after IDLE_SECONDS, and at once
when the server goes (its stdin ends).
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import sys
from asyncio.subprocess import Process
from collections.abc import Callable
from contextlib import suppress

CONSOLE_MODULE = "exercise.serve.console"
SPARE_MODULE = "exercise.serve.spare"
IDLE_SECONDS = 900.0
WARM_DELAY = 2.0  # seconds between starting spares, and after one is taken before the next starts
SIZE = ("COLUMNS", "ROWS")  # set from the connection at the handover, not when the spare started
MAX_LINE = 64 * 1024


class Spares:
    """The server's side: up to `keep()` spares ready, started one at a time, `delay` seconds apart. The server
    asks for one per role nobody has joined yet (a room fills at once when the facilitator says "join now"), and
    for one once every role is in (a reload, a second laptop)."""

    def __init__(self, delay: float = WARM_DELAY, keep: Callable[[], int] = lambda: 1) -> None:
        self.delay = delay
        self.keep = keep
        self._ready: list[tuple[tuple[object, ...], Process]] = []
        self._environment: dict[str, str] | None = None  # what a console is started with, once known
        self._timer: asyncio.TimerHandle | None = None
        self._starting: asyncio.Task[None] | None = None
        self._watchers: set[asyncio.Future[None]] = set()
        self._closed = False

    @staticmethod
    def _key(environment: dict[str, str]) -> tuple[object, ...]:
        return tuple(sorted((k, v) for k, v in environment.items() if k not in SIZE))

    @property
    def ready(self) -> list[int]:
        """The process ids of the spares waiting, oldest first."""
        return [process.pid for _, process in self._ready if process.returncode is None]

    def prime(self, environment: dict[str, str]) -> None:
        """Start filling the pool now, for consoles started with `environment` (the server has just started)."""
        self._environment = dict(environment)
        self._schedule(0.0)

    async def take(self, argv: list[str], environment: dict[str, str], width: int, height: int) -> Process | None:
        """A spare made into the console `argv` names, or None (none ready, or not a console's command line):
        the caller starts the console itself. Either way the pool is filled again, `delay` seconds later (not
        while the console just handed over draws its first screen)."""
        head = [sys.executable, "-m", CONSOLE_MODULE]
        if self._closed or argv[:3] != head:
            return None
        self._environment = dict(environment)
        key = self._key(environment)
        process: Process | None = None
        while self._ready and process is None:
            ready_key, candidate = self._ready.pop(0)
            if ready_key == key and candidate.returncode is None and candidate.stdin is not None:
                process = candidate
            else:
                await end(candidate)
        self._schedule(self.delay)
        if process is None or process.stdin is None:
            return None
        line = json.dumps({"argv": argv[3:], "columns": width, "rows": height}) + "\n"
        try:
            process.stdin.write(line.encode("utf-8"))
            await process.stdin.drain()
        except (ConnectionError, RuntimeError):
            await end(process)
            return None
        return process

    def _schedule(self, after: float) -> None:
        if self._closed or self._timer is not None:
            return  # a start is on its way already
        self._timer = asyncio.get_running_loop().call_later(after, self._start_soon)

    def _start_soon(self) -> None:
        self._timer = None
        if self._closed or self._environment is None:
            return
        if self._starting is not None and not self._starting.done():
            self._schedule(self.delay)
            return
        self._ready = [(key, process) for key, process in self._ready if process.returncode is None]
        if len(self._ready) < self.keep():
            self._starting = asyncio.ensure_future(self._start(dict(self._environment)))

    async def _start(self, environment: dict[str, str]) -> None:
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", SPARE_MODULE, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=environment, start_new_session=True)
        except OSError:
            return  # the next connection starts its console itself, as without spares
        if self._closed:
            await end(process)
            return
        self._ready.append((self._key(environment), process))
        self._watchers.add(watcher := asyncio.ensure_future(self._replace_when_gone(process)))
        watcher.add_done_callback(self._watchers.discard)
        if len(self._ready) < self.keep():
            self._schedule(self.delay)

    async def _replace_when_gone(self, process: Process) -> None:
        """A spare that leaves untaken (IDLE_SECONDS passed: serve was started well before the workshop) is
        replaced, so the room still finds the pool full when it joins."""
        await process.wait()
        if not self._closed and any(waiting is process for _, waiting in self._ready):
            self._schedule(self.delay)

    async def close(self) -> None:
        """End the spares (the server is stopping)."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        if self._starting is not None and not self._starting.done():
            with suppress(asyncio.CancelledError, Exception):
                await self._starting
        ready, self._ready = self._ready, []
        for _, process in ready:
            await end(process)
        for watcher in list(self._watchers):
            watcher.cancel()


async def end(process: Process) -> None:
    """A spare nobody will take: its group ended."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), 5)


# -- the spare's side -------------------------------------------------------------------------------------------
def _warm() -> None:
    """Import what every console imports before its first screen."""
    import textual.drivers.web_driver  # noqa: F401

    import exercise.engine.compile
    import exercise.live
    import exercise.serve.console
    import exercise.store
    import exercise.ui.app
    import exercise.ui.screens.facilitator
    import exercise.ui.screens.observer
    import exercise.ui.screens.team  # noqa: F401


def _handover(timeout: float) -> dict[str, object] | None:
    """The one line the server writes, read a byte at a time: what follows it on stdin is the console's."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([0], [], [], timeout)
        if not ready:
            return None
        byte = os.read(0, 1)
        if not byte or len(data) > MAX_LINE:
            return None  # the server is gone (or speaks nonsense)
        data += byte
    try:
        told = json.loads(data)
    except ValueError:
        return None
    return told if isinstance(told, dict) else None


def main() -> int:
    _warm()
    told = _handover(IDLE_SECONDS)
    if told is None:
        return 0
    argv, columns, rows = told.get("argv"), told.get("columns"), told.get("rows")
    if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv) and isinstance(columns, int)
            and isinstance(rows, int)):
        return 1
    os.environ["COLUMNS"], os.environ["ROWS"] = str(columns), str(rows)
    with suppress(ImportError):  # the process list then names the console as a console started afresh does
        from setproctitle import setproctitle

        setproctitle(" ".join([sys.executable, "-m", CONSOLE_MODULE, *argv]))
    from exercise.serve.console import main as console

    return console(argv)


if __name__ == "__main__":
    raise SystemExit(main())
