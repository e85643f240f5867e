"""The hash chain: how a row's hash is computed and how a whole log is checked.

Kept apart from the SQLite code so that `tabletop verify`, an outside checker or another backend compute
exactly the same thing from the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from exercise.store.base import MAX_VALUE_BYTES, StoredEvent, StoreError, VerifyResult

GENESIS_HASH = "0" * 64

# (seq, type, v, wall, payload_json, prev_hash, hash): the column order of the events table.
Row = tuple[int, str, int, str, str, str, str]


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed, so the same event always hashes the same.

    allow_nan=False: NaN/Infinity are not JSON, and a log other tools cannot parse is worse than a
    refused event; for every valid value the output is the documented sort_keys/compact form.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(prev_hash: str, seq: int, wall: str, payload_json: str) -> str:
    material = f"{prev_hash}\n{seq}\n{wall}\n{payload_json}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def encode_event(event: Any) -> tuple[str, int, str]:
    """Check one event given to append and return (type, v, canonical JSON).

    Everything is checked before the first row is written, so a bad event in a batch leaves no trace.
    """
    if not isinstance(event, dict):
        raise StoreError(f"an event must be a dict, not {type(event).__name__}")
    etype = event.get("type")
    if not isinstance(etype, str) or not etype:
        raise StoreError(f"an event needs a non-empty string 'type', got {etype!r}")
    version = event.get("v")
    # bool is an int subclass; a True version is a bug upstream, not version 1.
    if not isinstance(version, int) or isinstance(version, bool):
        raise StoreError(f"event {etype!r} needs an integer 'v', got {version!r}")
    try:
        text = canonical_json(event)
        size = len(text.encode("utf-8"))  # lone surrogates would only fail later, at hashing or in sqlite3
    except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise StoreError(f"event {etype!r} cannot be stored as JSON: {exc}") from None
    if size > MAX_VALUE_BYTES:
        raise StoreError(f"event {etype!r} is {size:,} bytes as JSON; an event may have at most {MAX_VALUE_BYTES:,}")
    return etype, version, text


def verify_chain(rows: Iterable[Row], head_seq: int | None, head_hash: str | None) -> VerifyResult:
    """Walk rows in seq order and report the first problem.

    `head_seq`/`head_hash` come from the head record written in the same transaction as the rows; without
    it, deleting trailing rows would leave a shorter chain that is perfectly consistent.
    """
    walk = ChainWalk()
    for row in rows:
        walk.add(row)
    return walk.finish(head_seq, head_hash)


class ChainWalk:
    """The hash chain checked one row at a time, as a reader reads the log: a reader that needs the rows anyway
    (opening a session for a report) verifies them in the same pass instead of reading the log a second time."""

    __slots__ = ("bad", "count", "expected", "prev")

    def __init__(self) -> None:
        self.expected = 1
        self.prev = GENESIS_HASH
        self.count = 0
        self.bad: tuple[int, str] | None = None

    def add(self, row: Row, decoded: bool = False) -> None:
        """Judge the next row. `decoded`: the caller has already decoded its payload into an object whose type and
        v are those of the row's columns, so a row whose stored text hashes right needs no parsing here."""
        self.count += 1
        if self.bad is not None:
            return  # keep counting rows, stop judging them
        seq, etype, version, wall, text, prev_hash, stored_hash = row
        if decoded and seq == self.expected and prev_hash == self.prev and isinstance(text, str) \
                and isinstance(wall, str) and chain_hash(prev_hash, seq, wall, text) == stored_hash:
            pass  # the common case, as the store wrote it: the full judgement below would find nothing
        else:
            self.bad = _check_row(self.expected, self.prev, seq, etype, version, wall, text, prev_hash, stored_hash)
        self.prev = stored_hash
        self.expected = seq + 1

    def finish(self, head_seq: int | None, head_hash: str | None) -> VerifyResult:
        """What `tabletop verify` says of the rows added, against the head record read with them."""
        count, bad, prev = self.count, self.bad, self.prev
        if bad is not None:
            return VerifyResult(False, count, bad[0], bad[1])
        last = self.expected - 1
        if head_seq is None:
            if count:
                return VerifyResult(
                    False, count, last + 1,
                    f"head record missing: cannot tell whether rows after seq {last} were removed")
        elif head_seq > last:
            return VerifyResult(False, count, last + 1, f"truncated: head says {head_seq} events, {last} present")
        elif head_seq < last:
            return VerifyResult(
                False, count, head_seq + 1,
                f"head says {head_seq} events but {last} are present: rows added outside tabletop",
            )
        elif head_hash != prev:
            return VerifyResult(False, count, last, f"broken at seq {last}: head hash does not match the last row")
        if not count:
            return VerifyResult(True, 0, None, "chain intact: 0 events (empty log)")
        return VerifyResult(True, count, None, f"chain intact: {count} events, head {prev[:12]}…")


def _check_row(
    expected: int, prev: str, seq: int, etype: str, version: int, wall: str, text: str, prev_hash: str, stored_hash: str
) -> tuple[int, str] | None:
    if seq > expected:
        missing = f"seq {expected}" if seq == expected + 1 else f"seqs {expected}-{seq - 1}"
        return expected, f"gap: {missing} missing"
    if seq < expected:
        return seq, f"broken at seq {seq}: out of order (expected seq {expected})"
    # A crafted file may hold any SQLite value in any column; only the types the store writes are judged.
    texts = (etype, wall, text, prev_hash, stored_hash)
    if not all(isinstance(t, str) for t in texts) or not isinstance(version, int):
        return seq, f"broken at seq {seq}: a column holds a value of the wrong type"
    if prev_hash != prev:
        return seq, f"broken at seq {seq}: prev_hash does not match the hash of seq {seq - 1}"
    try:
        payload = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return seq, f"broken at seq {seq}: payload is not valid JSON"
    # The store writes the canonical text, so a row normally hashes right as stored; re-serialising (a
    # third of a long log's verify time) is only needed to judge a text someone re-formatted.
    if chain_hash(prev_hash, seq, wall, text) != stored_hash:
        try:
            recomputed = chain_hash(prev_hash, seq, wall, canonical_json(payload))
        except (TypeError, ValueError, RecursionError):
            return seq, f"broken at seq {seq}: payload cannot be re-serialised"
        if recomputed != stored_hash:
            return seq, f"broken at seq {seq}: hash does not match its contents"
    # type and v are outside the hashed text; they must agree with the hashed payload or an edit to them
    # would go unnoticed.
    if not isinstance(payload, dict) or payload.get("type") != etype or payload.get("v") != version:
        return seq, f"broken at seq {seq}: type/v columns disagree with the payload"
    return None


def verbatim_rows(stored: list[StoredEvent], seq: int, prev: str, where: str) -> list[Row]:
    """Rows read from one store, to be written as they are into another, each checked to chain onto the last
    (seq, hash) there and to hash as it says: a copy is verbatim or it is nothing."""
    out: list[Row] = []
    for event in stored:
        text = canonical_json(event.payload)
        if event.seq != seq + 1 or chain_hash(prev, event.seq, event.wall, text) != event.hash:
            raise StoreError(f"{where}: event {event.seq} does not chain onto seq {seq} as stored; nothing copied")
        out.append((event.seq, event.type, event.v, event.wall, text, prev, event.hash))
        seq, prev = event.seq, event.hash
    return out
