"""`tabletop serve` at the HTTP level: the join page, the code for a cookie, 403, 429, and the console refused
without a valid cookie before any process is started (aiohttp's test client against the real server)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from _serve_support import Served, facilitated_mini
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from exercise.serve import cookies
from exercise.serve import process as process_module
from exercise.serve.codes import CONTROL, new_code, team_role
from exercise.serve.console import DB_VARIABLE
from exercise.serve.ratelimit import FailureLimiter
from exercise.serve.server import Workshop, WorkshopServer

pytest.importorskip("textual_serve")


class Spawns:
    """Every console process the server starts, counted at the one call that starts them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.argv: list[tuple[str, ...]] = []
        self.environments: list[dict[str, str]] = []
        real = asyncio.create_subprocess_exec

        async def recording(*args: Any, **kwargs: Any) -> Any:
            self.argv.append(tuple(map(str, args)))
            self.environments.append(dict(kwargs.get("env") or {}))
            return await real(*args, **kwargs)

        monkeypatch.setattr(process_module.asyncio, "create_subprocess_exec", recording)


@pytest.fixture
def served(tmp_path: Path) -> Served:
    return facilitated_mini(tmp_path)


@pytest.fixture
def spawns(monkeypatch: pytest.MonkeyPatch) -> Spawns:
    return Spawns(monkeypatch)


def _server(served: Served, **kwargs: Any) -> WorkshopServer:
    nations = {"norvia": "Norvia", "kessland": "Kessland"}
    return WorkshopServer(Workshop(db=served.db, title="Mini <b>&</b>", nations=nations, hashes=served.hashes,
                                   cookie_key=served.cookie_key), port=0, **kwargs)


@pytest.fixture
async def client(served: Served) -> AsyncIterator[TestClient[Any, Any]]:
    server = _server(served)
    async with TestClient(TestServer(await server._make_app())) as test_client:
        test_client.workshop_server = server  # type: ignore[attr-defined]
        yield test_client


async def _join(client: TestClient[Any, Any], code: str, **headers: str) -> Any:
    return await client.post("/join", data={"code": code}, allow_redirects=False, headers=headers)


async def test_the_join_page_is_a_form_with_a_code_field_and_escapes_the_title(client: TestClient[Any, Any]) -> None:
    response = await client.get("/")
    assert response.status == 200
    page = await response.text()
    assert '<form method="post" action="/join">' in page and 'name="code"' in page
    assert "Mini &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>" not in page
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_a_right_code_gives_a_signed_httponly_strict_cookie_and_a_303(served: Served,
                                                                            client: TestClient[Any, Any]) -> None:
    # typed as people do: lower case, spaces instead of dashes
    response = await _join(client, served.codes.teams["norvia"].lower().replace("-", " "))
    assert response.status == 303
    assert response.headers["Location"] == "/console"
    header = response.headers["Set-Cookie"]
    assert header.startswith(f"{cookies.NAME}=")
    flags = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= flags
    assert "SameSite=Strict" in header
    value = response.cookies[cookies.NAME].value
    assert cookies.verify(value, served.cookie_key, time.time()) == team_role("norvia")
    assert served.codes.teams["norvia"] not in header
    console = await client.get("/console")
    page = await console.text()
    assert console.status == 200 and "data-session-websocket-url" in page
    assert "Mini &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>" not in page
    assert "googleapis" not in page  # nothing fetched from a third party


async def test_a_tampered_or_foreign_cookie_opens_nothing(served: Served, client: TestClient[Any, Any],
                                                          spawns: Spawns) -> None:
    good = cookies.sign(team_role("norvia"), served.cookie_key, time.time())
    body, mac = good.split(".")
    forged_role = cookies.sign(CONTROL, served.cookie_key, time.time()).split(".")[0]
    for value in (f"{forged_role}.{mac}",  # another role, this cookie's signature
                  f"{body}.{mac[:-2]}AA",  # the signature altered
                  cookies.sign(CONTROL, b"k" * 32, time.time()),  # signed with another key
                  cookies.sign(CONTROL, served.cookie_key, time.time() - cookies.MAX_AGE_SECONDS - 5)):  # too old
        client.session.cookie_jar.clear()
        client.session.cookie_jar.update_cookies({cookies.NAME: value})
        assert (await client.get("/console")).status == 403
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws")
        assert refused.value.status == 403
    assert spawns.argv == []


async def test_a_wrong_code_is_403_and_sets_no_cookie(client: TestClient[Any, Any]) -> None:
    for typed in (new_code(), "not a code", ""):
        response = await _join(client, typed)
        assert response.status == 403
        assert "Set-Cookie" not in response.headers
        assert "not a join code" in await response.text()


async def test_repeated_wrong_codes_from_one_address_answer_429_then_the_address_may_try_again(
        served: Served) -> None:
    now = [1000.0]
    server = _server(served, clock=lambda: now[0], limiter=FailureLimiter(max_failures=3, window=60, block=30))
    async with TestClient(TestServer(await server._make_app())) as client:
        statuses = [(await _join(client, new_code())).status for _ in range(3)]
        assert statuses == [403, 403, 403]
        blocked = await _join(client, served.codes.facilitator)  # even the right code waits
        assert blocked.status == 429
        assert 0 < int(blocked.headers["Retry-After"]) <= 30
        other = await _join(client, served.codes.observer, **{"X-Forwarded-For": "10.0.0.9"})  # another laptop
        assert other.status == 303
        now[0] += 31
        assert (await _join(client, served.codes.facilitator)).status == 303


async def test_the_websocket_without_a_cookie_is_refused_before_anything_starts(client: TestClient[Any, Any],
                                                                                spawns: Spawns) -> None:
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect("/ws")
    assert refused.value.status == 403
    assert (await client.get("/download/anything")).status == 403
    assert spawns.argv == []
    assert client.workshop_server.spawned == 0  # type: ignore[attr-defined]


async def test_a_websocket_from_another_site_is_refused_even_with_the_cookie(served: Served,
                                                                             client: TestClient[Any, Any],
                                                                             spawns: Spawns) -> None:
    assert (await _join(client, served.codes.facilitator)).status == 303
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers={"Origin": "https://elsewhere.example"})
    assert refused.value.status == 403
    assert (await _join(client, served.codes.facilitator, Origin="https://elsewhere.example")).status == 403
    assert spawns.argv == []


async def test_the_join_form_sent_from_its_own_page_is_accepted(served: Served, client: TestClient[Any, Any]) -> None:
    page = await client.get("/")
    # Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` with the form, which would be refused.
    assert page.headers["Referrer-Policy"] == "same-origin"
    own = f"http://{client.server.host}:{client.server.port}"
    assert (await _join(client, served.codes.facilitator, Origin=own)).status == 303
    assert (await _join(client, served.codes.facilitator, Origin="null")).status == 403


async def test_an_observer_joins_and_runs_the_observers_console(served: Served, client: TestClient[Any, Any],
                                                                spawns: Spawns) -> None:
    assert (await _join(client, served.codes.observer)).status == 303
    page = await (await client.get("/console")).text()
    assert "textual-terminal" in page and "/ws" in page  # the console page itself, not a notice
    websocket = await client.ws_connect("/ws?width=100&height=30")
    message = await asyncio.wait_for(websocket.receive(), 20)
    assert message.type.name == "BINARY", message
    (argv,) = spawns.argv
    assert argv[-3:] == ("-m", "exercise.serve.console", "--observer")
    assert spawns.environments[0][DB_VARIABLE] == str(served.db)
    assert served.codes.observer not in " ".join(argv)
    await websocket.close()


async def test_the_facilitators_console_is_told_where_the_workshop_is_served(served: Served,
                                                                             spawns: Spawns) -> None:
    nations = {"norvia": "Norvia", "kessland": "Kessland"}
    server = WorkshopServer(Workshop(db=served.db, title="Mini", nations=nations, hashes=served.hashes,
                                     cookie_key=served.cookie_key, url="http://127.0.0.1:8123"), port=0)
    async with TestClient(TestServer(await server._make_app())) as client:
        assert (await _join(client, served.codes.facilitator)).status == 303
        websocket = await client.ws_connect("/ws?width=100&height=30")
        message = await asyncio.wait_for(websocket.receive(), 20)
        assert message.type.name == "BINARY", message
        await websocket.close()
    (argv,) = spawns.argv
    assert argv[-3:] == ("--facilitator", "--served-at", "http://127.0.0.1:8123")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


async def _until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


async def test_a_team_cookie_runs_that_teams_console_and_it_goes_with_the_connection(
        served: Served, client: TestClient[Any, Any], spawns: Spawns) -> None:
    code = served.codes.teams["norvia"]
    assert (await _join(client, code)).status == 303
    websocket = await client.ws_connect("/ws?width=100&height=30")
    received = 0
    while received < 2000:  # the console draws its first screen
        message = await asyncio.wait_for(websocket.receive(), 20)
        assert message.type.name == "BINARY", message
        received += len(message.data)
    (argv,) = spawns.argv
    assert argv[-2:] == ("--team", "norvia") and str(served.db) not in argv
    assert all(code not in word for word in argv)
    assert spawns.environments[0][DB_VARIABLE] == str(served.db)
    assert DB_VARIABLE not in os.environ  # the child's environment only
    server: WorkshopServer = client.workshop_server  # type: ignore[attr-defined]
    (console,) = server.consoles
    pid = console.pid
    assert pid is not None and os.getpgid(pid) == pid  # a process group of its own
    await websocket.close()
    assert await _until(lambda: not _group_alive(pid), 10)
    assert server.consoles == set()
