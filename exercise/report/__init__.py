"""After-action reports (HSEEP-style AAR/IP) from a session's event log.

    session file -> LiveSession -> report model (model.py, through engine.views and engine.analysis)
                 -> Jinja2 templates in reports/ (Markdown, HTML) -> WeasyPrint (PDF); python-docx (DOCX)

`write_report` is what the facilitator console, the solo debrief and `tabletop report` call.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReportError

if TYPE_CHECKING:
    from ..live import LiveSession
    from ..store import LogFacts, PgLocation
    from .sections import Report

FORMATS = ("md", "html", "pdf", "docx")
MAP_FILE_ID = "region-map"  # the scenario's map, beside the Markdown report's figures: region-map.svg

__all__ = ["FORMATS", "ReportError", "build", "render_html", "render_markdown", "report_stem", "write_report"]


def open_session(db_path: str | Path | PgLocation) -> tuple[LiveSession, LogFacts]:
    """(LiveSession, what its stored rows say) of a session file, reading the log once: the report needs the rows'
    wall times, hashes and hash chain as well as the folded state, and a long log is worth reading only once."""
    from ..live import LiveSession, SessionFileError
    from ..store import locate, shown
    from .errors import check_session_file

    where = locate(db_path)
    if isinstance(where, Path):  # a session in PostgreSQL is checked by opening it
        check_session_file(where)
    try:
        live, facts = LiveSession.open_with_facts(db_path)
    except SessionFileError as exc:
        raise ReportError(str(exc)) from None
    if not facts.events:
        live.close()
        raise ReportError(f"{shown(db_path)}: the session has no events yet")
    return live, facts


def build(db_path: str | Path | PgLocation) -> Report:
    """The report model (`model.Report`) of a session file."""
    from ..live import SessionFileError
    from .model import build_report

    live, facts = open_session(db_path)
    try:
        return build_report(live, facts=facts)
    except SessionFileError as exc:  # the file could not be checked (verify): one line, as when it cannot be opened
        raise ReportError(str(exc)) from None
    finally:
        live.close()


def report_stem(db_path: str | Path | PgLocation) -> str:
    from ..store import locate

    return f"{locate(db_path).stem}-aar"


def figure_dir_name(stem: str) -> str:
    return f"{stem}-figures"


def render_html(report: Report, template_dir: str | Path | None = None, *, for_print: bool = False) -> str:
    """The report as one HTML page; `for_print`, the page WeasyPrint draws as the PDF (see render.html_text)."""
    from .render import render

    return render("print" if for_print else "html", "report.html.j2", {"r": report}, template_dir)


def render_markdown(report: Report, stem: str = "report", template_dir: str | Path | None = None) -> str:
    from .render import render

    return render("md", "report.md.j2", _md_context(report, stem), template_dir)


def _md_context(report: Report, stem: str) -> dict[str, object]:
    from urllib.parse import quote

    from .render import MdSafe

    files = {f.id: MdSafe(quote(f"{figure_dir_name(stem)}/{f.id}.svg")) for f in report.figures}
    if report.region_map is not None:
        files[MAP_FILE_ID] = MdSafe(quote(f"{figure_dir_name(stem)}/{MAP_FILE_ID}.svg"))
    return {"r": report, "figure_files": files}


def parse_formats(formats: str | Iterable[str]) -> list[str]:
    """'md,html' or ['md', 'html'] -> ['md', 'html'], each checked; 'all' means every format."""
    from .formats import parse_format_list

    return parse_format_list(formats, FORMATS, "report", aliases={"markdown": "md"}, every=True)


def write_outputs(report: Report, formats: list[str], out_dir: Path, stem: str,
                  template_dir: str | Path | None = None) -> list[Path]:
    """Write one report model in each format; returns the report files, one per format, in order.
    Markdown also writes its figures as SVG files in `<stem>-figures/` beside it."""
    from .render import render_to

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        if fmt == "md":
            fig_dir = out_dir / figure_dir_name(stem)
            fig_dir.mkdir(exist_ok=True)
            for f in report.figures:
                (fig_dir / f"{f.id}.svg").write_text(f.svg + "\n", encoding="utf-8")
            if report.region_map is not None:  # the scenario's map, as checked when the session's copy loaded
                (fig_dir / f"{MAP_FILE_ID}.svg").write_bytes(report.region_map.svg)
            # Both written as they are made (render_to): a long log's report is never one string in memory.
            path = render_to(out_dir / f"{stem}.md", "md", "report.md.j2", _md_context(report, stem), template_dir)
        elif fmt == "html":
            path = render_to(out_dir / f"{stem}.html", "html", "report.html.j2", {"r": report}, template_dir)
        elif fmt == "pdf":
            from .pdf import write_pdf

            path = write_pdf(render_html(report, template_dir, for_print=True), out_dir / f"{stem}.pdf")
        elif fmt == "docx":
            from .docx import write_docx

            path = write_docx(report, out_dir / f"{stem}.docx")
        else:
            raise ReportError(f"unknown report format '{fmt}'")
        written.append(path)
    return written


def write_report(db_path: str | Path | PgLocation, formats: Iterable[str] | str = ("md", "html"),
                 out_dir: str | Path | None = None, template_dir: str | Path | None = None,
                 plan: str | Path | None = None) -> list[Path]:
    """Write the after-action report of a session file; returns the files written, one per format.

    `out_dir` defaults to the session file's folder. `plan`: an improvement plan sheet (XLSX) read into the
    report when it exists, else written after it, prefilled, and returned last (see plan_sheet.py). Raises
    `ReportError` with one clear line (an unknown format, a missing optional extra, an unreadable session
    file, a missing template, a plan sheet that cannot be read, naming its cell).
    """
    from jinja2 import TemplateError

    from ..store import locate

    fmts = parse_formats(formats)
    if "pdf" in fmts:
        _require("weasyprint", "PDF output needs the optional extra: pip install 'tabletop-exercise[pdf]'")
    if "docx" in fmts:
        _require("docx", "DOCX output needs the optional extra: pip install 'tabletop-exercise[docx]'")
        _require("PIL", "DOCX output needs the optional extra: pip install 'tabletop-exercise[docx]'")
    if template_dir is not None and not Path(template_dir).is_dir():
        raise ReportError(f"{template_dir}: no such template directory")
    plan_path = Path(plan) if plan is not None else None
    if plan_path is not None and plan_path.suffix.lower() != ".xlsx":
        raise ReportError(f"{plan_path}: the plan sheet is an XLSX workbook: name it PLAN.xlsx")
    report = build(db_path)
    fill_in = plan_path is not None and not plan_path.exists()
    if plan_path is not None and not fill_in:
        from .plan_sheet import read_plan

        report = read_plan(report, plan_path)
    session = locate(db_path)
    target = Path(out_dir) if out_dir is not None else session.resolve().parent if isinstance(session, Path) else Path()
    try:
        written = write_outputs(report, fmts, target, report_stem(db_path), template_dir)
        if plan_path is not None and fill_in:
            from .plan_sheet import write_plan

            written.append(write_plan(report, plan_path))
        return written
    except TemplateError as exc:
        name, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)  # a syntax error has them
        where = f" ({name}:{lineno})" if name else ""
        raise ReportError(f"a report template failed{where}: {exc}") from None
    except OSError as exc:
        raise ReportError(f"cannot write the report to {target}: {exc.strerror or exc}") from None


def _require(module: str, message: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ReportError(message)
