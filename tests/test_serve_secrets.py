"""No secret of a served workshop reaches the process list: a real `tabletop serve` on a PostgreSQL session whose
URL carries a password, with a team's console running, and every process's /proc/PID/cmdline read as any user of
the machine could read it.

The password is the test server's own when its URL has one; otherwise a made-up one, which a server that trusts
local connections (this project's machines, the embedded one) accepts and ignores: the console's first screen
shows that it connected with the URL it was handed.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import re
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import pytest
from harness import MINI, cli_env, command

pytest.importorskip("textual_serve")


def _with_password(db: str) -> tuple[str, str]:
    """`db` with a password in its URL, and that password."""
    parts = urlsplit(db)
    if parts.password:
        return db, parts.password
    secret = "pw" + secrets.token_hex(8)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or getpass.getuser()
    return urlunsplit((parts.scheme, f"{user}:{secret}@{host}", parts.path, parts.query, parts.fragment)), secret


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command_lines() -> dict[int, bytes]:
    """Every process's command line, as `ps` shows it to anyone."""
    lines = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "cmdline").read_bytes()
            except OSError:  # gone meanwhile, or not ours to read
                continue
    return lines


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


async def _console_text(port: int, code: str, until: str) -> tuple[str, aiohttp.ClientSession, object]:
    """Join with `code`, open the console's websocket and read its screen until `until` shows."""
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    joined = await session.post(f"http://127.0.0.1:{port}/join", data={"code": code}, allow_redirects=False)
    assert joined.status == 303
    websocket = await session.ws_connect(f"http://127.0.0.1:{port}/ws?width=120&height=40")
    seen = ""
    deadline = time.monotonic() + 30
    while until not in seen and time.monotonic() < deadline:
        message = await asyncio.wait_for(websocket.receive(), 30)
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", message.data.decode("utf-8", "replace"))
        elif message.type != aiohttp.WSMsgType.TEXT:
            break
    return seen, session, websocket


async def test_no_password_or_join_code_is_on_any_command_line(tmp_path: Path, pg_session: str) -> None:
    db, secret = _with_password(pg_session)
    codes_file, port = tmp_path / "codes.json", _free_port()
    server = subprocess.Popen(command("serve", MINI, "--db", db, "--codes", codes_file, "--port", port),
                              cwd=tmp_path, env=cli_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not listen"
                await asyncio.sleep(0.1)
        codes = json.loads(codes_file.read_text())
        every_code = [codes["facilitator"], codes["observer"], *codes["teams"].values()]
        assert "serve" in (Path(f"/proc/{server.pid}/cmdline").read_bytes().decode())  # the right process

        text, session, websocket = await _console_text(port, codes["teams"]["norvia"], "Norvia")
        try:
            assert "Norvia" in text  # the console opened the session with the password it was handed
            consoles = [pid for pid in _children(server.pid)
                        if b"exercise.serve.console" in Path(f"/proc/{pid}/cmdline").read_bytes()]
            assert len(consoles) == 1
            lines = _command_lines()
            assert server.pid in lines and consoles[0] in lines
            for pid, line in lines.items():
                assert secret.encode() not in line, f"the password is on the command line of process {pid}"
                for code in every_code:
                    for form in (code, code.replace("-", "")):
                        assert form.encode() not in line, f"a join code is on the command line of process {pid}"
            # the role, as words: a console started afresh has its arguments NUL-separated, a spare that became
            # the console wrote its line with spaces (setproctitle)
            assert b"--team norvia" in lines[consoles[0]].replace(b"\x00", b" ")
        finally:
            await websocket.close()  # type: ignore[attr-defined]
            await session.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            out, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
    assert secret not in out + err
