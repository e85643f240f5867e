"""The spares `tabletop serve` keeps ready (exercise/serve/spare.py): from the server's start one for each role with
no console open, so a room that joins at once is served by processes started ahead; each becomes the console its
cookie names (its own words on screen, at the browser's size) and goes with its connection as any console does;
the pool shrinks as roles come in, and a stopping server ends the spares nobody took."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _serve_support import Served, facilitated_mini
from aiohttp.test_utils import TestClient, TestServer

from exercise.serve.server import Workshop, WorkshopServer
from exercise.serve.spare import SPARE_MODULE, Spares

pytest.importorskip("textual_serve")

_ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>A-Za-z])")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


async def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


async def _screen(client: TestClient[Any, Any], code: str, words: str, rows: int) -> tuple[Any, str, int]:
    """The websocket, the words of the first screen, and the lowest row the console drew on."""
    assert (await client.post("/join", data={"code": code}, allow_redirects=False)).status == 303
    websocket = await client.ws_connect(f"/ws?width=100&height={rows}")
    raw = ""
    deadline = time.monotonic() + 30
    while words not in _ESCAPES.sub("", raw) and time.monotonic() < deadline:
        message = await asyncio.wait_for(websocket.receive(), 30)
        assert message.type.name == "BINARY", (message, raw[-500:])
        raw += message.data.decode("utf-8", "replace")
    drawn = [int(row) for row in re.findall(r"\x1b\[(\d+);\d+H", raw)]
    return websocket, _ESCAPES.sub("", raw), max(drawn, default=0)


async def test_spares_wait_from_the_start_one_a_role_and_each_becomes_the_console_its_cookie_names(
        tmp_path: Path) -> None:
    served: Served = facilitated_mini(tmp_path)
    spares = Spares(delay=0.1)
    server = WorkshopServer(Workshop(db=served.db, title="Mini", nations={"norvia": "Norvia", "kessland": "Kessland"},
                                     hashes=served.hashes, cookie_key=served.cookie_key), port=0, spares=spares)
    roles = len(served.hashes)  # control, Norvia (Kessland is a bot's), the observer
    assert roles == 3
    async with TestClient(TestServer(await server._make_app())) as client:
        # before anyone connects, a spare for each role
        assert await _until(lambda: len(spares.ready) == roles, 30), f"spares at the start: {spares.ready}"
        first = spares.ready
        for pid in first:
            assert SPARE_MODULE.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()

        observer, text, _ = await _screen(client, served.codes.observer, "observer", 24)
        websocket, text, lowest = await _screen(client, served.codes.teams["norvia"], "team console", 30)
        pids = {console.pid for console in server.consoles}
        assert pids <= set(first) and len(pids) == 2  # both connections were served by spares started ahead
        assert "Norvia" in text and "observer" not in text
        assert lowest == 30  # drawn at this browser's size, not the one the spare was started with
        (team,) = [c.pid for c in server.consoles if c.pid is not None and c.pid != first[0]]
        assert team is not None and os.getpgid(team) == team  # a group of its own, as a console started afresh
        # two roles are in: the pool keeps one for the role still out, not three
        assert server.spares_wanted() == 1
        assert await _until(lambda: len(spares.ready) == 1, 30)
        await asyncio.sleep(0.5)
        assert len(spares.ready) == 1, spares.ready
        await websocket.close()
        assert await _until(lambda: not _alive(team), 15), "the console stayed after its connection went"
        await observer.close()
        left = spares.ready
    assert left and await _until(lambda: not any(_alive(pid) for pid in left), 15), "a spare outlived the server"



async def test_a_spare_that_leaves_untaken_is_replaced(tmp_path: Path) -> None:
    """A spare leaves by itself after IDLE_SECONDS (serve started well before the workshop); here one is ended the
    same way from outside: the pool starts another, so the room still finds it full."""
    served: Served = facilitated_mini(tmp_path)
    spares = Spares(delay=0.1)
    server = WorkshopServer(Workshop(db=served.db, title="Mini", nations={"norvia": "Norvia", "kessland": "Kessland"},
                                     hashes=served.hashes, cookie_key=served.cookie_key), port=0, spares=spares)
    async with TestClient(TestServer(await server._make_app())):
        assert await _until(lambda: len(spares.ready) == 3, 30), spares.ready
        gone = spares.ready[0]
        os.killpg(gone, signal.SIGKILL)
        assert await _until(lambda: gone not in spares.ready and len(spares.ready) == 3, 30), spares.ready
        left = spares.ready
    assert await _until(lambda: not any(_alive(pid) for pid in left), 15), "a spare outlived the server"
