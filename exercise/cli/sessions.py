"""Commands on session files: log, verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from exercise.cli._app import PANEL_SESSIONS, app, display, err, note

# Keys of a `tabletop log --json` line that belong to the log row; an event field of the same name
# (EventRetracted.seq: the seq it retracts) is written as `event_<name>`.
ROW_KEYS = ("seq", "type", "wall", "hash")


def log_record(row: Any) -> dict[str, Any]:
    """One JSONL record: seq, type, wall, hash, then the event's own fields."""
    out: dict[str, Any] = {"seq": row.seq, "type": row.type, "wall": row.wall, "hash": row.hash}
    for key, value in row.payload.items():
        if key == "type":
            continue
        out[f"event_{key}" if key in ROW_KEYS else key] = value
    return out


@app.command(rich_help_panel=PANEL_SESSIONS)
def log(
    db: Path = typer.Argument(..., metavar="DB", help="Session file."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines: seq, type, wall, hash and the event's fields "
                                 "(an event field named like one of these is prefixed 'event_')."),
) -> None:
    """Print the event log, one event a line: seq, wall time, type, what happened."""
    from exercise.store import EventStore

    store = EventStore.open(db)
    try:
        rows = store.read()
        if as_json:
            for row in rows:
                typer.echo(json.dumps(log_record(row), ensure_ascii=False))
            return
        describe_row, retracted = _describer(store, rows)
        width = max((len(r.type) for r in rows), default=0)
        for row in rows:
            mark = "  (retracted)" if row.seq in retracted else ""
            typer.echo(f"{row.seq:>5}  {row.wall}  {row.type:<{width}}  {describe_row(row)}{mark}")
        if not rows:
            note(f"{display(db)}: no events yet")
    finally:
        store.close()


def _describer(store: Any, rows: list[Any]) -> tuple[Any, set[int]]:
    """Words for each event, from the scenario stored in the file; raw JSON when that cannot be loaded."""

    def raw(row: Any) -> str:
        fields = {k: v for k, v in row.payload.items() if k not in ("type", "v")}
        return json.dumps(fields, ensure_ascii=False)

    from exercise.engine.compile import load_sources
    from exercise.engine.diagnostics import ScenarioError
    from exercise.engine.events import event_from_dict
    from exercise.engine.state import Entry, State
    from exercise.engine.views import describe

    main = store.meta.get("main")
    sources = store.sources
    if not main or main not in sources:
        return raw, set()
    try:
        sc = load_sources(sources, main)
    except ScenarioError:
        note("note: the scenario stored in this file does not load; events are shown as stored")
        return raw, set()
    retracted: set[int] = set()
    try:
        state = State.fold(sc, [Entry(r.seq, event_from_dict(r.payload), r.wall) for r in rows])
        retracted = set(state.retracted)
    except Exception:
        note("note: this log cannot be replayed by this version of tabletop; events are listed one by one")

    def words(row: Any) -> str:
        try:
            return describe(sc, event_from_dict(row.payload))
        except Exception:
            return raw(row)

    return words, retracted


@app.command(rich_help_panel=PANEL_SESSIONS)
def verify(db: Path = typer.Argument(..., metavar="DB", help="Session file.")) -> None:
    """Check the log's hash chain: exit 0 when intact, 1 with the first bad sequence number when not."""
    from exercise.store import EventStore

    store = EventStore.open(db)
    try:
        result = store.verify()
    finally:
        store.close()
    if result.ok:
        typer.echo(f"ok: {display(db)}: {result.message}")
        return
    typer.echo(f"FAIL: {display(db)}: first bad seq {result.first_bad_seq}: {result.message}")
    err(f"error: {display(db)}: the hash chain is broken at seq {result.first_bad_seq}")
    raise typer.Exit(1)
