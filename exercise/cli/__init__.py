"""The `tabletop` command: a thin layer over the engine, the store and the reports.

Layout
    _app.py       the Typer `app`, the error handling every command shares, small helpers
    _fast.py      plain `tabletop play` lines read from play's typer signature without typer's parser (start-up)
    _render.py    events told as readable lines (used by `tabletop run`; reusable by others)
    _script.py    `tabletop run --script` files, script resume
    author.py     scenarios, validate, schema, test
    copy.py       copy (a session between a file and PostgreSQL, verbatim)
    msel.py       msel export, msel import
    new.py        new
    play.py       play (the terminal UI)
    report_cmd.py report, export
    run.py        run (headless sessions: a script or bots), with resume after a crash
    sessions.py   log, verify
    simulate.py   simulate

Adding a command
    Write it in a module here (a new one, or the module of its group), registered on the shared app:

        import typer
        from exercise.cli._app import PANEL_SESSIONS, app, fail

        @app.command(rich_help_panel=PANEL_SESSIONS)
        def report(db: list[str] = typer.Argument(..., help="session file(s)")) -> None:
            \"\"\"The after-action report.\"\"\"
            from exercise.report import build  # heavy imports inside the function: keeps --help fast
            ...

    A new module is added to the import list in `commands()` below by name. Nothing is discovered: a module
    that is not listed registers nothing, and one that fails to import stops `tabletop` at once (and the tests
    with it) rather than leaving a command silently missing. tests/cli_contract.py holds the list of commands
    the command-line contract promises; a new command goes there too. The help panel (`PANEL_*` in _app.py)
    decides where a command appears in `tabletop --help`.

    Raise `CliError` (or call `fail(...)`) for bad input; `ScenarioError`, `Refused`,
    `SessionFileError` and `StoreError` may simply escape: the app prints them as clear lines and
    exits 1. Anything else is an internal error (exit 2, traceback only with TABLETOP_DEBUG=1).

    Conventions: import the engine, Textual, WeasyPrint… inside the command function, so `tabletop --help`
    and every other command stay fast. Import only what a plain `pip install tabletop-exercise` installs
    (the dependencies in pyproject.toml; an extra's packages only inside the function that needs them, with
    a message naming the extra when it is missing). Print with `typer.echo`/`typer.style`, never `import
    click`: typer carries its own copy of click, and the click package is not installed with tabletop.
    A command group (`tabletop msel export`) is `typer.Typer(cls=TtxGroup)` added with `app.add_typer`.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import typer

from exercise.cli import _app
from exercise.cli._app import CliError, report_error

__all__ = ["CliError", "app", "commands", "main"]


def commands() -> typer.Typer:
    """The `tabletop` app with every command registered on it."""
    # Imported for the commands each registers on `app` (see "Adding a command" above).
    from exercise.cli import author, copy, msel, new, play, report_cmd, run, serve, sessions, simulate  # noqa: F401

    return _app.app


def __getattr__(name: str) -> Any:
    """`exercise.cli.app`, with every command on it: the command modules are imported when it is first asked
    for, so that `tabletop play` does not wait for the others (see `_start` below)."""
    if name == "app":
        return commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _start(args: list[str] | None) -> None:
    """`tabletop play` with plain arguments goes straight to the command (cli/_fast.py): the time a person
    waits for the launcher is Textual's, not typer's (bench/bench_launcher.py). Every other line, and any play
    line that is not plainly values (--help, a mistake), is typer's."""
    words = sys.argv[1:] if args is None else args
    if words[:1] == ["play"]:
        from exercise.cli import play
        from exercise.cli._fast import simple_call

        values = simple_call(play.play, words[1:])
        if values is not None:
            play.play(**values)
            return
    commands()(args=args, prog_name="tabletop")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tabletop` console script."""
    try:
        _start(argv)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except typer.Exit as exc:  # normally turned into SystemExit by typer; never a traceback if not
        return exc.exit_code
    except Exception as exc:
        handled = report_error(exc)
        if handled is not None:
            return handled
        if os.environ.get("TABLETOP_DEBUG") == "1":
            traceback.print_exc()
        detail = " ".join(str(exc).split())[:300]
        print(f"internal error: {type(exc).__name__}: {detail}"
              + ("" if os.environ.get("TABLETOP_DEBUG") == "1" else " (set TABLETOP_DEBUG=1 for the traceback)"),
              file=sys.stderr)
        return 2
    return 0
