"""The `tabletop` Typer app every command module registers on, and what all commands share.

Errors: a command raises `CliError` (or lets the engine's `ScenarioError`, `Refused`, or the store's
`SessionFileError`/`StoreError` escape); `TtxGroup.invoke` turns each into clear lines on stderr and a
non-zero exit, so no command needs its own try/except and no traceback ever reaches a user.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from exercise.engine.compile import CompiledScenario

# Help panels, so `tabletop --help` groups commands by who uses them. Use these names in new modules.
PANEL_PLAY = "Play"
PANEL_AUTHOR = "Write and check scenarios"
PANEL_SESSIONS = "Sessions and after-action"
PANELS = (PANEL_PLAY, PANEL_AUTHOR, PANEL_SESSIONS)  # their order in `tabletop --help`

MAX_DIAGNOSTICS = 50  # a scenario with hundreds of problems prints the first ones and a count


class CliError(Exception):
    """A problem with what the user asked for: printed as one line on stderr, exit `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def err(message: str) -> None:
    """One line (or a few) on stderr. A message often quotes a file name or a scenario: its control characters
    are shown as pictures (engine/text.py), never obeyed by the terminal."""
    from exercise.engine.text import visible

    typer.echo(visible(message), err=True)


def note(message: str) -> None:
    """A remark on stderr that is not an error (so stdout stays clean for --json and pipes)."""
    from exercise.engine.text import visible

    typer.echo(typer.style(visible(message), dim=True), err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    raise CliError(message, code)


def diagnostic_line(diagnostic: Any) -> str:
    """`file:line:col: severity[code]: message`, always one line (a key may hold a newline)."""
    return str(diagnostic).replace("\r", "\\r").replace("\n", "\\n")


def print_diagnostics(diagnostics: list[Any], *, err_stream: bool = True) -> None:
    shown = diagnostics[:MAX_DIAGNOSTICS]
    for d in shown:
        typer.echo(diagnostic_line(d), err=err_stream)
    if len(diagnostics) > len(shown):
        typer.echo(f"… and {len(diagnostics) - len(shown)} more problem(s)", err=err_stream)


def _instance(exc: BaseException, module: str, name: str) -> bool:
    """isinstance against a class by name, without importing its module: if the module was never
    imported, nothing raised could be an instance of it (keeps `tabletop --help` from loading the engine)."""
    mod = sys.modules.get(module)
    cls = getattr(mod, name, None) if mod is not None else None
    return isinstance(cls, type) and isinstance(exc, cls)


def report_error(exc: BaseException) -> int | None:
    """Print an expected failure as clear lines on stderr and return the exit code; None if unexpected."""
    if isinstance(exc, CliError):
        err(f"error: {exc.message}")
        return exc.code
    if _instance(exc, "exercise.engine.diagnostics", "ScenarioError"):
        diagnostics = exc.diagnostics  # type: ignore[attr-defined]
        print_diagnostics(diagnostics)
        n = len(diagnostics)
        err(f"error: the scenario does not load ({n} problem{'s' if n != 1 else ''})")
        return 1
    if _instance(exc, "exercise.live", "SessionFileError") or _instance(exc, "exercise.store.base", "StoreError"):
        err(f"error: {_one_line(str(exc))}")
        return 1
    if _instance(exc, "exercise.engine.session", "Refused"):
        err(f"refused: {_one_line(str(exc))}")
        return 1
    if isinstance(exc, OSError) and exc.filename is not None:
        err(f"error: {exc.filename}: {exc.strerror or exc}")
        return 1
    return None


def _one_line(text: str) -> str:
    from exercise.engine.text import one_line

    return one_line(text)


class TtxGroup(TyperGroup):
    """The command group: turns expected failures of any command into a message and an exit code.
    Use it (`typer.Typer(cls=TtxGroup)`) for a nested group too, e.g. `tabletop msel ...`."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Grouped by help panel in the order of PANELS, so `tabletop --help` reads from playing to the
        after-action whatever order the command modules are imported in; within a panel, as registered."""
        def rank(name: str) -> int:
            panel = getattr(self.commands[name], "rich_help_panel", None)
            return PANELS.index(panel) if panel in PANELS else len(PANELS)

        return sorted(super().list_commands(ctx), key=rank)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            code = report_error(exc)
            if code is None:
                raise  # typer's own Exit/usage errors pass through; anything else is an internal error
            raise typer.Exit(code) from None


def _version(value: bool) -> None:
    if value:
        from exercise import __version__

        typer.echo(f"tabletop {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=TtxGroup,
    name="tabletop",
    help="tabletop: policy exercises in the terminal. Coalition crises, played by teams or bots, "
    "with an event log you can verify and after-action reports.",
    epilog="Every command has --help. Set TABLETOP_DEBUG=1 to see a traceback on an internal error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """tabletop: policy exercises in the terminal."""


# -- shared helpers for commands ---------------------------------------------------------------

def scenario_path(ref: str) -> Path:
    """A scenario file from a path, a folder holding scenario.yaml, or a bundled/local scenario id."""
    p = Path(ref)
    if p.is_dir():
        if (p / "scenario.yaml").is_file():
            return p / "scenario.yaml"
        fail(f"{ref}: a folder without a scenario.yaml")
    if p.exists():
        return p
    from exercise.resources import find_scenario

    found = find_scenario(ref)
    if found is not None:
        return found
    if "/" in ref or ref.endswith((".yaml", ".yml")):
        fail(f"{ref}: no such file")
    fail(f"{ref}: no such scenario file or scenario id (tabletop scenarios lists them)")


def load(ref: str, library: list[Path] | None = None) -> CompiledScenario:
    """Load a scenario given as a path or an id; ScenarioError (with every problem) when it is broken.
    Its includes may come from `library` folders (--library-path), TABLETOP_LIBRARY_PATH and the bundled ones."""
    from exercise.engine.compile import load_scenario
    from exercise.resources import library_roots

    return load_scenario(scenario_path(ref), library_roots(library or []))


def db_location(db: str) -> Any:
    """A DB argument as a Location (exercise.store): a Path for a file, without importing the store (which brings
    sqlite3: `tabletop play` shows its launcher first), else the PostgreSQL session the URL names."""
    if db.split(":", 1)[0].lower() not in ("postgresql", "postgres"):
        return Path(db)
    from exercise.store import locate

    return locate(db)


def display(path: Path | str | Any) -> str:
    """A path as short as it can be said: relative to the working directory when under it; a PostgreSQL session
    as its URL without the password."""
    if not isinstance(path, Path) and str(path).split(":", 1)[0].lower() in ("postgresql", "postgres"):
        from exercise.store import shown

        return shown(path)
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
