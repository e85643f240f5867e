"""One console process per browser connection, started without a shell and in a process group of its own, and
killed with that whole group when the connection goes.

textual-serve's AppService runs its command through a shell and stops it by asking it to quit; a console that
does not answer (busy, or stuck) would stay behind with its children. This one takes an argument list, so
nothing is ever parsed by a shell, and after a short wait for a clean quit it ends the group: SIGTERM, then
SIGKILL.

What the console needs that may be secret (the session's URL, which can carry a password) goes in `environment`,
added to the child's environment only: a command line is in every user's process list.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable
from contextlib import suppress

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from .spare import Spares

QUIT_SECONDS = 3.0  # a console asked to quit saves its place and draft first
TERM_SECONDS = 2.0


class ConsoleProcess(AppService):
    def __init__(self, argv: list[str], *, write_bytes: Callable[[bytes], Awaitable[None]],
                 write_str: Callable[[str], Awaitable[None]], close: Callable[[], Awaitable[None]],
                 download_manager: DownloadManager, environment: dict[str, str] | None = None,
                 spares: Spares | None = None) -> None:
        # The base class keeps `command` for its messages; it is never run through a shell here.
        super().__init__(shlex.join(argv), write_bytes=write_bytes, write_str=write_str, close=close,
                         download_manager=download_manager)
        self.argv = argv
        self.environment = dict(environment or {})
        self.spares = spares  # a console started ahead to take over (spare.py), when the server keeps one

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        """The environment the console process is started with: textual-serve's for its web driver, then ours."""
        return {**self._build_environment(width=width, height=height), **self.environment}

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self.start_environment(width, height)
        spare = await self.spares.take(self.argv, environment, width, height) if self.spares is not None else None
        self._process = process = spare or await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,  # its own process group: killed as one, never with the server's signals
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the console to quit; after QUIT_SECONDS, end its process group. Safe to call twice."""
        process = self._process
        if process is None:
            return
        if self._task is not None:
            with suppress(TimeoutError, asyncio.CancelledError, ConnectionError):
                await asyncio.wait_for(super().stop(), QUIT_SECONDS)
            self._task = None
        await self._end_group(process)

    async def _end_group(self, process: Process) -> None:
        # The group outlives its leader when the console started children; kill it even after a clean quit.
        group = process.pid
        for sig, wait in ((signal.SIGTERM, TERM_SECONDS), (signal.SIGKILL, None)):
            if process.returncode is not None and sig == signal.SIGTERM:
                continue
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
            if wait is not None:
                with suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), wait)
        with suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), TERM_SECONDS)
