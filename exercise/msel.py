"""The master scenario events list (MSEL) as planners keep it: a CSV or XLSX sheet, one row per inject.

Export writes a scenario's injects as rows; import reads rows back into an inject library, so a
planning team can work in the spreadsheet they already use and bring the result back into tabletop.
Export then import then export gives the same sheet: every column maps to one inject field.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .engine.compile import CompiledScenario
from .engine.compile_injects import CInject

COLUMNS = ["Seq", "Inject ID", "Scenario time", "Trigger", "Type", "From", "To", "Title", "Description",
           "Expected action", "Objective", "Capability"]


class MselError(Exception):
    """A sheet that cannot be read; the message names the file, row and column."""


@dataclass
class MselRow:
    seq: int
    id: str
    time: str
    trigger: str
    kind: str
    sender: str
    to: str
    title: str
    description: str
    expected: str
    objective: str
    capability: str

    def cells(self) -> list[str | int]:
        return [self.seq, self.id, self.time, self.trigger, self.kind, self.sender, self.to, self.title,
                self.description, self.expected, self.objective, self.capability]


def _trigger(ci: CInject) -> str:
    m = ci.model
    if ci.manual:
        base = "manual"
    elif m.at is not None:
        base = f"turn {ci.turn}"
    elif m.after is not None:
        base = "after " + " ".join(m.after.split())
    else:
        return f"when {m.when}"
    return f"{base} if {m.when}" if m.when else base


def rows(sc: CompiledScenario) -> list[MselRow]:
    caps = {o.id: o.capability for o in sc.model.objectives}
    out = []
    for seq, ci in enumerate(sorted(sc.injects.values(), key=lambda c: c.order), 1):
        m = ci.model
        # Library parameters are shown bound, as the nations this scenario gave them.
        to = m.to if isinstance(m.to, str) else ", ".join(ci.params.get(t, t) for t in m.to)
        out.append(MselRow(seq, ci.id, sc.time_of(ci.turn) if ci.turn else "", _trigger(ci), m.kind, m.from_, to,
                           m.title or "", m.text.strip(), m.expected or "", ", ".join(ci.objectives),
                           ", ".join(caps.get(o, "") for o in ci.objectives)))
    return out


def write_csv(sheet: list[MselRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in sheet:
            w.writerow(r.cells())


def write_xlsx(sheet: list[MselRow], path: Path, title: str = "MSEL") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "MSEL"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in sheet:
        ws.append(r.cells())
    widths = [5, 22, 13, 24, 12, 24, 22, 30, 60, 40, 10, 30]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = title
    wb.save(path)


def _read_table(path: Path) -> list[list[Any]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise MselError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from None
        ws = wb["MSEL"] if "MSEL" in wb.sheetnames else wb.active
        return [["" if c is None else c for c in row] for row in ws.iter_rows(values_only=True)]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MselError(f"{path}: not UTF-8 text") from None
    return [list(r) for r in csv.reader(io.StringIO(text))]


_TRIGGER = re.compile(r"^(?:(?P<manual>manual)|turn\s+(?P<turn>\d+)|after\s+(?P<after>.+?)|when\s+(?P<when>.+))"
                      r"(?:\s+if\s+(?P<cond>.+))?$")


def read(path: Path) -> list[MselRow]:
    table = _read_table(path)
    if not table:
        raise MselError(f"{path}: the sheet is empty")
    header = [str(c).strip() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise MselError(f"{path}:1: missing column(s): {', '.join(missing)} (expected: {', '.join(COLUMNS)})")
    col = {name: header.index(name) for name in COLUMNS}
    out = []
    for n, raw in enumerate(table[1:], 2):
        if not any(str(c).strip() for c in raw):
            continue
        cells = [str(raw[col[c]]).strip() if col[c] < len(raw) and raw[col[c]] is not None else "" for c in COLUMNS]
        try:
            seq = int(float(cells[0])) if cells[0] else n - 1
        except ValueError:
            raise MselError(f"{path}:{n}: Seq '{cells[0]}' is not a number") from None
        if not cells[1]:
            raise MselError(f"{path}:{n}: the Inject ID is empty")
        if not _TRIGGER.match(cells[3]):
            raise MselError(f"{path}:{n}: Trigger '{cells[3]}' is not 'turn N', 'after ID [+ N turns]', "
                            "'when CONDITION' or 'manual' (optionally followed by 'if CONDITION')")
        out.append(MselRow(seq, *cells[1:]))
    return out


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, the way an author would write them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def to_library(sheet: list[MselRow], title: str = "Imported MSEL") -> str:
    """Rows as an inject library (YAML text) that a scenario includes."""
    injects = []
    for r in sorted(sheet, key=lambda r: r.seq):
        m = _TRIGGER.match(r.trigger)
        assert m is not None
        inj: dict[str, Any] = {"id": r.id}
        if r.title:
            inj["title"] = r.title
        if m.group("manual"):
            inj["manual"] = True
        elif m.group("turn"):
            inj["at"] = f"turn {m.group('turn')}"
        elif m.group("after"):
            inj["after"] = m.group("after")
        if m.group("when") or m.group("cond"):
            inj["when"] = m.group("when") or m.group("cond")
        to = [t.strip() for t in r.to.split(",") if t.strip()]
        inj["to"] = to[0] if len(to) == 1 and to[0] in ("all", "control") else to
        inj["from"] = r.sender
        inj["kind"] = r.kind or "event"
        objectives = [o.strip() for o in r.objective.split(",") if o.strip()]
        if objectives:
            inj["objective"] = objectives[0] if len(objectives) == 1 else objectives
        inj["text"] = r.description
        if r.expected:
            inj["expected"] = r.expected
        injects.append(inj)
    body = yaml.dump({"ttx-library": 1, "title": title, "injects": injects}, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100)
    return "# yaml-language-server: $schema=../../schema/tabletop-library.schema.json\n" + body
