"""`tabletop serve` on the command line: what it refuses (one line, exit 1), the codes it prints and writes,
keeps and replaces, and the bots the server plays."""

from __future__ import annotations

import json
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _serve_support import facilitated_mini
from harness import MINI, cli_env, command, in_process

from exercise.engine.bots import bots_waiting
from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.serve import stored
from exercise.serve.bots import BotHost

pytest.importorskip("textual_serve")


def _one_line_exit_1(done: subprocess.CompletedProcess[str], says: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert says in lines[0] and "Traceback" not in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_without_the_extra_serve_names_it_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "textual_serve" or m.startswith(("textual_serve.",
                                                                                  "exercise.serve.server",
                                                                                  "exercise.serve.process"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # what `import textual_serve` meets without the extra
    done = in_process("serve", MINI, "--db", tmp_path / "s.sqlite")
    _one_line_exit_1(done, "pip install 'tabletop-exercise[serve]'")
    assert not (tmp_path / "s.sqlite").exists()


@pytest.mark.parametrize(("args", "says"), [
    (["--bot", "atlantis=cautious"], "'atlantis' is not a nation of Mini"),
    (["--bot", "kessland=reckless"], "'reckless' is not a bot profile"),
    (["--bot", "kessland"], "give NATION=PROFILE"),
    (["--port", "0"], "--port"),
    (["--codes", "no-such-folder/codes.json"], "no such folder"),
])
def test_a_bad_line_is_one_line_and_exit_1_and_makes_no_file(tmp_path: Path, args: list[str], says: str) -> None:
    done = in_process("serve", MINI, "--db", tmp_path / "s.sqlite", *args)
    if args[0] == "--port":  # typer's own usage error for a range: exit 2 is its convention
        assert done.returncode != 0 and says in done.stderr and "Traceback" not in done.stderr
    else:
        _one_line_exit_1(done, says)
    assert not (tmp_path / "s.sqlite").exists()


def test_a_scenario_never_takes_over_an_existing_file(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    db.write_bytes(b"someone's notes")
    _one_line_exit_1(in_process("serve", MINI, "--db", db), "already exists")
    assert db.read_bytes() == b"someone's notes"


def test_serving_an_existing_session_refuses_what_it_cannot_serve(tmp_path: Path) -> None:
    _one_line_exit_1(in_process("serve", "--db", tmp_path / "none.sqlite"), "no such session file")
    served = facilitated_mini(tmp_path)
    _one_line_exit_1(in_process("serve", "--db", served.db, "--bot", "kessland=cautious"), "give the SCENARIO")
    solo = tmp_path / "solo.sqlite"
    LiveSession.create(solo, load_scenario(MINI), seed=1, teams={"norvia": "human", "kessland": "bot:cautious"},
                       mode="solo").close()
    _one_line_exit_1(in_process("serve", "--db", solo), "serve runs facilitated sessions")


def test_a_port_in_use_is_one_line_before_any_code_is_made(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = in_process("serve", MINI, "--db", tmp_path / "s.sqlite", "--port", port)
    _one_line_exit_1(done, f"cannot listen on 127.0.0.1:{port}")
    assert not (tmp_path / "s.sqlite").exists()


class Serving:
    """A real `tabletop serve` process, stopped with Ctrl+C as a facilitator stops it."""

    def __init__(self, cwd: Path, *args: object) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(command("serve", *args, "--port", self.port), cwd=cwd, env=cli_env(),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("serve did not listen")

    def stop(self) -> tuple[str, str]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, err
        return out, err


def test_codes_are_printed_once_written_0600_kept_and_replaced(tmp_path: Path) -> None:
    db, codes_file = tmp_path / "s.sqlite", tmp_path / "codes.json"
    first = Serving(tmp_path, MINI, "--db", db, "--codes", codes_file, "--bot", "kessland=cautious")
    out, err = first.stop()
    assert stat.S_IMODE(codes_file.stat().st_mode) == 0o600
    codes = json.loads(codes_file.read_text())
    assert set(codes) == {"url", "facilitator", "observer", "teams"}
    assert codes["url"] == f"http://127.0.0.1:{first.port}"
    assert set(codes["teams"]) == {"norvia"}  # Kessland is the bots'
    every = [codes["facilitator"], codes["observer"], codes["teams"]["norvia"]]
    for code in every:
        assert out.count(code) == 1 and code not in err
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("s.sqlite"))
    assert not any(code.encode() in raw for code in every)

    second = Serving(tmp_path, "--db", db, "--codes", codes_file)  # the same session again: codes kept
    out, err = second.stop()
    assert not any(code in out + err for code in every)
    assert "earlier serve" in err and "--new-codes" in err
    assert json.loads(codes_file.read_text()) == codes
    live = LiveSession.open(db)
    try:
        assert stored.role_for_code(stored.stored_hashes(live), codes["facilitator"]) == "control"
    finally:
        live.close()

    third = Serving(tmp_path, "--db", db, "--codes", codes_file, "--new-codes")
    out, _ = third.stop()
    fresh = json.loads(codes_file.read_text())
    assert fresh["facilitator"] != codes["facilitator"] and fresh["facilitator"] in out
    live = LiveSession.open(db)
    try:
        hashes = stored.stored_hashes(live)
    finally:
        live.close()
    assert stored.role_for_code(hashes, codes["facilitator"]) is None
    assert stored.role_for_code(hashes, fresh["facilitator"]) == "control"


def test_kept_codes_cannot_be_written_to_a_new_codes_file(tmp_path: Path) -> None:
    served = facilitated_mini(tmp_path)
    done = in_process("serve", "--db", served.db, "--codes", tmp_path / "new.json", "--port", _free_port())
    _one_line_exit_1(done, "--new-codes")
    assert not (tmp_path / "new.json").exists()


def test_the_server_plays_the_bots_as_soon_as_a_decision_opens_with_no_console(tmp_path: Path) -> None:
    served = facilitated_mini(tmp_path)
    live = LiveSession.open(served.db)
    host = BotHost(served.db, poll_seconds=0.05)
    host.start()
    try:
        while not bots_waiting(live.state) and live.state.ended is None:  # control moves the clock on
            live.execute(lambda s: s.advance())
        assert bots_waiting(live.state), "Mini gives Kessland a vote"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and bots_waiting(live.state):
            time.sleep(0.05)
            live.refresh()
        assert not bots_waiting(live.state)
    finally:
        host.stop()
        live.close()
    # Counted once the host's thread has ended: the move reaches the log before the host counts it.
    assert host.moves >= 1


def test_another_host_than_loopback_is_told_to_put_tls_in_front(capsys: pytest.CaptureFixture[str]) -> None:
    from exercise.cli import serve as serve_cmd

    for host, warned in (("0.0.0.0", True), ("192.0.2.7", True), ("127.0.0.1", False), ("::1", False),
                         ("localhost", False)):
        serve_cmd._say_what_is_served("Mini", Path("s.sqlite"), "http://x:8000", host, None, None, [], {})
        err = capsys.readouterr().err
        assert ("TLS" in err and "Run a workshop over the network" in err) == warned, host


def test_a_traceback_in_the_server_log_shows_no_local_variables(tmp_path: Path) -> None:
    import logging

    from exercise.serve.server import Workshop, WorkshopServer

    served = facilitated_mini(tmp_path)
    server = WorkshopServer(Workshop(db=served.db, title="Mini", nations={}, hashes={}, cookie_key=b"k" * 32))
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        root.handlers.clear()
        server.initialize_logging()
        with server.console.capture() as captured:
            try:
                code = served.codes.facilitator
                raise RuntimeError("while checking a code")
            except RuntimeError:
                logging.getLogger("tabletop.serve").exception("failed")
                del code
        assert "while checking a code" in captured.get()
        assert served.codes.facilitator not in captured.get()
    finally:
        root.handlers[:] = before
