"""`tabletop report` (the after-action report, or a comparison of sessions) and `tabletop export` (raw data out)."""

from __future__ import annotations

from pathlib import Path

import typer

from exercise.cli._app import PANEL_SESSIONS, app, db_location, display, fail


@app.command(rich_help_panel=PANEL_SESSIONS)
def report(
    db: list[str] = typer.Argument(..., help="Session file(s) or postgresql://host/dbname#SESSION: one report each, "
                                   "or one comparison with --compare."),
    format: str = typer.Option("md,html", "--format", "-f", help="Comma-separated: md, html, pdf (needs the pdf "
                               "extra), docx (needs the docx extra), or all."),
    out: Path = typer.Option(Path("."), "--out", "-o", help="Folder to write the report(s) into."),
    compare: bool = typer.Option(False, "--compare", help="Compare sessions of the same scenario: where their "
                                 "decisions diverged, and what that did to the state and the ending."),
    plan: Path | None = typer.Option(
        None, "--plan", metavar="PLAN.xlsx",
        help="The improvement plan as a sheet for the planning team: written, prefilled, when PLAN.xlsx does not "
        "exist; read back into every format when it does (owner, point of contact, start and completion dates, "
        "and any element, root cause or action the team changed). Never overwritten."),
    template_dir: Path | None = typer.Option(
        None, "--template-dir",
        help="Your own Jinja2 templates (letterhead.html.j2, report.css, report.html.j2, report.md.j2…), looked up "
        "before the bundled ones."),
) -> None:
    """The HSEEP-style after-action report and improvement plan of a session.

    HTML is one self-contained page that prints on A4; Markdown's figures go in a folder beside it.
    """
    from exercise.report import ReportError, parse_formats, write_report
    from exercise.report.compare import write_comparison
    from exercise.report.errors import check_session_file

    try:
        formats = parse_formats(format)
        for p in db:
            if isinstance(db_location(p), Path):  # a session in PostgreSQL is checked as it is opened
                check_session_file(p)  # before any is written: a folder or a FIFO among them says what it is
        if template_dir is not None and not template_dir.is_dir():
            fail(f"{template_dir}: no such template directory")
        if plan is not None and (compare or len(db) != 1):
            fail("--plan goes with the report of one session file (not with --compare)")
        if compare:
            if len(db) < 2:
                fail("--compare needs at least two session files")
            if "pdf" in formats:
                _check_extra("weasyprint", "pdf")
            if "docx" in formats:
                _check_extra("docx", "docx")
                _check_extra("PIL", "docx")
            paths = write_comparison(list[str | Path](db), formats, out, template_dir)
        else:
            paths = []
            for p in db:
                paths += write_report(p, formats, out, template_dir, plan)
            if plan is not None and paths and paths[-1] == plan:
                typer.echo(f"note: {display(plan)} holds the improvement plan to fill in (owner, point of contact, "
                           "dates); run this command again to read it into the report", err=True)
    except ReportError as exc:
        fail(str(exc))
    for path in paths:
        typer.echo(display(path))


def _check_extra(module: str, extra: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        fail(f"{extra.upper()} output needs the optional extra: pip install 'tabletop-exercise[{extra}]'")


@app.command(rich_help_panel=PANEL_SESSIONS)
def export(
    db: str = typer.Argument(..., help="Session file, or postgresql://host/dbname#SESSION."),
    format: str = typer.Option("jsonl", "--format", "-f", help="Comma-separated: jsonl, csv (the event log), "
                               "msel-csv, msel-xlsx (the MSEL as played)."),
    out: Path = typer.Option(Path("."), "--out", "-o", help="Folder to write into."),
) -> None:
    """Raw data out: the event log (with each event's hash, so the chain can be checked) or the MSEL."""
    from exercise.report import ReportError
    from exercise.report.export import export as do_export

    try:
        paths = do_export(db, format, out)
    except ReportError as exc:
        fail(str(exc))
    for path in paths:
        typer.echo(display(path))
