"""`tabletop new NAME`: scaffold a scenario folder that validates and plays as written."""

from __future__ import annotations

from pathlib import Path

import typer

from exercise.cli._app import PANEL_AUTHOR, app, display, fail


@app.command(rich_help_panel=PANEL_AUTHOR)
def new(
    name: str = typer.Argument(..., help="the scenario's name, e.g. 'Baltic Ports' (its id is made from it)"),
    folder: Path = typer.Option(Path("."), "--dir", "-d", help="where to create the scenario folder"),
) -> None:
    """Scaffold a scenario (scenario.yaml and GUIDE.md) that validates and plays as written."""
    from exercise.scaffold import ScaffoldError, scaffold

    try:
        path = scaffold(name, folder)
    except ScaffoldError as exc:
        fail(str(exc))
    typer.echo(f"created {display(path)} and {display(path.parent / 'GUIDE.md')}")
    typer.echo(f"next: tabletop validate --strict {display(path)}  ·  tabletop test {display(path)}  ·  "
               f"tabletop play {display(path)}")
