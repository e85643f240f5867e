"""`tabletop copy SRC DST`: a session moved verbatim between stores (a session file and PostgreSQL).

A workshop run offline is uploaded to the hosted server, a hosted one taken home. The rows are written as they
were (wall times, hashes), checked to chain as they go, so `verify` passes on both and gives the same head.
A destination that already exists is never written into: a copy makes a new session or nothing.

Side data that belongs to the session goes with it, outside the chain as before: the join codes' hashes (a hosted
session taken home still accepts its codes), unsent drafts, and where each console was. Presence is what is open
now, somewhere else: it is not copied. Nor is the key `serve` signs cookies with: a copy is another place, and
its browsers join with their codes again (a cookie taken from the hosted site opens nothing in the copy).
"""

from __future__ import annotations

import typer

from exercise.cli._app import PANEL_SESSIONS, app, display, fail

BATCH = 5_000  # rows per transaction into the destination: a long log is not held twice in memory at once
# The side data copied, by kind: serve/stored.py's CODES, and ui/controller.py's DRAFT and PLACE (a test keeps the
# names in step). Named here rather than imported: copy needs neither the server nor the terminal UI.
COPIED_SIDE = ("join-code", "draft", "place")


@app.command(rich_help_panel=PANEL_SESSIONS)
def copy(
    src: str = typer.Argument(..., metavar="SRC", help="The session to copy: a file or postgresql://host/db#SESSION."),
    dst: str = typer.Argument(..., metavar="DST", help="Where to put it (must not exist yet): a file or a URL."),
) -> None:
    """Copy a session verbatim between a session file and PostgreSQL: the same events, wall times and hashes, with
    its join codes and unsent drafts."""
    from exercise.store import StoreError, create_store, locate, open_store, session_exists

    source, target = locate(src), locate(dst)
    if source == target:
        fail(f"{display(src)}: source and destination are the same session")
    with open_store(source, write=False) as store:
        check = store.verify()
        if not check.ok:
            fail(f"{display(src)}: not copied: {check.message} (tabletop verify says more)")
        if session_exists(target):
            fail(f"{display(dst)} already exists: tabletop copy makes a new session and never overwrites one")
        out = create_store(target, meta=store.meta, sources=store.sources)
        try:
            rows = store.read()
            for start in range(0, len(rows), BATCH):
                out.append_verbatim(rows[start:start + BATCH])
            for kind in COPIED_SIDE:
                for key, entry in store.side(kind).items():
                    out.set_side(kind, key, entry.value)
            copied = out.verify()
        except StoreError:
            out.close()
            raise
        out.close()
    if not copied.ok or copied.events != check.events:
        fail(f"{display(dst)}: the copy does not verify: {copied.message}")
    typer.echo(f"copied {copied.events} events from {display(src)} to {display(dst)}: {copied.message}")
