"""The `tabletop` command: a thin layer over the engine, the store and the reports.

Layout
    _app.py       the Typer `app`, the error handling every command shares, small helpers
    _render.py    events told as readable lines (used by `tabletop run`; reusable by others)
    _script.py    `tabletop run --script` files, one-bot-decision-at-a-time play, script resume
    author.py     scenarios, validate, schema, test
    simulate.py   simulate
    run.py        run (headless sessions: a script or bots), with resume after a crash
    sessions.py   log, verify
    (others: play.py, new.py, msel.py, report_cmd.py, … each registers its own commands)

Adding a command
    Create a module here, e.g. `exercise/cli/report.py`, and register on the shared app:

        import typer
        from exercise.cli._app import PANEL_SESSIONS, app, fail

        @app.command(rich_help_panel=PANEL_SESSIONS)
        def report(db: list[str] = typer.Argument(..., help="session file(s)")) -> None:
            \"\"\"The after-action report.\"\"\"
            from exercise.report import build  # heavy imports inside the function: keeps --help fast
            ...

    Every public module (no leading underscore) in this package is imported when `tabletop` starts, so
    nothing else needs editing; `ORDER` below only fixes where a command appears in `tabletop --help`.
    Raise `CliError` (or call `fail(...)`) for bad input; `ScenarioError`, `Refused`,
    `SessionFileError` and `StoreError` may simply escape: the app prints them as clear lines and
    exits 1. Anything else is an internal error (exit 2, traceback only with TABLETOP_DEBUG=1).

    Conventions: import the engine, Textual, WeasyPrint… inside the command function, so `tabletop --help`
    and every other command stay fast. Print with `typer.echo`/`typer.style`, never `import click`:
    typer carries its own copy of click, and the click package is only installed with the dev extras.
    A command group (`tabletop msel export`) is `typer.Typer(cls=TtxGroup)` added with `app.add_typer`.
    A module that fails to import does not take `tabletop` down: its name becomes a command that reports
    the import error (exit 2).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback

import typer

from exercise.cli._app import CliError, app, report_error

__all__ = ["CliError", "app", "main"]

# Modules first, in this order (the order of `tabletop --help`), then any others alphabetically.
ORDER = ("play", "run", "new", "author", "simulate", "msel", "sessions", "report", "report_cmd", "export")


def _load_commands() -> None:
    found = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}
    for name in [*(n for n in ORDER if n in found), *sorted(found - set(ORDER))]:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except Exception as exc:
            _register_broken(name, exc)


def _register_broken(name: str, exc: Exception) -> None:
    """Stand in for a command module that does not import: say so when used, instead of a traceback."""
    detail = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    if name in {c.name for c in app.registered_commands}:
        return

    @app.command(name=name, hidden=True, context_settings={"ignore_unknown_options": True,
                                                          "allow_extra_args": True})
    def broken() -> None:
        if os.environ.get("TABLETOP_DEBUG") == "1":
            traceback.print_exception(exc)
        print(f"internal error: the command module exercise/cli/{name}.py does not load ({detail})",
              file=sys.stderr)
        raise typer.Exit(2)


_load_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tabletop` console script."""
    try:
        app(args=argv, prog_name="tabletop")
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
