"""The workshop's web server: textual-serve's Server (1.1.3, pinned), with a join code in front of every console.

    GET  /           the join page: a form with one field, `code`
    POST /join       a right code: 303 to /console with a signed, HttpOnly, SameSite=Strict cookie naming the
                     role; a wrong one: 403; too many wrong ones from one address: 429 for a while
    POST /leave      forgets this browser's role
    GET  /console    the console page (textual-serve's own), for a browser holding a valid cookie
    GET  /ws         the console's websocket: the cookie is checked before anything is started, then one
                     console process runs for this connection, in the role the cookie names
    GET  /download/… files a console hands to the browser (textual-serve), with a valid cookie only
    GET  /static/…   textual-serve's script and styles

Subclassing leans on textual-serve's internals (`_make_app`, `_process_messages`, the AppService start/stop
protocol, the app_index.html template and its context), hence the exact pin in pyproject's `serve` extra.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from . import cookies, pages
from .codes import CONTROL, OBSERVER, role_nation
from .console import console_argv, console_environment
from .process import ConsoleProcess
from .ratelimit import FailureLimiter
from .spare import Spares
from .stored import role_for_code

if TYPE_CHECKING:
    from exercise.store import Location

log = logging.getLogger("tabletop.serve")

MAX_CONSOLES = 32  # console processes at once: each is a Python process of some 60 MB
MAX_SPARES = 8  # spares waiting at most (each some 55 MB), however many roles the exercise has
MAX_FORM_BYTES = 4096


@dataclass
class Workshop:
    """What the server serves: the session file, whose roles there are, and what each code's hash is."""

    db: Location
    title: str  # the scenario's title (outside text: escaped wherever shown)
    nations: dict[str, str]  # every nation of the scenario: id -> name
    hashes: dict[str, str]  # role -> stored hash of its code (stored.py)
    cookie_key: bytes
    url: str | None = None  # the address serve said it answers on: where the facilitator's console says teams join


def _forwarded(request: web.Request, header: str) -> str | None:
    """A header a reverse proxy on this machine set; None from anyone else (they could say anything)."""
    remote = request.remote or ""
    try:
        local = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        local = False
    value = request.headers.get(header)
    return value.split(",")[-1].strip() if local and value else None


class WorkshopServer(Server):
    def __init__(self, workshop: Workshop, host: str = "127.0.0.1", port: int = 8000, *,
                 clock: Callable[[], float] = time.time, limiter: FailureLimiter | None = None,
                 spares: Spares | None = None) -> None:
        super().__init__("tabletop", host=host, port=port, title="tabletop",
                         templates_path=Path(__file__).with_name("templates"))
        self.workshop = workshop
        self.clock = clock
        self.limiter = limiter if limiter is not None else FailureLimiter()
        self.consoles: set[ConsoleProcess] = set()
        self.spawned = 0  # console processes started since the server started
        self.spares = spares  # console processes started ahead of the next connections (spare.py), if any
        if spares is not None:
            spares.keep = self.spares_wanted

    def initialize_logging(self) -> None:
        """textual-serve's logging, without the local variables it prints in a traceback: a frame that was
        checking a join code holds the code, and a code never reaches a log."""
        from rich.logging import RichHandler

        logging.basicConfig(level="INFO", format="%(message)s", datefmt="[%X]", handlers=[
            RichHandler(show_path=False, show_time=False, rich_tracebacks=True, tracebacks_show_locals=False,
                        console=self.console)])

    # -- the aiohttp application ------------------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_FORM_BYTES, middlewares=[self._headers])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_join_page, name="index"),
            web.post("/join", self.handle_join, name="join"),
            web.post("/leave", self.handle_leave, name="leave"),
            web.get("/console", self.handle_console, name="console"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _headers(self, request: web.Request,
                       handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the join form
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner here; `tabletop serve` has said what it serves before starting. The spares
        start filling now, before the facilitator has read the codes out."""
        if self.spares is not None:
            async def nothing(*_: Any) -> None:
                return None

            probe = ConsoleProcess([], environment=console_environment(self.workshop.db), write_bytes=nothing,
                                   write_str=nothing, close=nothing, download_manager=self.download_manager)
            self.spares.prime(probe.start_environment())

    def spares_wanted(self) -> int:
        """One spare for each role (control, a nation, the observer) with no console open, at least one (a reload,
        a second laptop) and at most MAX_SPARES."""
        return max(1, min(MAX_SPARES, len(self.workshop.hashes) - len(self.consoles)))

    async def on_shutdown(self, app: web.Application) -> None:
        if self.spares is not None:
            await self.spares.close()
        await asyncio.gather(*(console.stop() for console in list(self.consoles)), return_exceptions=True)

    # -- who is asking ----------------------------------------------------------------------------------------
    def role_of(self, request: web.Request) -> str | None:
        """The role this request's cookie was signed for, or None."""
        return cookies.verify(request.cookies.get(cookies.NAME), self.workshop.cookie_key, self.clock())

    def _address(self, request: web.Request) -> str:
        return _forwarded(request, "X-Forwarded-For") or request.remote or "unknown"

    def _https(self, request: web.Request) -> bool:
        return request.secure or _forwarded(request, "X-Forwarded-Proto") == "https"

    @staticmethod
    def _same_origin(request: web.Request) -> bool:
        """A browser names the page a request comes from; one from another site is refused (a websocket is not
        covered by the cookie's SameSite in every browser). Clients that send no Origin still need the cookie."""
        origin = request.headers.get("Origin")
        return origin is None or urlsplit(origin).netloc == request.host

    def _role_name(self, role: str) -> str:
        return pages.role_name(role, self.workshop.nations)

    @staticmethod
    def _html(text: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8", headers=headers)

    # -- joining ----------------------------------------------------------------------------------------------
    async def handle_join_page(self, request: web.Request) -> web.Response:
        role = self.role_of(request)
        return self._html(pages.join_page(self.workshop.title,
                                          joined_as=self._role_name(role) if role is not None else None))

    async def handle_join(self, request: web.Request) -> web.Response:
        if not self._same_origin(request):
            return self._html(pages.message_page("Refused", "This form was sent from another site."), 403)
        address = self._address(request)
        wait = self.limiter.wait(address, self.clock())
        if wait > 0:
            seconds = math.ceil(wait)
            return self._html(pages.message_page(
                "Too many wrong codes", f"Too many wrong codes from this address: try again in {seconds} seconds."),
                429, {"Retry-After": str(seconds)})
        try:
            form = await request.post()
        except (ValueError, web.HTTPException):
            form = None
        typed = form.get("code") if form is not None else None
        role = None
        if isinstance(typed, str):
            role = await asyncio.to_thread(role_for_code, self.workshop.hashes, typed)
        if role is None:
            self.limiter.failed(address, self.clock())
            return self._html(pages.join_page(self.workshop.title, problem="That is not a join code of this "
                                              "exercise. Check it with your facilitator and type it again."), 403)
        self.limiter.succeeded(address)
        log.info("a browser at %s joined as %s", address, role)  # the role, never the code
        response = web.Response(status=303, headers={"Location": "/console"})
        response.set_cookie(cookies.NAME, cookies.sign(role, self.workshop.cookie_key, self.clock()),
                            max_age=cookies.MAX_AGE_SECONDS, path="/", httponly=True, samesite="Strict",
                            secure=self._https(request))
        return response

    async def handle_leave(self, request: web.Request) -> web.Response:
        response = web.Response(status=303, headers={"Location": "/"})
        response.del_cookie(cookies.NAME, path="/")
        return response

    # -- the console ------------------------------------------------------------------------------------------
    def _refusal(self, request: web.Request) -> tuple[int, str] | None:
        """Why this request may not reach a console (a status and a page to answer with), or None when it may."""
        if not self._same_origin(request):
            return 403, pages.message_page("Refused", "The console was asked for from another site.")
        role = self.role_of(request)
        if role is None:
            return 403, pages.message_page(
                "Join first", "This browser has not joined the exercise (or its pass has expired): type your "
                "join code on the join page.")
        if role not in (CONTROL, OBSERVER) and role_nation(role) not in self.workshop.nations:
            return 403, pages.message_page("Refused", "This pass names no role of this exercise.")
        return None

    async def handle_console(self, request: web.Request) -> web.Response:
        refused = self._refusal(request)
        if refused is not None:
            return self._html(refused[1], refused[0])
        scheme = "wss" if self._https(request) else "ws"
        context: dict[str, Any] = {
            "font_size": 16,
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.workshop.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        refused = self._refusal(request)
        if refused is not None:
            return self._html(refused[1], refused[0])
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        refused = self._refusal(request)  # before the handshake, so before anything is started
        if refused is not None:
            raise web.HTTPForbidden(text=refused[1], content_type="text/html")
        role = self.role_of(request)
        assert role is not None
        if len(self.consoles) >= MAX_CONSOLES:
            raise web.HTTPServiceUnavailable(
                text=pages.message_page("Server full", f"{MAX_CONSOLES} consoles are open already."),
                content_type="text/html")
        width = _size(request.query.get("width"), 80)
        height = _size(request.query.get("height"), 24)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        console = ConsoleProcess(console_argv(role, self.workshop.url),
                                 environment=console_environment(self.workshop.db),
                                 write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=close, download_manager=self.download_manager, spares=self.spares)
        self.consoles.add(console)
        try:
            self.spawned += 1
            await console.start(width, height)
            log.info("console %s started for %s", console.pid, role)
            await self._process_messages(websocket, console)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a broken connection: the console goes with it
            log.warning("console for %s ended: %s", role, error)
        finally:
            await console.stop()
            self.consoles.discard(console)
        return websocket


def _size(value: str | None, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, 10), 1000)
