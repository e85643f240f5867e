"""A console process started before the connection that will use it: a spare.

Most of a console's start is Python's: the interpreter, then Textual, the engine, the store and the screens
imported (about two thirds of its time to a first screen, measured by bench/serve_load.py), the same for every
role. `tabletop serve` keeps one process that has done all that and waits; the next browser to connect gets it, is
told which console to be, and sees its first screen in the time the console itself takes. Another spare is
started a moment later (not while the console just handed over draws its first screen).

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
from contextlib import suppress

CONSOLE_MODULE = "exercise.serve.console"
SPARE_MODULE = "exercise.serve.spare"
IDLE_SECONDS = 900.0
WARM_DELAY = 2.0  # seconds after a spare is taken before the next one starts
SIZE = ("COLUMNS", "ROWS")  # set from the connection at the handover, not when the spare started
MAX_LINE = 64 * 1024


class Spares:
    """The server's side: at most one spare, started WARM_DELAY after the last one was asked for."""

    def __init__(self, delay: float = WARM_DELAY) -> None:
        self.delay = delay
        self._spare: tuple[tuple[object, ...], Process] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._starting: asyncio.Task[None] | None = None
        self._closed = False

    @staticmethod
    def _key(environment: dict[str, str]) -> tuple[object, ...]:
        return tuple(sorted((k, v) for k, v in environment.items() if k not in SIZE))

    async def take(self, argv: list[str], environment: dict[str, str], width: int, height: int) -> Process | None:
        """The spare made into the console `argv` names, or None (none ready, or not a console's command line):
        the caller starts the console itself. Either way the next spare is on its way."""
        head = [sys.executable, "-m", CONSOLE_MODULE]
        if self._closed or argv[:3] != head:
            return None
        spare, self._spare = self._spare, None
        self._later(environment)
        if spare is None:
            return None
        key, process = spare
        if key != self._key(environment) or process.returncode is not None or process.stdin is None:
            await end(process)
            return None
        line = json.dumps({"argv": argv[3:], "columns": width, "rows": height}) + "\n"
        try:
            process.stdin.write(line.encode("utf-8"))
            await process.stdin.drain()
        except (ConnectionError, RuntimeError):
            await end(process)
            return None
        return process

    def _later(self, environment: dict[str, str]) -> None:
        if self._timer is not None:
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.delay, self._start_soon, dict(environment))

    def _start_soon(self, environment: dict[str, str]) -> None:
        self._timer = None
        if not self._closed and self._spare is None and (self._starting is None or self._starting.done()):
            self._starting = asyncio.ensure_future(self._start(environment))

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
        self._spare = (self._key(environment), process)

    async def close(self) -> None:
        """End the spare (the server is stopping)."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        if self._starting is not None and not self._starting.done():
            with suppress(asyncio.CancelledError, Exception):
                await self._starting
        spare, self._spare = self._spare, None
        if spare is not None:
            await end(spare[1])


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
