"""A PostgreSQL session while its server is away (a throwaway server stopped with `pg_ctl stop -m immediate`, then
started again): a command is refused in one line, never a crash; a console's poll fails at once, from what the
doorbell knows, instead of waiting for a connection; and once the server is back the same session carries on with
every acknowledged event there. Also, with any store: a command whose events the store did not take leaves no trace
in the state, even when the log cannot be read back at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _postgres import Throwaway, drop_session, fresh_session, throwaway_server
from harness import MINI

from exercise.engine.commands import Advance, Send
from exercise.engine.compile import load_scenario
from exercise.engine.roles import Actor
from exercise.live import LiveSession, SessionFileError
from exercise.store import StoreError
from exercise.store import postgres as pg_module

NORVIA = Actor.team("norvia")
WAIT = 30.0


@pytest.fixture(scope="module")
def server() -> Iterator[Throwaway]:
    own = throwaway_server()
    yield own
    own.close()


def _until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while True:
        try:
            found = check()
        except (SessionFileError, StoreError):
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} within {WAIT:.0f} s"
        time.sleep(0.1)


def _caught_up(live: LiveSession, seq: int) -> bool:
    live.refresh()
    return live.state.next_seq - 1 == seq


def test_a_session_carries_on_after_its_server_crashed(server: Throwaway, monkeypatch: pytest.MonkeyPatch) -> None:
    db = fresh_session(server.url, "outage")
    team = control = None
    try:
        control = LiveSession.create(db, load_scenario(MINI), seed=7,
                                     teams={"norvia": "human", "kessland": "bot:cautious"}, mode="facilitated")
        team = LiveSession.open(db)
        acked = team.execute(Send("norvia", ("kessland",), "before the crash"), actor=NORVIA)
        _until(lambda: _caught_up(control, acked[-1].seq), "control saw the message")
        stored = control.state.next_seq - 1

        server.stop(immediate=True)
        with pytest.raises(SessionFileError, match=r"cannot be reached|cannot connect"):
            team.execute(Send("norvia", ("kessland",), "while it is away"), actor=NORVIA)
        assert team.state.next_seq - 1 == stored  # nothing of the refused command in the state
        # Once the doorbell knows the server is away, a poll asks nobody: it fails at once, without connecting.
        store = control.store
        assert isinstance(store, pg_module.PostgresStore)
        bell = _until(lambda: store._bell if store._bell is not None and store._bell.away() else None,
                      "the doorbell noticed")
        assert bell.away()
        tries: list[str] = []
        monkeypatch.setattr(pg_module, "connect", lambda conninfo: tries.append(conninfo))
        for _ in range(5):
            with pytest.raises(SessionFileError, match="cannot be reached"):
                control.refresh()
        with pytest.raises(SessionFileError, match="cannot be reached"):
            control.execute(Advance())
        assert tries == []
        monkeypatch.undo()

        server.start()
        _until(lambda: not bell.away() and control.refresh() == [], "control reads the session again")
        after = _until(lambda: team.execute(Send("norvia", ("kessland",), "after the restart"), actor=NORVIA),
                       "the team's command is taken again")
        _until(lambda: _caught_up(control, after[-1].seq), "control saw the team's message")
        texts = [e.event.text for e in [*acked, *after] if hasattr(e.event, "text")]
        assert texts == ["before the crash", "after the restart"]
        check = control.verify()
        assert check.chain.ok and check.chain.events == after[-1].seq
    finally:
        for live in (team, control):
            if live is not None:
                live.close()
        drop_session(db)


class AwayAtCommit:
    """A store whose write loses the server after the command ran (its events were never stored), and whose reads
    fail too until `back` is set: the state must come back to the log as stored."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.away = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def read(self, after: int = 0) -> Any:
        if self.away:
            raise StoreError("the database server cannot be reached")
        return self.store.read(after)

    def write(self) -> Any:
        outer = self

        class Tx:
            def __enter__(self) -> Any:
                self.real = outer.store.write()
                self.tx = self.real.__enter__()
                return self

            def read_after(self, seq: int) -> Any:
                return self.tx.read_after(seq)

            def append(self, events: Any) -> Any:
                outer.away = True
                raise StoreError("the database server cannot be reached (server closed the connection)")

            def __exit__(self, *exc: Any) -> Any:
                return self.real.__exit__(*exc)

        return Tx()


def test_a_command_the_store_did_not_take_leaves_no_trace_even_when_the_log_cannot_be_read_back(
        tmp_path: Path) -> None:
    live = LiveSession.create(tmp_path / "s.sqlite", load_scenario(MINI), seed=7,
                              teams={"norvia": "human", "kessland": "bot:cautious"}, mode="facilitated")
    try:
        stored = live.state.next_seq - 1
        wrapped = AwayAtCommit(live.store)
        live.store = wrapped  # type: ignore[assignment]
        with pytest.raises(SessionFileError, match="cannot be reached"):
            live.execute(Send("norvia", ("kessland",), "never stored"), actor=NORVIA)
        # The engine ran the command before the store failed: until the log is read back, refresh says the
        # server is away rather than show a message nobody stored.
        with pytest.raises(SessionFileError, match="cannot be reached"):
            live.refresh()
        with pytest.raises(SessionFileError, match="cannot be reached"):
            live.execute(Advance())
        wrapped.away = False
        live.store = wrapped.store
        assert live.refresh() == []
        assert live.state.next_seq - 1 == stored and not live.state.messages()
        taken = live.execute(Send("norvia", ("kessland",), "stored"), actor=NORVIA)
        assert taken[0].seq == stored + 1
    finally:
        live.close()
