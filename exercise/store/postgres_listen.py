"""The doorbell of a PostgreSQL session: LISTEN on a dedicated connection, in a thread of its own.

Every append ends with a NOTIFY carrying the new head seq, delivered by the server at commit. The doorbell only
remembers the highest seq it heard of; whoever wants the events then reads them by seq (catch-up), so a
notification lost or merged is harmless. While the connection is being (re)established nothing can be known
from it (`top` is None): the store then asks the database itself, once, and `settle`s the answer.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from typing import Any

RETRY_SECONDS = 1.0  # between attempts to listen again after the server went away
WAKE_SECONDS = 0.5  # how often the thread looks whether it was asked to stop


class Doorbell:
    def __init__(self, conninfo: str, channel: str, connect: Any) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._connect = connect  # the store's way of connecting (its timeouts, its application name)
        self._cond = threading.Condition()
        self._epoch = 0  # changes each time listening starts or stops: an answer from before is not settled
        self._listening = False
        self._away = False  # the last try to listen failed, or the connection broke: the server is away
        self._top: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tabletop-doorbell", daemon=True)
        self._conn: Any = None
        self._thread.start()

    def snapshot(self) -> tuple[int, bool, int | None]:
        """(epoch, listening, highest seq heard of or None when unknown)."""
        with self._cond:
            return self._epoch, self._listening, self._top

    def away(self) -> bool:
        """Whether the server is known to be away (until the doorbell listens again): callers then fail at once
        instead of each waiting for a connection that this thread is already trying to make."""
        with self._cond:
            return self._away and not self._listening

    def settle(self, epoch: int, seq: int) -> None:
        """A head read from the database while listening in `epoch`: what the doorbell knows from now on."""
        with self._cond:
            if self._epoch == epoch and self._listening:
                self._top = max(self._top or 0, seq)
                self._cond.notify_all()

    def heard(self, seq: int) -> None:
        with self._cond:
            self._top = max(self._top or 0, seq)
            self._cond.notify_all()

    def wait_change(self, timeout: float) -> None:
        """Sleep until the doorbell hears something, starts or stops listening, or `timeout` seconds pass."""
        with self._cond:
            if not self._stop.is_set():
                self._cond.wait(timeout)

    def ready(self, timeout: float) -> bool:
        """Wait (a little, on first use) until LISTEN is in place."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._listening and time.monotonic() < deadline and not self._stop.is_set():
                self._cond.wait(deadline - time.monotonic())
            return self._listening

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        conn = self._conn
        if conn is not None:
            with suppress(Exception):  # closing: the thread ends on its own within WAKE_SECONDS anyway
                conn.cancel_safe(timeout=1.0)
        self._thread.join(timeout=2 * WAKE_SECONDS + 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._conn = self._connect(self._conninfo)
                self._conn.execute(f'LISTEN "{self._channel}"')
                with self._cond:
                    self._epoch += 1
                    self._listening, self._away, self._top = True, False, None
                    self._cond.notify_all()
                while not self._stop.is_set():
                    for note in self._conn.notifies(timeout=WAKE_SECONDS):
                        if note.payload.isdigit():
                            self.heard(int(note.payload))
            except Exception:  # the server went away: `listening` and `away` say so, and it tries again
                if not self._stop.is_set():
                    with self._cond:
                        self._away = True
            finally:
                with self._cond:
                    self._epoch += 1
                    self._listening, self._top = False, None
                    self._cond.notify_all()
                conn, self._conn = self._conn, None
                if conn is not None:
                    with suppress(Exception):  # a broken connection may fail to close
                        conn.close()
            self._stop.wait(RETRY_SECONDS)
