"""`tabletop msel export|import`: the master scenario events list as a CSV or XLSX sheet, both ways."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from exercise.cli._app import PANEL_AUTHOR, TtxGroup, app, diagnostic_line, display, err, fail, load
from exercise.cli._library import library_option

msel_app = typer.Typer(cls=TtxGroup, help="The MSEL (master scenario events list) as a spreadsheet, out and back in.",
                       no_args_is_help=True)
app.add_typer(msel_app, name="msel", rich_help_panel=PANEL_AUTHOR)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        fail(f"{path}: use a .csv or .xlsx file name")
    return suffix[1:]


@msel_app.command("export")
def export(
    scenario: str = typer.Argument(..., help="a scenario file, folder or id"),
    out: Path = typer.Option(..., "--output", "-o", help="the sheet to write: NAME.csv or NAME.xlsx"),
    library_path: list[Path] = library_option(),
) -> None:
    """Write a scenario's injects as an MSEL sheet (one row per inject)."""
    from exercise import msel

    kind = _kind(out)
    sc = load(scenario, library_path)
    sheet = msel.rows(sc)
    if kind == "csv":
        msel.write_csv(sheet, out)
    else:
        msel.write_xlsx(sheet, out, title=f"MSEL: {sc.title}")
    typer.echo(f"wrote {len(sheet)} injects to {display(out)}")


@msel_app.command("import")
def import_(
    sheet: Path = typer.Argument(..., help="an MSEL sheet (.csv or .xlsx) with the columns `msel export` writes"),
    out: Path = typer.Option(..., "--output", "-o", help="the inject library to write (YAML)"),
    force: bool = typer.Option(False, "--force", help="overwrite OUT if it exists"),
) -> None:
    """Read an MSEL sheet into an inject library that a scenario includes (include: [path])."""
    from exercise import msel

    _kind(sheet)
    if not sheet.exists():
        fail(f"{sheet}: no such file")
    if out.exists() and not force:
        fail(f"{out} exists: use --force to overwrite it")
    try:
        rows = msel.read(sheet)
    except msel.MselError as exc:
        err(diagnostic_line(replace(exc.diagnostic, file=display(sheet))))
        raise typer.Exit(1) from None
    out.write_text(msel.to_library(rows, title=f"Imported from {sheet.name}"), encoding="utf-8")
    typer.echo(f"wrote {len(rows)} injects to {display(out)}; include it from a scenario and run tabletop validate")
