"""Raw data out: the event log as JSONL or CSV, and the MSEL as played as CSV or XLSX (`tabletop export`).

The log exports read the store directly (no scenario, no fold), so they are fast and work on any
session file. Each line or row carries what `tabletop verify` checks (seq, wall, payload, prev_hash, hash),
so an outside tool can recheck the hash chain from the export alone, plus two derived columns an
analyst wants: the scenario turn each event happened in (`at_turn`), and whether it was `retracted`.

What players wrote stays exact where it is data, and harmless where a person reads it:
- JSONL: every character that is not printable (controls, directional marks, line separators) is written as
  a JSON escape (JSON itself escapes only the C0 controls), so the file holds none raw and parses back to
  exactly the stored event.
- CSV: the `payload` column is the canonical JSON exactly as hashed (C0 controls escaped by JSON; it starts
  with '{', so a spreadsheet never reads it as a formula). The columns flattened from it are for reading in a
  spreadsheet: control characters shown as pictures and a cell a spreadsheet would run as a formula defused
  with a leading apostrophe (`engine.cells`, the rule every sheet tabletop writes follows).
- The MSEL sheets hold the report model's text (controls shown, right-to-left names isolated inside the
  report's sentences); the CSV defuses formulas as above, the XLSX stores every text cell as a string.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..engine import cells
from ..store import Store, StoredEvent
from .errors import ReportError, check_session_file
from .formats import parse_format_list
from .outside import guard

EXPORT_FORMATS = ("jsonl", "csv", "msel-csv", "msel-xlsx")


def parse_export_formats(formats: str | Iterable[str]) -> list[str]:
    return parse_format_list(formats, EXPORT_FORMATS, "export")


@contextmanager
def _store(db_path: str | Path) -> Iterator[Store]:
    """The session's store, opened to read and closed again; a store that cannot be opened is a ReportError."""
    from ..store import StoreError, open_store

    try:
        store = open_store(db_path, write=False)
    except StoreError as exc:
        raise ReportError(str(exc)) from None
    try:
        yield store
    except StoreError as exc:  # a row the store refuses, met half-way through
        raise ReportError(str(exc)) from None
    finally:
        store.close()


def _events(store: Store) -> Iterator[StoredEvent]:
    """Every stored row in order: a session file streamed a batch at a time (an export of a million events holds
    one batch, never the log); another store read whole."""
    from ..store import EventStore

    return store.scan_events() if isinstance(store, EventStore) else iter(store.read())


def _retracted(store: Store) -> set[int]:
    """The retracted seqs, as the engine folds them: a retraction takes back an event and everything it caused.
    A log without retractions (nearly every one) costs one lookup by type; one with them, a pass that keeps only
    which event caused which."""
    retractions = [r for r in store.read_types("EventRetracted") if isinstance(r.payload.get("seq"), int)]
    if not retractions:
        return set()
    caused: list[tuple[int, object]] = [(r.seq, r.payload["cause"]) for r in _events(store)
                                        if isinstance(r.payload.get("cause"), int | float | str)]
    retracted: set[int] = set()
    for r in retractions:
        out = {r.payload["seq"]}
        for seq, cause in caused:
            if seq >= r.seq:
                break
            if cause in out:
                out.add(seq)
        retracted |= out
    return retracted


class _Turns:
    """The scenario turn each row happened in, row by row (a retracted clock advance moves no turn)."""

    def __init__(self, retracted: set[int]) -> None:
        self.turn = 1
        self.retracted = retracted

    def of(self, r: StoredEvent) -> int:
        if r.type == "ClockAdvanced" and r.seq not in self.retracted and isinstance(r.payload.get("turn"), int):
            self.turn = r.payload["turn"]
        return self.turn


@contextmanager
def _writing(path: Path, newline: str) -> Iterator[TextIO]:
    """`path` written through a temporary file beside it, put in place only once complete: an export that meets a
    damaged row half-way leaves no half file behind, and never half-overwrites an earlier export."""
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _json_line(text: str) -> str:
    """A JSON text with every unprintable character (only ever inside a string) written as its escape."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ord(ch) > 0xFFFF:  # a JSON escape is UTF-16: a surrogate pair
            code = ord(ch) - 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def export_jsonl(db_path: str | Path, path: Path) -> Path:
    """One JSON object a line: seq, wall, type, v, at_turn, retracted, payload, prev_hash, hash."""
    from ..store import GENESIS_HASH

    prev = GENESIS_HASH
    dumps = json.dumps
    with _store(db_path) as store, _writing(path, "\n") as fh:
        retracted = _retracted(store)
        turns = _Turns(retracted)
        for r in _events(store):
            fh.write(_json_line(dumps({"seq": r.seq, "wall": r.wall, "type": r.type, "v": r.v, "at_turn": turns.of(r),
                                       "retracted": r.seq in retracted, "payload": r.payload, "prev_hash": prev,
                                       "hash": r.hash}, ensure_ascii=False, separators=(",", ":"))))
            fh.write("\n")
            prev = r.hash
    return path


def _payload_columns() -> list[str]:
    """Every field any event type may carry, in a fixed order (the event types' own order)."""
    from typing import get_args

    from ..engine.events import Event

    union = get_args(Event)[0]
    cols: list[str] = []
    for model in get_args(union):
        for name in model.model_fields:
            if name not in ("type", "v") and name not in cols:
                cols.append(name)
    cols.remove("cause")
    return cols


def _cell(value: object) -> str:
    """A value for a spreadsheet cell: its control characters shown, a formula defused (see the module's doc)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)  # a number, even a negative one, is no formula
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, dict)):
        return cells.cell(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return cells.cell(str(value))


def export_csv(db_path: str | Path, path: Path) -> Path:
    """One row per event: seq, wall, at_turn, type, v, retracted, cause, each event field (a field named like one
    of these columns gets a `payload_` prefix), payload, prev_hash, hash."""
    from ..store import GENESIS_HASH
    from ..store.chain import canonical_json

    fields = _payload_columns()
    prev = GENESIS_HASH
    with _store(db_path) as store, _writing(path, "") as fh:
        retracted = _retracted(store)
        turns = _Turns(retracted)
        w = csv.writer(fh, lineterminator="\n")
        base = ["seq", "wall", "at_turn", "type", "v", "retracted", "cause"]
        w.writerow([*base, *(f"payload_{f}" if f in base else f for f in fields), "payload", "prev_hash", "hash"])
        for r in _events(store):
            p = r.payload
            w.writerow([r.seq, r.wall, turns.of(r), r.type, r.v, "true" if r.seq in retracted else "false",
                        _cell(p.get("cause")), *(_cell(p.get(f)) for f in fields), canonical_json(p), prev, r.hash])
            prev = r.hash
    return path


MSEL_HEADER = ["Number", "Inject", "Scenario time", "Trigger", "Type", "From", "To", "Description",
               "Expected player action", "Objective", "Core capability", "Status", "Released", "Decisions"]


def _msel_rows(db_path: str | Path) -> list[list[str]]:
    from ..live import LiveSession, SessionFileError
    from .model import msel_played

    try:
        live = LiveSession.open(db_path, readonly=True)  # read, never written: read-only media too
    except SessionFileError as exc:
        raise ReportError(str(exc)) from None
    try:
        if live.copy_problems:
            # A sheet has no place to say so, and its rows would mix the log with the changed copy: refused, as
            # before read-only opening, while the report says it at the top.
            raise ReportError(f"{db_path}: the scenario copy stored in this file was changed after the session "
                              f"started ({live.copy_problems[0]}); no MSEL is exported from it: tabletop verify "
                              "says more")
        rows = msel_played(live)
    finally:
        live.close()
    return [[str(m.number), m.id, m.time, m.trigger, m.kind, m.sender, m.to, m.description, m.expected, m.objective,
             m.capability, m.status, m.released, "; ".join(m.decisions)] for m in rows]


def export_msel_csv(db_path: str | Path, path: Path) -> Path:
    from ..msel import write_table_csv  # the one MSEL sheet writer, for the scenario's MSEL and this one

    write_table_csv(path, MSEL_HEADER, _msel_rows(db_path), shown=guard)
    return path


def export_msel_xlsx(db_path: str | Path, path: Path) -> Path:
    from ..msel import write_table_xlsx

    table: list[list[str | int]] = [[int(row[0]), *row[1:]] for row in _msel_rows(db_path)]
    write_table_xlsx(path, MSEL_HEADER, table, [8, 18, 14, 18, 12, 24, 24, 40, 48, 10, 28, 11, 20, 48],
                     title="MSEL as played", shown=guard)
    return path


def export(db_path: str | Path, formats: str | Iterable[str] = ("jsonl",), out_dir: str | Path | None = None
           ) -> list[Path]:
    """Write each export format of a session file; returns the files written, in the order asked."""
    fmts = parse_export_formats(formats)
    from ..store import locate

    where = locate(db_path)
    target = Path(out_dir) if out_dir is not None else where.resolve().parent if isinstance(where, Path) else Path()
    if isinstance(where, Path):  # a session in PostgreSQL is checked by opening it
        check_session_file(where)
    stem = where.stem
    writers = {"jsonl": (export_jsonl, f"{stem}.jsonl"), "csv": (export_csv, f"{stem}.csv"),
               "msel-csv": (export_msel_csv, f"{stem}-msel.csv"), "msel-xlsx": (export_msel_xlsx, f"{stem}-msel.xlsx")}
    try:
        target.mkdir(parents=True, exist_ok=True)
        return [writers[f][0](db_path, target / writers[f][1]) for f in fmts]
    except OSError as exc:
        raise ReportError(f"cannot write the export to {target}: {exc.strerror or exc}") from None
