"""Commands on session files: log, verify. Both only read: they work on read-only media and change nothing."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

import typer

from exercise.cli._app import PANEL_SESSIONS, app, display, err, note

# Keys of a `tabletop log --json` line that belong to the log row; an event field of the same name
# (EventRetracted.seq: the seq it retracts) is written as `event_<name>`.
ROW_KEYS = ("seq", "type", "wall", "hash")
# Characters JSON lets through raw that a terminal may obey (C1 controls, like ESC) or that reorder the text
# around them (line separators, bidirectional controls): written as \u escapes, the same JSON once parsed.
_JSON_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def log_record(row: Any) -> dict[str, Any]:
    """One JSONL record: seq, type, wall, hash, then the event's own fields."""
    out: dict[str, Any] = {"seq": row.seq, "type": row.type, "wall": row.wall, "hash": row.hash}
    for key, value in row.payload.items():
        if key == "type":
            continue
        out[f"event_{key}" if key in ROW_KEYS else key] = value
    return out


def json_line(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@app.command(rich_help_panel=PANEL_SESSIONS)
def log(
    db: str = typer.Argument(..., metavar="DB", help="Session file, or postgresql://host/dbname#SESSION."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines: seq, type, wall, hash and the event's fields "
                                 "(an event field named like one of these is prefixed 'event_')."),
) -> None:
    """Print the event log, one event a line: seq, wall time, type, what happened."""
    from exercise.engine.text import one_line
    from exercise.store import EventStore, open_store

    with open_store(db, write=False) as store:
        if as_json:  # written as read: a million events hold one batch of rows in memory, never the log
            out = sys.stdout
            events = store.scan_events() if isinstance(store, EventStore) else iter(store.read())
            for row in events:
                out.write(json_line(log_record(row)) + "\n")
            out.flush()
            return
        rows = store.read()
        scenario = _stored_scenario(store, rows, db)
    describe_row, retracted = _describer(scenario, rows)
    width = max((len(one_line(r.type)) for r in rows), default=0)
    for row in rows:
        mark = "  (retracted)" if row.seq in retracted else ""
        typer.echo(f"{row.seq:>5}  {one_line(row.wall)}  {one_line(row.type):<{width}}  "
                   f"{one_line(describe_row(row))}{mark}")
    if not rows:
        note(f"{display(db)}: no events yet")


def _stored_scenario(store: Any, rows: list[Any], db: str) -> Any:
    """The scenario stored in the file, to describe events with; None (events shown as stored) when it does not
    load, or when it is not the copy the session started with: a changed copy would put words in the log that
    were never played."""
    from exercise.engine.compile import load_sources
    from exercise.engine.diagnostics import ScenarioError
    from exercise.live import copy_problems
    from exercise.live_log import started_payload
    from exercise.store import StoreError

    try:
        meta, sources = store.meta, store.sources
    except StoreError as exc:
        note(f"note: the scenario stored in this file cannot be read ({exc}); events are shown as stored")
        return None
    problems = copy_problems(meta, sources, started_payload(rows))
    if problems:
        err(f"warning: {display(db)}: the scenario copy stored in this file was changed after the session started "
            f"({problems[0]}); events are shown as stored: tabletop verify says more")
        return None
    main = meta.get("main")
    if not main or main not in sources:
        return None
    try:
        return load_sources(sources, main)
    except ScenarioError:
        note("note: the scenario stored in this file does not load; events are shown as stored")
        return None


def _describer(sc: Any, rows: list[Any]) -> tuple[Callable[[Any], str], set[int]]:
    """Words for each event, from the stored scenario `sc`; raw JSON without it."""

    def raw(row: Any) -> str:
        fields = {k: v for k, v in row.payload.items() if k not in ("type", "v")}
        return json.dumps(fields, ensure_ascii=False)

    if sc is None:
        return raw, set()

    from exercise.engine.events import event_from_dict
    from exercise.engine.state import Entry, State
    from exercise.engine.text import without_isolates
    from exercise.engine.views import describe

    retracted: set[int] = set()
    state: State | None = None
    try:
        state = State.fold(sc, [Entry(r.seq, event_from_dict(r.payload), r.wall) for r in rows])
        retracted = set(state.retracted)
    except Exception:
        note("note: this log cannot be replayed by this version of tabletop; events are listed one by one")

    def words(row: Any) -> str:
        # Titles and labels in the words the teams were shown (stored at release), as the screens and the
        # report say them; without a replayable state, each event's own stored words or a preview. The isolates
        # the sentence puts around right-to-left names are for reports: a terminal would show them as marks.
        try:
            if state is None:
                return without_isolates(describe(sc, event_from_dict(row.payload)))
            return without_isolates(describe(sc, event_from_dict(row.payload), state=state))
        except Exception:
            return raw(row)

    return words, retracted


@app.command(rich_help_panel=PANEL_SESSIONS)
def verify(db: str = typer.Argument(..., metavar="DB", help="Session file, or postgresql://host/dbname#SESSION.")
           ) -> None:
    """Check a session file: SQLite's integrity check, the log's hash chain and the scenario copy stored with it;
    exit 1 when one fails (with the first bad sequence number when the chain is broken). Only reads the file."""
    from exercise.engine.text import one_line
    from exercise.live import verify_session

    result = verify_session(db)
    name = one_line(display(db))
    for remark in result.notes:
        note(f"note: {remark}")
    chain = result.chain
    if result.ok:
        typer.echo(f"ok: {name}: {result.message}")
        return
    broken = f"first bad seq {chain.first_bad_seq}: {chain.message}" if chain.first_bad_seq else chain.message
    parts = [result.copy_message, broken] if chain.ok else [broken, result.copy_message]
    typer.echo(f"FAIL: {name}: {'; '.join(parts)}")
    if not chain.ok:
        found = [f"the file is damaged ({chain.damage})" if chain.damage else "",
                 f"the hash chain is broken at seq {chain.first_bad_seq}" if chain.first_bad_seq else ""]
        what = ", and ".join(f for f in found if f)
        if result.copy:
            what += ", and the scenario copy stored in it was changed after the session started"
    else:
        what = "the scenario copy stored in it was changed after the session started (the hash chain is intact)"
    err(f"error: {name}: {what}")
    raise typer.Exit(1)
