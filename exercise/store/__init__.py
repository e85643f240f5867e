"""Durable, hash-chained event store: the bottom layer of tabletop.

It stores opaque JSON events and imports nothing else from `exercise`, so the engine, the UI and the
reports can all depend on it without cycles.
"""

from exercise.store.base import Clock, SideEntry, StoredEvent, StoreError, VerifyResult
from exercise.store.chain import GENESIS_HASH, canonical_json, chain_hash
from exercise.store.sqlite import APPLICATION_ID, SCHEMA_VERSION, EventStore, WriteTx

__all__ = [
    "APPLICATION_ID",
    "GENESIS_HASH",
    "SCHEMA_VERSION",
    "Clock",
    "EventStore",
    "SideEntry",
    "StoreError",
    "StoredEvent",
    "VerifyResult",
    "WriteTx",
    "canonical_json",
    "chain_hash",
]
