"""A session kept in a store file: the engine's state, shared by every terminal that opens the file.

The store is the bus. Each command runs inside the store's write lock: first fold whatever other
processes appended, then check the command against that latest state, then append its events in the
same transaction. Nobody ever decides against a stale view, and nothing is lost or doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .engine.compile import CompiledScenario, load_sources
from .engine.diagnostics import ScenarioError
from .engine.events import event_from_dict, event_to_dict
from .engine.session import Session
from .engine.state import Entry
from .store import EventStore, StoredEvent, StoreError

Clock = Callable[[], datetime]


class SessionFileError(Exception):
    """A session file that cannot be used; the message names the file and says why."""


def to_entry(row: StoredEvent) -> Entry:
    return Entry(row.seq, event_from_dict(row.payload), row.wall)


class LiveSession:
    def __init__(self, store: EventStore, scenario: CompiledScenario, entries: list[Entry]) -> None:
        self.store = store
        self.scenario = scenario
        self.session = Session(scenario, entries)

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def create(cls, db: str | Path, scenario: CompiledScenario, *, seed: int, teams: dict[str, str],
               mode: str = "headless", facilitator: str = "Exercise Control",
               clock: Clock | None = None) -> LiveSession:
        meta = {"scenario_id": scenario.id, "scenario_title": scenario.title, "main": scenario.main,
                "scenario_hash": scenario.hash}
        try:
            store = EventStore.create(db, meta=meta, sources=scenario.sources, clock=clock)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None
        live = cls(store, scenario, [])
        try:
            live.execute(lambda s: s.start(seed, teams, mode=mode, facilitator=facilitator))
        except BaseException:
            store.close()  # a start refused (an unknown nation in teams) must not leak the open file
            raise
        return live

    @classmethod
    def open(cls, db: str | Path, clock: Clock | None = None) -> LiveSession:
        return cls.open_with_rows(db, clock)[0]

    @classmethod
    def open_with_rows(cls, db: str | Path, clock: Clock | None = None) -> tuple[LiveSession, list[StoredEvent]]:
        """Open a session file, also handing back the stored rows it read (hashes, wall times), so a
        reader that needs them (the report) does not read the log a second time."""
        try:
            store = EventStore.open(db, clock=clock)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None
        try:
            meta, sources, rows = store.meta, store.sources, store.read()
            main = meta.get("main")
            if not main or main not in sources:
                raise SessionFileError(f"{db}: the session file holds no scenario snapshot")
            try:
                scenario = load_sources(sources, main)
            except ScenarioError as exc:
                first = exc.diagnostics[0] if exc.diagnostics else "unknown problem"
                raise SessionFileError(f"{db}: the scenario stored in this session no longer loads: {first}"
                                       ) from None
            try:
                entries = [to_entry(r) for r in rows]
            except ValueError as exc:
                raise SessionFileError(f"{db}: an event in the log cannot be read "
                                       f"({str(exc).splitlines()[0]})") from None
        except (SessionFileError, StoreError) as exc:
            store.close()  # a file we refuse is not left open
            raise SessionFileError(str(exc)) from None
        return cls(store, scenario, entries), rows

    # -- using -------------------------------------------------------------------------------
    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.session.state

    def refresh(self) -> list[Entry]:
        """Fold what other processes appended since we last looked; cheap when nothing changed."""
        known = self.session.state.next_seq - 1
        if self.store.last_seq() == known:
            return []
        new = [to_entry(r) for r in self.store.read(after=known)]
        self.session.catch_up(new)
        return new

    def execute(self, command: Callable[[Session], list[Entry]]) -> list[Entry]:
        """Run a command against the latest state and store its events, all inside one write lock.

        Raises the engine's `Refused` untouched (nothing is written); any other failure leaves the
        store as it was and reloads our state from it.
        """
        try:
            with self.store.write() as tx:
                known = self.session.state.next_seq - 1
                self.session.catch_up([to_entry(r) for r in tx.read_after(known)])
                before = self.session.state.next_seq
                try:
                    entries = command(self.session)
                except BaseException:
                    if self.session.state.next_seq != before:
                        self._reload()
                    raise
                stored = tx.append([event_to_dict(e.event) for e in entries])
                for entry, row in zip(entries, stored, strict=True):
                    if entry.seq != row.seq:
                        raise StoreError(f"sequence mismatch: engine {entry.seq}, store {row.seq}")
                    entry.at = row.wall
                return entries
        except StoreError as exc:
            self._reload()
            raise SessionFileError(str(exc)) from None

    def _reload(self) -> None:
        self.session = Session(self.scenario, [to_entry(r) for r in self.store.read()])

    def close(self) -> None:
        self.store.close()
