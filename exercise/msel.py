"""The master scenario events list (MSEL) as planners keep it: a CSV or XLSX sheet, one row per inject.

Export writes a scenario's injects as rows in time order; import reads rows back into an inject library, so a
planning team can work in the spreadsheet they already use and bring the result back into tabletop.
Export then import then export gives the same sheet, and a scenario that includes the imported library plays the
same games: every column maps to inject fields, the Effects and Decision columns hold the inject's release
effects and its decision (options, conditions, effects, chances, default) as YAML, and Order keeps the scenario's
order, in which injects due at the same turn are released. A library inject's parameters are shown bound
(`msel_inject`): ids as included, nations in conditions and effects, `{{ nations.estrava.short }}` in texts.

Every MSEL sheet tabletop writes (this one, and the MSEL as played that `tabletop export` writes) goes through
the one writer here, `write_table_csv` / `write_table_xlsx`. A sheet is opened in a spreadsheet, so its cells
follow `engine.cells`: a CSV cell a spreadsheet would run as a formula (a title starting with '=') gets an
apostrophe before it, which import takes off again; an XLSX cell is stored as a string, never a formula. Control
characters (a YAML "\\e" in a scenario) are shown as pictures in both (XLSX cannot hold them at all), so only they
do not come back as they were.
"""

from __future__ import annotations

import csv
import importlib
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .engine import cells
from .engine.compile import CompiledScenario
from .engine.compile_injects import CInject
from .engine.diagnostics import Diagnostic, Mark, ScenarioError
from .engine.reach import earliest_turn
from .engine.safefile import UnsafeFile, read_bounded
from .engine.text import one_line, visible
from .engine.yamlsafe import load_yaml
from .msel_inject import bound, decision

COLUMNS = ["Seq", "Inject ID", "Scenario time", "Trigger", "Type", "From", "To", "Title", "Description",
           "Expected action", "Objective", "Capability", "Effects", "Decision", "Order"]
# Columns a sheet from before they existed may lack: read as empty (no effects, no decision, sheet order).
OPTIONAL = ("Effects", "Decision", "Order")
WIDTHS = [5, 22, 13, 24, 12, 24, 22, 30, 60, 40, 10, 30, 30, 60, 6]


class MselError(Exception):
    """A sheet that cannot be read: one diagnostic naming the file, the row and the column."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def _error(path: Path, row: int, col: int, code: str, message: str) -> MselError:
    return MselError(Mark(str(path), row, col).diag(code, message))


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
    effects: str = ""  # the inject's release effects, a YAML flow mapping ('{cohesion: -3}')
    decision: str = ""  # its decision (prompt, deadline, options with effects and outcomes, default), as YAML
    order: int = 0  # its place in the scenario: injects due at the same turn are released in this order

    def cells(self) -> list[str | int]:
        return [self.seq, self.id, self.time, self.trigger, self.kind, self.sender, self.to, self.title,
                self.description, self.expected, self.objective, self.capability, self.effects, self.decision,
                self.order]


def _trigger(ci: CInject, when: str | None) -> str:
    """'turn N', 'after ID + N turns' (the id as included, prefix and all), 'when COND' or 'manual', then
    'if COND' for a condition on a scheduled inject; conditions with their library's parameters bound."""
    if ci.manual:
        base = "manual"
    elif ci.turn is not None:
        base = f"turn {ci.turn}"
    elif ci.after is not None:
        ref, turns = ci.after
        base = f"after {ref}" + (f" + {turns} turn{'s' if turns != 1 else ''}" if turns else "")
    else:
        return f"when {when}"
    return f"{base} if {when}" if when else base


def _yaml(value: Any, flow: bool) -> str:
    if not value:
        return ""
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=flow).strip()


def rows(sc: CompiledScenario) -> list[MselRow]:
    """The scenario's injects in time order (turn, then the scenario's own order; those triggered by a condition
    alone, then the manual ones, last), each with everything `to_library` needs to write it back."""
    caps = {o.id: o.capability for o in sc.model.objectives}
    never = sc.turns + 1

    def when(ci: CInject) -> tuple[int, int, int]:
        turn = earliest_turn(sc, ci)
        return (2 if ci.manual else 1 if turn is None else 0, turn or never, ci.order)

    out = []
    for seq, ci in enumerate(sorted(sc.injects.values(), key=when), 1):
        m = bound(sc, ci)
        # Library parameters are shown bound, as the nations this scenario gave them.
        to = m.to if isinstance(m.to, str) else ", ".join(ci.params.get(t, t) for t in m.to)
        turn = earliest_turn(sc, ci)
        out.append(MselRow(seq, ci.id, sc.time_of(turn) if turn else "", _trigger(ci, m.when), m.kind, m.from_, to,
                           m.title or "", m.text.strip(), m.expected or "", ", ".join(ci.objectives),
                           ", ".join(caps.get(o, "") for o in ci.objectives), _yaml(m.effects, True),
                           _yaml(decision(sc, ci), False), ci.order + 1))
    return out


Cell = str | int


def write_table_csv(path: Path, header: list[str], table: Iterable[Sequence[Cell]],
                    shown: Callable[[str], str] = visible) -> None:
    """The one CSV writer for every MSEL sheet (planned and as played): each text `shown` (its control characters
    as pictures) and defused (`cells.defuse`: a text a spreadsheet would run as a formula gets an apostrophe)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in table:
            w.writerow([x if isinstance(x, int) else cells.defuse(shown(x)) for x in row])


def write_table_xlsx(path: Path, header: list[str], table: Iterable[Sequence[Cell]], widths: Sequence[int],
                     title: str = "MSEL", shown: Callable[[str], str] = visible) -> None:
    """The one XLSX writer for every MSEL sheet: a sheet named MSEL, a bold frozen header, wrapped cells."""
    openpyxl, styles = _openpyxl("openpyxl"), _openpyxl("openpyxl.styles")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "MSEL"
    ws.append(header)
    for cell in ws[1]:
        cell.font = styles.Font(bold=True)
    for row in table:
        # openpyxl refuses control characters (IllegalCharacterError) and stores a str starting with '=' as a
        # formula: text is shown (`visible`) and kept a string (data type 's'), so '=HYPERLINK(...)' stays words.
        ws.append([x if isinstance(x, int) else shown(x) for x in row])
        for c in ws[ws.max_row]:
            if isinstance(c.value, str):
                c.data_type = "s"
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = styles.Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = title
    wb.save(path)


def write_csv(sheet: list[MselRow], path: Path) -> None:
    write_table_csv(path, COLUMNS, (r.cells() for r in sheet))


def _openpyxl(module: str) -> Any:
    """An openpyxl module. It ships no type information (and types-openpyxl is not a dependency), so what
    this module uses of it is confined to the writer and _xlsx_table, behind typed signatures."""
    return importlib.import_module(module)


def write_xlsx(sheet: list[MselRow], path: Path, title: str = "MSEL") -> None:
    write_table_xlsx(path, COLUMNS, (r.cells() for r in sheet), WIDTHS, title)


# A sheet comes from outside (a planning team's spreadsheet), so reading it is bounded like a scenario:
# the file's size before it is read, an XLSX's unpacked size and parts before it is unpacked, and the rows
# and columns read. An MSEL of a few hundred injects is far below all of these.
MAX_SHEET_BYTES = 8 * 1024 * 1024  # the file as it is on disk (CSV text, or the XLSX zip)
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # an XLSX's parts unpacked, all together (a zip bomb stops here)
MAX_PARTS = 1000  # files inside an XLSX (a real one has a dozen or two)
MAX_ROWS = 20_000
MAX_COLUMNS = 50  # the MSEL has 15; cells past this are not read
_DTD = [s.encode(enc) for s in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def _read_table(path: Path) -> list[list[Any]]:
    try:
        raw = read_bounded(path, MAX_SHEET_BYTES)
    except UnsafeFile as exc:
        raise _error(path, 1, 1, exc.code, exc.message) from None
    except OSError as exc:
        raise _error(path, 1, 1, "file", f"cannot read the sheet: {exc.strerror or exc}") from None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_table(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _error(path, line, 1, "not-text", "the sheet is not UTF-8 text") from None
    table: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            if len(table) > MAX_ROWS:
                raise _error(path, reader.line_num, 1, "msel-size", f"the sheet has more than {MAX_ROWS} rows")
            table.append(row[:MAX_COLUMNS])
    except csv.Error as exc:  # a field past csv's own limit (128 kB), a NUL, a quote left open
        raise _error(path, reader.line_num or 1, 1, "msel-csv", f"not a readable CSV sheet: {exc}") from None
    return table


def _check_zip(path: Path, raw: bytes) -> None:
    """Refuse an XLSX that would unpack too large, has too many parts, or declares a DTD (entities expand)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            parts = z.infolist()
            if len(parts) > MAX_PARTS:
                raise _error(path, 1, 1, "msel-size", f"the workbook holds {len(parts)} parts; the limit is "
                             f"{MAX_PARTS}")
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _error(path, 1, 1, "msel-size", f"the workbook unpacks to {unpacked} bytes; the limit is "
                             f"{MAX_UNPACKED_BYTES}")
            for part in parts:
                # zipfile stops at the size a part declares (and a lie fails its CRC): the sizes above hold.
                with z.open(part) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        window = tail + chunk
                        if any(n in window for n in _DTD):
                            raise _error(path, 1, 1, "msel-xml", "the workbook declares a DTD or entities, which "
                                         "no spreadsheet writes (an entity expansion attack?)")
                        tail = window[-32:]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise _error(path, 1, 1, "msel-xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None


def _xlsx_table(path: Path, raw: bytes) -> list[list[Any]]:
    _check_zip(path, raw)
    try:
        wb = _openpyxl("openpyxl").load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        ws = wb["MSEL"] if "MSEL" in wb.sheetnames else wb.active
        if ws is None or not hasattr(ws, "iter_rows"):
            raise _error(path, 1, 1, "msel-xlsx", "the workbook has no worksheet")
        # Explicit bounds: a read-only sheet otherwise pads every row to the size its <dimension> claims.
        rows = ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        table = [["" if c is None else c for c in row] for row in rows]
        wb.close()
    except MselError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise _error(path, 1, 1, "msel-xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from None
    if len(table) > MAX_ROWS:
        raise _error(path, MAX_ROWS + 1, 1, "msel-size", f"the sheet has more than {MAX_ROWS} rows")
    return table


def _seq(path: Path, row: int, col: int, cell: str, default: int) -> int:
    """The Seq column: a whole number as a sheet writes it ('3', '3.0'); nothing else (not 'nan', '1e999')."""
    if not cell:
        return default
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value != int(value) or abs(value) > 1_000_000_000:
        raise _error(path, row, col, "msel-seq", f"Seq '{one_line(cell)[:40]}' is not a whole number")
    return int(value)


_TRIGGER = re.compile(r"^(?:(?P<manual>manual)|turn\s+(?P<turn>\d+)|after\s+(?P<after>.+?)|when\s+(?P<when>.+))"
                      r"(?:\s+if\s+(?P<cond>.+))?$")


def read(path: Path) -> list[MselRow]:
    """The rows of an MSEL sheet (CSV or XLSX), read within the limits above; MselError names the row and column."""
    table = _read_table(path)
    csv_sheet = path.suffix.lower() not in (".xlsx", ".xlsm")
    if not table:
        raise _error(path, 1, 1, "msel-empty", "the sheet is empty")
    header = [str(c).strip() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        raise _error(path, 1, 1, "msel-columns", f"missing column(s): {', '.join(missing)} "
                     f"(expected: {', '.join(COLUMNS)})")
    col = {name: header.index(name) if name in header else MAX_COLUMNS + 1 for name in COLUMNS}
    out = []
    for n, raw in enumerate(table[1:], 2):
        if not any(str(c).strip() for c in raw):
            continue
        found = [str(raw[col[c]]).strip() if col[c] < len(raw) and raw[col[c]] is not None else "" for c in COLUMNS]
        # A CSV cell export defused (an apostrophe before '=...') reads back as written; XLSX cells are strings.
        values = [cells.undo(x).strip() for x in found] if csv_sheet else found
        seq = _seq(path, n, col["Seq"] + 1, values[0], n - 1)
        if not values[1]:
            raise _error(path, n, col["Inject ID"] + 1, "msel-id", "the Inject ID is empty")
        if not _TRIGGER.match(values[3]):
            raise _error(path, n, col["Trigger"] + 1, "msel-trigger", f"Trigger '{one_line(values[3])[:60]}' is not "
                         "'turn N', 'after ID [+ N turns]', 'when CONDITION' or 'manual' (optionally followed by "
                         "'if CONDITION')")
        for name in ("Effects", "Decision"):
            _cell_yaml(path, n, col[name] + 1, name, values[COLUMNS.index(name)])
        order = _seq(path, n, col["Order"] + 1, values[-1], 0)
        (ident, time, trigger, kind, sender, to, title, description, expected, objective, capability, effects,
         dec) = values[1:-1]
        out.append(MselRow(seq, ident, time, trigger, kind, sender, to, title, description, expected, objective,
                           capability, effects, dec, order))
    return out


def _cell_yaml(path: Path, row: int, col: int, name: str, text: str) -> Any:
    """A cell that holds YAML (Effects, Decision), read with the scenario's own safe loader: a mistake is named
    by the sheet's row and column (and the line within the cell)."""
    if not text:
        return None
    try:
        data, _ = load_yaml(text, str(path))
    except ScenarioError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        where = f" (line {first.line} of the cell)" if first else ""
        raise _error(path, row, col, "msel-yaml", f"the {name} cell is not readable YAML{where}: "
                     f"{first.message if first else exc}") from None
    if not isinstance(data, dict):
        raise _error(path, row, col, "msel-yaml", f"the {name} cell holds {type(data).__name__}, not a mapping")
    return data


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
    # The library keeps the scenario's order (the Order column), so injects due at the same turn are released in
    # the order they were before; a sheet without it keeps its own order.
    for r in sorted(sheet, key=lambda r: (r.order or r.seq, r.seq)):
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
        effects, decision = (load_yaml(x, "cell")[0] if x else None for x in (r.effects, r.decision))
        if effects:
            inj["effects"] = effects
        if decision:
            inj["decision"] = decision
        injects.append(inj)
    body = yaml.dump({"ttx-library": 1, "title": title, "injects": injects}, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100)
    return "# yaml-language-server: $schema=../../schema/tabletop-library.schema.json\n" + body
