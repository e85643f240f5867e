"""A session's log read once: each row checked against the hash chain as it is read and made an event there.

Opening a session for a report used to read the log twice (once to fold it, once more for `verify`) and decode
each payload three times (the store's JSON check, the chain check's, the event's validation). Here a session
file's rows are read in one pass (`EventStore.scan`); each payload is decoded once, straight from the stored text
into its typed, validated event (pydantic-core parses and validates in one step: faster than `json.loads` alone);
and the chain check (`chain.ChainWalk`) is told the row decoded to an event of the row's own type and version, so
it only hashes the stored text. Validation stays: the chain is no signature (anyone can recompute it), so a
crafted row with a good hash must still be refused in one line. A row that does not decode goes the old way
(`EventStore.stored`, then `event_from_dict`), so it is refused in the same words as before.

Loading creates several objects per event and no reference cycles, so the cyclic garbage collector has nothing
to find in it; left on, it walks the growing heap again and again (reopening 100,000 events took 2.4x as long).
It is paused while loading, and what was loaded is then moved out of its sight (`gc.freeze`): a report built
afterwards no longer makes it walk a million events at each full collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .engine.events import EVENT_ADAPTER, event_from_dict
from .engine.state import Entry
from .store import EventStore, LogFacts, StoredEvent, VerifyResult
from .store.chain import ChainWalk
from .store.opening import Store

_set = object.__setattr__  # what pydantic itself sets its private fields with


@dataclass
class LoadedLog:
    """The log as read: its events, what the report says of its rows, the first event as stored (the copy check
    reads it without the engine), and the hash chain as walked on the same rows (None: not walked)."""

    entries: list[Entry]
    facts: LogFacts
    started: dict[str, Any] | None
    chain: VerifyResult | None


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; what it made is then frozen out of the collector's sight."""
    was = gc.isenabled()
    if was:
        gc.collect()  # cheap before the load; garbage frozen with the log would never be collected
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def read_log(store: Store) -> LoadedLog:
    """Every event of the store's log, in order. A session file is read in one pass with its chain walked; another
    store (PostgreSQL) is read whole and its chain left to `verify`. Raises StoreError for a row the store would
    never have written, and ValueError for a payload that is no event (each naming the row)."""
    if not isinstance(store, EventStore):
        rows = store.read()
        facts = LogFacts.of(rows)
        return LoadedLog([to_entry(r) for r in rows], facts, started_payload(rows[:1]), None)
    entries: list[Entry] = []
    facts = LogFacts()
    walk = ChainWalk()
    started: dict[str, Any] | None = None
    validate = EVENT_ADAPTER.validate_json
    field_sets: dict[frozenset[str], set[str]] = {}
    last_wall = ""
    with store.scan() as scan:
        for row in scan:
            seq, etype, version, wall, text, _prev, digest = row
            try:
                event = validate(text)
            except ValidationError:
                event = event_from_dict(store.stored(row).payload)  # refused as before: not JSON, not an event
                decoded = False
            else:
                given = event.__pydantic_fields_set__
                decoded = event.type == etype and event.v == version and "v" in given
                # Every stored event names all its fields, so pydantic gives each its own set of the same names
                # (728 bytes for a message's seven): one shared set per kind of event instead. A frozen event
                # never changes it; a copy (model_copy) copies it first.
                shared = field_sets.setdefault(frozenset(given), given)
                if shared is not given:
                    _set(event, "__pydantic_fields_set__", shared)
            if wall == last_wall:
                wall = last_wall  # the events of one command share one moment: and one string
            last_wall = wall
            walk.add(row, decoded)
            entries.append(Entry(seq, event, wall))
            facts.add(etype, wall, digest)
            if seq == 1:
                started = started_payload([store.stored(row)])
        chain = walk.finish(*scan.head)
    return LoadedLog(entries, facts, started, chain)


def to_entry(row: StoredEvent) -> Entry:
    return Entry(row.seq, event_from_dict(row.payload), row.wall)


def started_payload(rows: list[StoredEvent]) -> dict[str, Any] | None:
    """The SessionStarted that opens a log, as stored (read without the engine, so any version's is judged)."""
    return rows[0].payload if rows and rows[0].seq == 1 and rows[0].type == "SessionStarted" else None
