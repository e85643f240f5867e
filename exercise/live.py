"""A session kept in a store file: the engine's state, shared by every terminal that opens the file.

The store is the bus. Each command runs inside the store's write lock: first fold whatever other
processes appended, then check the command against that latest state, then append its events in the
same transaction. Nobody ever decides against a stale view, and nothing is lost or doubled.

The store keeps the scenario's files beside the log (its "copy"), outside the hash chain; the log's first
event, SessionStarted, records their hash. This is the layer that knows both, so it is where a copy changed
after the start is found (`copy_problems`, `verify_session`): a session whose copy does not match is never
continued, and a reader is told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .engine.commands import Command, Start
from .engine.compile import CompiledScenario, content_hash, file_hashes, load_sources
from .engine.diagnostics import ScenarioError
from .engine.events import event_to_dict
from .engine.roles import LOCAL, Actor, NotAllowed, refusal
from .engine.session import Session
from .engine.state import Entry, State
from .engine.text import one_line
from .live_log import collector_paused, read_log, started_payload, to_entry
from .store import (
    EventStore,
    Location,
    LogFacts,
    PgLocation,
    SideEntry,
    Store,
    StoreError,
    VerifyResult,
    create_store,
    open_store,
)

Clock = Callable[[], datetime]

# meta entries written from the scenario at creation, each of which the chain's SessionStarted also records.
_META_FROM_START = ("scenario_id", "scenario_title", "scenario_hash")
_NAMES_SHOWN = 5  # file names a message lists before it only counts the rest


class SessionFileError(Exception):
    """A session file that cannot be used; the message names the file and says why."""


def _shown(name: str) -> str:
    text = one_line(name)
    return repr(text if len(text) <= 120 else text[:60] + "…" + text[-59:])


def _names(kind: str, names: list[str]) -> str:
    listed = ", ".join(_shown(n) for n in names[:_NAMES_SHOWN])
    more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
    return f"{kind}: {listed}{more}"


def copy_problems(meta: dict[str, str], sources: dict[str, str], started: dict[str, Any] | None) -> list[str]:
    """What differs between the stored scenario copy (and the meta entries taken from it) and what the log's
    SessionStarted recorded; empty when they agree or when the log has not started (nothing to compare with).

    Which file is the main one is not in the chain, and need not be: the copy must hash as recorded, so it
    holds the files played, of which one alone is a scenario (the others are libraries, which do not load as
    one), and a session opened for play checks that the main file loads as the scenario the log started.
    """
    if started is None:
        return []
    problems: list[str] = []
    if content_hash(sources) != started.get("scenario_hash"):
        recorded = started.get("source_hashes")
        if isinstance(recorded, dict) and recorded:
            now = file_hashes(sources)
            changed = sorted(k for k in now.keys() & recorded.keys() if now[k] != recorded[k])
            for kind, names in (("changed", changed), ("added", sorted(now.keys() - recorded.keys())),
                                ("missing", sorted(recorded.keys() - now.keys()))):
                if names:
                    problems.append(_names(kind, names))
        if not problems:
            problems.append("the copy does not hash to what the start recorded (this log records one hash for "
                            "the whole copy, so the file that differs cannot be named)")
    main = meta.get("main", "")
    if main not in sources:
        problems.append(f"meta 'main' names {_shown(main)}, which is not a file of the copy")
    for key in _META_FROM_START:
        if key in meta and meta[key] != started.get(key):
            problems.append(f"meta {key!r} says {_shown(meta[key])}, the log's start says "
                            f"{_shown(str(started.get(key)))}")
    return problems


@dataclass(frozen=True)
class SessionVerification:
    """`tabletop verify` of a session file: the store's check (the file, the hash chain) and the stored scenario
    copy against the chain's SessionStarted. It answers like the store's `VerifyResult` (ok, events,
    first_bad_seq, message), so a reader of either (the report's digest) reads this one the same way."""

    chain: VerifyResult
    copy: tuple[str, ...]  # what is wrong with the stored copy: empty when it matches
    copy_checked: bool  # False when the log has no SessionStarted to measure the copy against
    files: int  # files in the stored copy
    notes: tuple[str, ...] = ()  # worth saying, not failures: who else may read the file, how it was read

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.copy

    @property
    def events(self) -> int:
        return self.chain.events

    @property
    def first_bad_seq(self) -> int | None:
        return self.chain.first_bad_seq

    @property
    def copy_message(self) -> str:
        if self.copy:
            return "scenario copy changed after the session started: " + "; ".join(self.copy)
        if not self.copy_checked:
            return "scenario copy not checked (the log has no start to check it against)"
        return f"scenario copy intact ({self.files} file{'s' if self.files != 1 else ''})"

    @property
    def message(self) -> str:
        return f"{self.chain.message}; {self.copy_message}"


def _verify_store(store: Store, walked: VerifyResult | None = None) -> SessionVerification:
    """`walked`: the chain as walked when the log was read, so only the file is checked again."""
    chain = store.verify(walked) if walked is not None and isinstance(store, EventStore) else store.verify()
    notes = [n for n in (store.privacy_note(),) if n]
    try:
        meta, sources = store.meta, store.sources
        # Only the first row is needed; a crafted row elsewhere is the chain check's to report.
        first = store.read_types("SessionStarted")[:1]
    except StoreError as exc:
        return SessionVerification(chain, (f"the stored copy cannot be read ({exc})",), True, 0, tuple(notes))
    started = started_payload(first)
    problems = copy_problems(meta, sources, started)
    return SessionVerification(chain, tuple(problems), started is not None, len(sources), tuple(notes))


def verify_session(db: str | Path | PgLocation) -> SessionVerification:
    """Check a session without changing it: SQLite's integrity check (a file), the hash chain, the stored copy."""
    try:
        with open_store(db, write=False) as store:
            return _verify_store(store)
    except StoreError as exc:
        raise SessionFileError(str(exc)) from None


class LiveSession:
    def __init__(self, store: Store, scenario: CompiledScenario, entries: list[Entry]) -> None:
        self.store = store
        self.scenario = scenario
        self.session = Session(scenario, entries)
        # What differs between the stored scenario copy and the log's start (only a reader opens such a file):
        # whoever shows this session as what was played says so first.
        self.copy_problems: list[str] = []
        self._walked: tuple[int, VerifyResult] | None = None  # (events read, their chain) when opened to read
        # Set when a command's events could not be stored and the log could not be read back either (the
        # database server went away mid-write): our state is ahead of the log until `refresh` reads it again.
        self._unstored_after: int | None = None

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def create(cls, db: str | Path | PgLocation, scenario: CompiledScenario, *, seed: int, teams: dict[str, str],
               mode: str = "headless", facilitator: str = "Exercise Control",
               clock: Clock | None = None, players: dict[str, str] | None = None) -> LiveSession:
        meta = {"scenario_id": scenario.id, "scenario_title": scenario.title, "main": scenario.main,
                "scenario_hash": scenario.hash}
        try:
            store = create_store(db, meta=meta, sources=scenario.sources, clock=clock)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None
        live = cls(store, scenario, [])
        try:
            live.execute(Start(seed, teams, mode, facilitator, dict(players or {})), actor=LOCAL)
        except BaseException:
            store.close()  # a start refused (an unknown nation in teams) must not leak the open file
            raise
        return live

    @classmethod
    def open(cls, db: str | Path | PgLocation, clock: Clock | None = None, *, readonly: bool = False) -> LiveSession:
        """A session file to play on (refused, in one line, when it is read-only or its stored scenario copy
        was changed after the start); with readonly=True, to read (on read-only media too), never written."""
        return cls.open_with_facts(db, clock, readonly=readonly)[0]

    @classmethod
    def open_with_facts(cls, db: str | Path | PgLocation, clock: Clock | None = None, *,
                        readonly: bool = True) -> tuple[LiveSession, LogFacts]:
        """Open a session file, also handing back what its stored rows say (count, kinds, wall times, hashes),
        so a reader that needs them (the report) does not read the log a second time; the hash chain is walked
        in the same pass (`verify` then checks only the file). For reading by default: a reader gets a changed
        scenario copy with `copy_problems` saying what changed, instead of a refusal.
        """
        try:
            store = open_store(db, clock=clock, write=not readonly)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None
        db = store.shown  # named in messages as the store names itself: a URL without its password
        try:
            meta, sources = store.meta, store.sources
            try:
                with collector_paused():
                    loaded = read_log(store)
            except ValueError as exc:
                raise SessionFileError(f"{db}: an event in the log cannot be read "
                                       f"({str(exc).splitlines()[0]})") from None
            main = meta.get("main")
            if not main or main not in sources:
                raise SessionFileError(f"{db}: the session file holds no scenario snapshot")
            started = loaded.started
            problems = copy_problems(meta, sources, started)
            if problems and not readonly:
                raise SessionFileError(f"{db}: the scenario copy stored in this file was changed after the session "
                                       f"started ({problems[0]}); it is not continued: tabletop verify says more")
            try:
                scenario = load_sources(sources, main)
            except ScenarioError as exc:
                first = exc.diagnostics[0] if exc.diagnostics else "unknown problem"
                raise SessionFileError(f"{db}: the scenario stored in this session no longer loads: {first}"
                                       ) from None
            if started is not None and scenario.id != started.get("scenario_id"):
                raise SessionFileError(f"{db}: the stored main file {_shown(main)} is scenario "
                                       f"{_shown(scenario.id)}, not the {_shown(str(started.get('scenario_id')))} "
                                       "the log started")
        except (SessionFileError, StoreError) as exc:
            store.close()  # a file we refuse is not left open
            raise SessionFileError(str(exc)) from None
        live = cls(store, scenario, loaded.entries)
        live.copy_problems = problems
        live._walked = (loaded.facts.events, loaded.chain) if loaded.chain is not None else None
        return live, loaded.facts

    def verify(self) -> SessionVerification:
        """The file, its hash chain and its stored scenario copy, checked now (see `verify_session`); the chain
        as walked when the log was read, while the state is still that log."""
        walked = self._walked[1] if self._walked and self._walked[0] == self.state.next_seq - 1 else None
        try:
            return _verify_store(self.store, walked)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None

    # -- using -------------------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self.session.state

    def refresh(self) -> list[Entry]:
        """Fold what other processes appended since we last looked; cheap when nothing changed."""
        known = self.session.state.next_seq - 1
        if self._unstored_after is not None:
            return self._read_back()
        try:
            if not self.store.has_news(known):  # SQLite: one probe of the key; PostgreSQL: the doorbell, no query
                return []
            rows = self.store.read(after=known)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None
        new = [to_entry(r) for r in rows]
        self.session.catch_up(new)
        return new

    def execute(self, command: Command | Callable[[Session], list[Entry]], *, actor: Actor = LOCAL) -> list[Entry]:
        """Run a command against the latest state and store its events, all inside one write lock.

        `actor` is who gives it (roles.Actor): what it may not give is refused with `NotAllowed` (a `Refused`)
        after catching up with the log and before anything is appended. The default is the local authority,
        the process that holds the file (`tabletop run`, scripts, tests); a console reached any other way
        passes its own actor. A bare callable says nothing of what it asks, so only the local authority runs one.

        Raises the engine's `Refused` untouched (nothing is written); any other failure leaves the
        store as it was and reloads our state from it.
        """
        if self._unstored_after is not None:
            self._read_back()  # a command is decided on the log as stored, never on one it did not take
        known_stored = self.session.state.next_seq - 1  # what we know the log holds
        try:
            with self.store.write() as tx:
                known = self.session.state.next_seq - 1
                self.session.catch_up([to_entry(r) for r in tx.read_after(known)])
                why = refusal(actor, command, self.session.state) if isinstance(command, Command) else \
                    None if actor.local else f"Not allowed: {actor.words(self.session.state)} may give only " \
                    "named commands"
                if why is not None:
                    raise NotAllowed(why)
                run = command.run if isinstance(command, Command) else command
                before = self.session.state.next_seq
                try:
                    entries = run(self.session)
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
            try:
                self._reload()
            except StoreError:  # the server is away: `refresh` reads the log back once it answers
                self._unstored_after = known_stored
            raise SessionFileError(str(exc)) from None

    def _read_back(self) -> list[Entry]:
        """The log read again after a command it did not take: our state as stored, and what is new since the
        last event we know was stored (others' events, never the untaken command's)."""
        stored = self._unstored_after
        assert stored is not None
        try:
            entries = [to_entry(r) for r in self.store.read()]
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None
        self.session = Session(self.scenario, entries)
        self._unstored_after = None
        return [e for e in entries if e.seq > stored]

    def _reload(self) -> None:
        self.session = Session(self.scenario, [to_entry(r) for r in self.store.read()])

    # -- side data: what the consoles are doing, beside the log and never in it ----------------------------
    @property
    def path(self) -> Location:
        """The session file (as it was opened: relative paths stay relative), or the session in PostgreSQL."""
        return self.store.location

    def wait_for_news(self, timeout: float) -> bool:
        """Block until another writer appended past our state, or `timeout` seconds pass (then False)."""
        try:
            return self.store.wait_for_news(self.session.state.next_seq - 1, timeout)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None

    def side(self, kind: str) -> dict[str, SideEntry]:
        """The side entries of one kind ("presence", "draft", "place"), by key."""
        try:
            return self.store.side(kind)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None

    def set_side(self, kind: str, key: str, value: str | None) -> None:
        """Set one side entry (None removes it), in a short write of its own: never part of a command."""
        try:
            self.store.set_side(kind, key, value)
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None

    def place(self, key: str) -> str:
        """Where a console was (its own JSON), or "". Sessions saved before side data kept it in meta."""
        entry = self.side("place").get(key)
        if entry is not None:
            return entry.value
        try:
            return self.store.meta.get(f"ui.{key}", "")
        except StoreError as exc:
            raise SessionFileError(str(exc)) from None

    def close(self) -> None:
        self.store.close()
