"""The improvement plan as a sheet the planning team finishes (`tabletop report DB --plan PLAN.xlsx`).

The behaviour, one rule: when PLAN.xlsx does not exist, the report is written as usual and the plan is written
to PLAN.xlsx, prefilled; when it exists, it is read and what the team wrote goes into every format of the report
(the sheet is never written over: it is the team's work). Columns A–E tie a row to the log (the observation's
event number and its words) and are left as written; the team fills F–L: capability element, root cause,
corrective action, responsible organisation, point of contact, start and completion. A cell left as tabletop
wrote it keeps its 'suggested' mark; a blank element or root cause is 'to be determined', a blank owner 'to be
assigned', blank dates 'to be set'.

The sheet comes back from outside, so it is read like any outside file: bounded in size (the MSEL's limits), each
cell's text shown as text, and any problem (a missing or moved column, a date that is not one, a row of another
session) is one line naming the sheet and the cell. Text written to it stays text: a cell starting with '=' is
stored as a string, never as a formula.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..engine.text import visible
from .errors import ReportError
from .outside import block, line
from .plan import ELEMENTS, TO_BE_ASSIGNED, TO_BE_DETERMINED, TO_BE_SET, intro
from .sections import IPRow, Report

SHEET = "Improvement plan"
HEADER_ROW = 4
COLUMNS = ("#", "Event", "Objective", "Core capability", "Issue / area for improvement", "Capability element",
           "Root cause", "Corrective action", "Responsible organisation", "Point of contact", "Start", "Completion")
WIDTHS = (5, 8, 10, 22, 48, 16, 36, 60, 26, 24, 12, 12)
MAX_ROWS = 5000  # an exercise notes tens of areas for improvement, not thousands
MAX_CELL = 4000  # characters kept of one cell: a plan's sentence, not a document


def _openpyxl(module: str) -> Any:
    """An openpyxl module: it ships no type hints, so its use stays in this module, behind typed signatures."""
    return importlib.import_module(module)


def _col(i: int) -> str:
    return chr(ord("A") + i)


def _suggested(text: str, placeholder: str) -> str:
    return "" if text == placeholder else text


def write_plan(report: Report, path: Path) -> Path:
    """The plan as a workbook to fill in: tabletop's suggestions written, the owner, contact and dates blank."""
    openpyxl, styles = _openpyxl("openpyxl"), _openpyxl("openpyxl.styles")
    validation = _openpyxl("openpyxl.worksheet.datavalidation")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = f"Improvement plan: {report.overview.title}"
    ws["A1"].font = styles.Font(bold=True, size=14)
    ws["A2"] = (f"Session file {report.digest.file}, {report.digest.events} events, head hash "
                f"{report.digest.head_hash[:16]}. Fill in columns F to L (element, root cause, action, owner, "
                "contact, dates as YYYY-MM-DD); leave A to E as written: they tie each row to the log.")
    ws["A3"] = "Then run the same tabletop report command again: the report reads this sheet back."
    for i, name in enumerate(COLUMNS):
        cell = ws.cell(HEADER_ROW, i + 1, name)
        cell.font = styles.Font(bold=True)
        ws.column_dimensions[_col(i)].width = WIDTHS[i]
    for row in report.improvement_plan:
        values: list[object] = [
            row.number, row.key, row.objective, row.capability, row.issue,
            _suggested(row.element, TO_BE_DETERMINED), _suggested(row.root_cause, TO_BE_DETERMINED),
            _suggested(row.action, TO_BE_DETERMINED),
            row.responsible if row.responsible != TO_BE_ASSIGNED else "", None, None, None]
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                # openpyxl stores a str starting with '=' as a formula and refuses control characters: outside
                # text is shown (`visible`) and kept a string, so '=HYPERLINK(…)' in an observation stays words.
                cell.value = visible(cell.value)
                cell.data_type = "s"
            cell.alignment = styles.Alignment(wrap_text=True, vertical="top")
        for c in ("K", "L"):
            ws[f"{c}{ws.max_row}"].number_format = "yyyy-mm-dd"
    last = HEADER_ROW + max(len(report.improvement_plan), 1)
    dv = validation.DataValidation(type="list", formula1='"' + ",".join(ELEMENTS) + '"', allow_blank=True)
    dv.add(f"F{HEADER_ROW + 1}:F{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    wb.properties.title = f"Improvement plan: {report.overview.title}"
    try:
        wb.save(str(path))
    except OSError as exc:
        raise ReportError(f"cannot write the plan sheet {path}: {exc.strerror or exc}") from None
    return path


# -- reading it back ---------------------------------------------------------------------------------------

def _fail(path: Path, cell: str, message: str) -> ReportError:
    return ReportError(f"{path}: sheet '{SHEET}' cell {cell}: {message}")


def _rows(path: Path) -> list[tuple[Any, ...]]:
    from ..engine.safefile import UnsafeFile, read_bounded
    from ..msel import MAX_SHEET_BYTES, MselError, _check_zip

    try:
        raw = read_bounded(path, MAX_SHEET_BYTES)
    except UnsafeFile as exc:
        raise ReportError(f"{path}: {exc.message}") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the plan sheet: {exc.strerror or exc}") from None
    try:
        _check_zip(path, raw)  # the MSEL's guard: unpacked size, number of parts, no DTD
    except MselError as exc:
        raise ReportError(f"{path}: not a readable plan workbook: {exc.diagnostic.message}") from None
    try:
        wb = _openpyxl("openpyxl").load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ReportError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        if SHEET not in wb.sheetnames:
            raise ReportError(f"{path}: no sheet named '{SHEET}' (sheets: {', '.join(wb.sheetnames)}); write a "
                              "fresh one with --plan NEW.xlsx")
        ws = wb[SHEET]
        # Explicit bounds: a read-only sheet otherwise pads every row to the size its <dimension> claims.
        return list(ws.iter_rows(min_row=1, max_row=HEADER_ROW + MAX_ROWS + 1, max_col=len(COLUMNS) + 1,
                                 values_only=True))
    finally:
        wb.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:MAX_CELL]


def _date(path: Path, cell: str, value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(path, cell, f"'{line(text)[:40]}' is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31") \
            from None


def read_plan(report: Report, path: Path) -> Report:
    """The report with the planning team's sheet read into its improvement plan; ReportError names the cell."""
    rows = _rows(path)
    if len(rows) > HEADER_ROW + MAX_ROWS:
        raise _fail(path, f"A{HEADER_ROW + MAX_ROWS + 1}", f"the plan has more than {MAX_ROWS} rows")
    header = list(rows[HEADER_ROW - 1]) if len(rows) >= HEADER_ROW else []
    for i, name in enumerate(COLUMNS):
        found = _text(header[i]) if i < len(header) else ""
        if found != name:
            said = f"found '{line(found)[:40]}'" if found else "found nothing"
            raise _fail(path, f"{_col(i)}{HEADER_ROW}", f"expected the column '{name}', {said} (the columns are "
                        "tabletop's: leave A to E and the headings as written)")
    extra = _text(header[len(COLUMNS)]) if len(header) > len(COLUMNS) else ""
    if extra:
        raise _fail(path, f"{_col(len(COLUMNS))}{HEADER_ROW}", f"an extra column '{line(extra)[:40]}': the plan "
                    f"has {len(COLUMNS)} columns, A to {_col(len(COLUMNS) - 1)}")
    by_key = {r.key: r for r in report.improvement_plan}
    seen: dict[int, int] = {}
    plan = list(report.improvement_plan)
    for n, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        cells = [*values, *([None] * len(COLUMNS))][:len(COLUMNS)]
        if all(_text(v) == "" for v in cells):
            continue
        key = _key(path, f"B{n}", cells[1])
        row = by_key.get(key)
        if row is None:
            raise _fail(path, f"B{n}", f"event #{key} is no area for improvement of this session: is this row from "
                        "another session's plan?")
        if key in seen:
            raise _fail(path, f"B{n}", f"event #{key} is already the row at line {seen[key]}")
        seen[key] = n
        if _text(cells[4]) != visible(row.issue).strip()[:MAX_CELL]:
            raise _fail(path, f"E{n}", f"the issue is not the one noted at event #{key} in this session: is this "
                        "row from another session's plan? (leave A to E as written)")
        plan[plan.index(row)] = _filled(path, n, row, cells)
    name = line(path.name)
    return dataclasses.replace(report, improvement_plan=plan, plan_intro=intro(name))


def _key(path: Path, cell: str, value: Any) -> int:
    text = _text(value)
    if not text.isdigit():
        raise _fail(path, cell, f"'{line(text)[:40]}' is not an event number: leave A to E as tabletop wrote them")
    return int(text)


def _same(read: str, written: str) -> bool:
    """Whether a cell read back still holds what tabletop wrote into it (as shown: `visible`, trimmed)."""
    return read == visible(written).strip()[:MAX_CELL]


def _filled(path: Path, n: int, row: IPRow, cells: list[Any]) -> IPRow:
    """The row as the team left it: a cell as tabletop wrote it keeps its mark, a changed one is the team's."""
    element, cause, action, owner, poc = (_text(cells[i]) for i in range(5, 10))
    start, end = _date(path, f"K{n}", cells[10]), _date(path, f"L{n}", cells[11])
    if start and end and end < start:
        raise _fail(path, f"L{n}", f"completion {end.isoformat()} comes before the start {start.isoformat()}")
    changes: dict[str, Any] = {}
    if element != _suggested(row.element, TO_BE_DETERMINED):
        match = next((e for e in ELEMENTS if e.lower() == element.lower()), None)
        if element and match is None:
            raise _fail(path, f"F{n}", f"'{line(element)[:40]}' is not a capability element (one of "
                        f"{', '.join(ELEMENTS)})")
        changes |= {"element": match or TO_BE_DETERMINED,
                    "element_note": "planning team" if match else "for the planning team"}
    if not _same(cause, _suggested(row.root_cause, TO_BE_DETERMINED)):
        changes |= {"root_cause": block(cause) or TO_BE_DETERMINED,
                    "root_cause_note": "planning team" if cause else "for the planning team"}
    if not _same(action, _suggested(row.action, TO_BE_DETERMINED)):
        said = [block(a.strip()) for a in action.splitlines() if a.strip()]
        changes |= {"actions": said, "action": "\n".join(said) or TO_BE_DETERMINED,
                    "recommendation": "planning team" if said else "for the planning team"}
    suggested_owner = row.responsible if row.responsible != TO_BE_ASSIGNED else ""
    if not _same(owner, suggested_owner):
        changes |= {"responsible": line(owner) or TO_BE_ASSIGNED, "responsible_suggested": False}
    changes |= {"poc": line(poc) or TO_BE_ASSIGNED, "start": start.isoformat() if start else TO_BE_SET,
                "completion": end.isoformat() if end else TO_BE_SET}
    filled = bool(poc or start or end) or len(changes) > 3  # three are always set: poc, start, completion
    return dataclasses.replace(row, **changes, filled=filled)
