"""A browser's side of a served console, spoken with aiohttp: what textual-serve's JS client (static/js/textual.js)
sends and receives, without a browser (eleven Chromiums would swamp two cores and measure Chromium).

The protocol, as textual-serve 1.1 speaks it: the client sends JSON arrays as text frames (`["stdin", keys]`,
`["resize", {"width", "height"}]`, `["ping", n]`); the app's screen comes back as binary frames of ANSI text, one
frame per write of the app's web driver. What a person would see is that text with the escape sequences taken out:
a word drawn in one style arrives whole, so a marker chosen from one widget's text is found in it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from contextlib import suppress

import aiohttp

# CSI, OSC, charset and two-byte escapes: what Textual writes around the text
_ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>A-Za-z])")
_KEEP = 400_000  # characters of screen text kept per connection; older text is never searched again
ENTER, ESCAPE, CTRL_S, TAB = "\r", "\x1b", "\x13", "\t"


def visible(data: bytes) -> str:
    return _ESCAPES.sub("", data.decode("utf-8", "replace"))


class Console:
    """One websocket to one console. Everything it is shown is kept as text, with a position, so a wait for a
    marker looks only at what arrived after a key was sent."""

    def __init__(self, http: aiohttp.ClientSession, url: str, label: str, size: tuple[int, int] = (120, 40)) -> None:
        self.http = http
        self.url = url
        self.label = label
        self.size = size
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._text = ""
        self._base = 0  # position of self._text[0] in everything received
        self._arrived = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self.opened = 0.0  # time.perf_counter() when its first screen came

    @property
    def position(self) -> int:
        return self._base + len(self._text)

    async def open(self, first: str, timeout: float) -> float:
        """Open the websocket and wait for the first frame that shows `first`: seconds from opening."""
        t0 = time.perf_counter()
        width, height = self.size
        self.ws = await asyncio.wait_for(
            self.http.ws_connect(f"{self.url}/ws?width={width}&height={height}", autoping=True), timeout)
        self._reader = asyncio.create_task(self._read())
        if await self.wait_for((first,), 0, timeout - (time.perf_counter() - t0)) is None:
            raise TimeoutError(f"{self.label}: the first screen never showed {first!r} in {timeout:.0f} s; "
                               f"it ended with {self._text[-300:]!r}")
        self.opened = time.perf_counter()
        return self.opened - t0

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    self._text += visible(message.data)
                    if len(self._text) > _KEEP:
                        cut = len(self._text) - _KEEP // 2
                        self._text = self._text[cut:]
                        self._base += cut
                    self._arrived.set()
        finally:
            self._arrived.set()  # a wait for a marker ends with the connection

    def shown_since(self, position: int) -> str:
        return self._text[max(position - self._base, 0):]

    async def wait_for(self, markers: tuple[str, ...], since: int, timeout: float) -> str | None:
        """The first of `markers` found in what arrived after position `since`, or None at the timeout or when
        the connection ends."""
        deadline = time.perf_counter() + timeout
        while True:
            shown = self.shown_since(since)
            for marker in markers:
                if marker in shown:
                    return marker
            left = deadline - time.perf_counter()
            if left <= 0 or self._reader is None or self._reader.done():
                return None
            self._arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)

    async def send(self, keys: str) -> None:
        assert self.ws is not None
        await self.ws.send_str(json.dumps(["stdin", keys]))

    async def key(self, keys: str, expect: tuple[str, ...], timeout: float) -> tuple[float | None, str | None]:
        """Send `keys`; seconds until the screen shows one of `expect` (None when it never did), and which."""
        since = self.position
        t0 = time.perf_counter()
        await self.send(keys)
        found = await self.wait_for(expect, since, timeout)
        return (time.perf_counter() - t0 if found is not None else None), found

    async def type(self, text: str, pause: float = 0.03) -> None:
        """Typed as a quick person types: one key a frame, a few hundredths of a second apart."""
        for ch in text:
            await self.send(ch)
            await asyncio.sleep(pause)

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            with suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 10)
        if self._reader is not None:
            self._reader.cancel()
            with suppress(BaseException):
                await self._reader
