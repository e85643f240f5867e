"""The spare console `tabletop serve` keeps ready (exercise/serve/spare.py): the connection after one is served by
a process started ahead, which becomes the console its cookie names (its own words on screen, at the browser's
size), goes with its connection as any console does, and a stopping server ends the spare nobody took."""

from __future__ import annotations

import asyncio
import os
import re
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


async def test_the_next_connection_gets_the_spare_as_the_console_its_cookie_names(tmp_path: Path) -> None:
    served: Served = facilitated_mini(tmp_path)
    spares = Spares(delay=0.1)
    server = WorkshopServer(Workshop(db=served.db, title="Mini", nations={"norvia": "Norvia", "kessland": "Kessland"},
                                     hashes=served.hashes, cookie_key=served.cookie_key), port=0, spares=spares)
    async with TestClient(TestServer(await server._make_app())) as client:
        # no spare yet: started afresh, and the spare after it is started at this connection's size
        websocket, _, _ = await _screen(client, served.codes.observer, "observer", 24)
        await websocket.close()
        assert await _until(lambda: spares._spare is not None, 30), "no spare was started after a connection"
        assert spares._spare is not None
        spare = spares._spare[1].pid
        assert SPARE_MODULE.encode() in Path(f"/proc/{spare}/cmdline").read_bytes()

        websocket, text, lowest = await _screen(client, served.codes.teams["norvia"], "team console", 30)
        (console,) = server.consoles
        assert console.pid == spare  # the spare became this connection's console
        assert "Norvia" in text and "observer" not in text
        assert lowest == 30  # drawn at this browser's size, not the one the spare was started with
        assert os.getpgid(spare) == spare  # a process group of its own, as a console started afresh has
        await websocket.close()
        assert await _until(lambda: not _alive(spare), 15), "the console stayed after its connection went"
        assert await _until(lambda: spares._spare is not None, 30)
        assert spares._spare is not None
        left = spares._spare[1].pid
    assert await _until(lambda: not _alive(left), 15), "the spare outlived the server"
