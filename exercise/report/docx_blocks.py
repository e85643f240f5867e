"""The building blocks of a DOCX on python-docx: an A4 document with its properties and footer, headings,
paragraphs and runs, tables with fixed column widths whose header row repeats on every page, figures as PNG
with their caption, and landscape sections.

Text goes in through python-docx's text API, which stores it as text: a player's markup stays text. Outside
text (a scenario's, a facilitator's, a player's) goes in through `t`, the DOCX form of the one rule in
`engine.text`: its control characters shown and each of its lines isolated (FSI ... PDI) when it holds
right-to-left letters, so a Hebrew rationale cannot reorder the words the report writes around it. Every run
then passes `clean`, the net for what XML 1.0 cannot hold.
python-docx and Pillow are the optional extra `tabletop[docx]`; without them, a ReportError says so.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from ..engine.text import isolate
from .errors import ReportError
from .outside import guard

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    from .figures import Figure

DOCX_EXTRA_MESSAGE = "DOCX output needs the optional extra: pip install 'tabletop-exercise[docx]'"

# XML 1.0 forbids these too; `guard` has already shown the control characters among them.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

RATING_COLOURS = {"P": "1B6E3A", "S": "7A5A00", "M": "A3430B", "U": "9B1C1C"}

# A run: ('b', text) bold, ('i', text) italic, ('m', text) muted, ('r', 'P') a rating, ('', text) plain.
RunKind = Literal["", "b", "i", "m", "r"]
Run = tuple[RunKind, str]
CellValue = str | list[Run]


def t(value: object) -> str:
    """Outside text for the document: controls shown, each line isolated when it holds right-to-left letters
    (a cell makes each line its own paragraph, and an isolate must open and close in one)."""
    text = guard("" if value is None else str(value))
    if "\n" not in text:
        return isolate(text)
    return "\n".join(isolate(guard(x)) for x in text.split("\n"))  # a pair the break splits is shown


def clean(text: object) -> str:
    return _BAD_XML.sub("", guard("" if text is None else str(text)))


def python_docx() -> ModuleType:
    """The python-docx package, or a ReportError saying how to install it."""
    try:
        import docx  # python-docx
        from PIL import Image  # noqa: F401  (figures are drawn with Pillow)
    except ImportError:
        raise ReportError(DOCX_EXTRA_MESSAGE) from None
    return docx


class Doc:
    """A python-docx document on A4 with the few building blocks the reports use."""

    def __init__(self, title: str, footer_text: str, author: str, keywords: str, comments: str,
                 subject: str = "After-action report and improvement plan") -> None:
        docx = python_docx()
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.enum.text import WD_BREAK
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt, RGBColor

        self.Cm, self.Pt, self.RGBColor = Cm, Pt, RGBColor
        self.OxmlElement, self.qn = OxmlElement, qn
        self.WD_ORIENT, self.WD_SECTION, self.WD_BREAK = WD_ORIENT, WD_SECTION, WD_BREAK
        self.doc: Document = docx.Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(1.8)
        sec.top_margin = sec.bottom_margin = Cm(1.8)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10)
        props = self.doc.core_properties
        props.title = clean(title)
        props.subject = subject
        props.author = clean(author)
        props.keywords = clean(keywords)
        props.comments = clean(comments)
        footer = sec.footer.paragraphs[0]
        footer.text = clean(footer_text) + " · Page "
        self._field(footer, "PAGE")
        footer.add_run(" of ")
        self._field(footer, "NUMPAGES")
        for run in footer.runs:
            run.font.size = Pt(7.5)

    def _field(self, p: Paragraph, instr: str) -> None:
        """A field Word fills in as it lays the pages out (PAGE, NUMPAGES); '1' until then."""
        fld = self.OxmlElement("w:fldSimple")
        fld.set(self.qn("w:instr"), instr)
        run = p.add_run("1")
        run._r.addprevious(fld)
        fld.append(run._r)

    def save(self, path: Path, when: datetime | None) -> Path:
        """Write the document so that the same report gives the same bytes: its dates are the session's (`when`,
        never the clock), and the zip's entries are stored in one order with one timestamp."""
        stamp = (when or datetime(1980, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(
            microsecond=0, tzinfo=None)
        props = self.doc.core_properties
        props.created = props.modified = stamp
        props.revision = 1
        props.last_modified_by = props.author
        raw = io.BytesIO()
        self.doc.save(raw)
        stamp_zip = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            # [Content_Types].xml first, as Word writes it; the other parts by name.
            for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
                info = zipfile.ZipInfo(name, date_time=stamp_zip)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                dst.writestr(info, src.read(name))
        return path

    # -- pieces ----------------------------------------------------------------------------------
    def heading(self, text: str, level: int, page_break: bool = False) -> None:
        if page_break:  # what Document.add_page_break does (python-docx leaves that one untyped)
            self.doc.add_paragraph().add_run().add_break(self.WD_BREAK.PAGE)
        self.doc.add_heading(clean(text), level)

    def para(self, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
             style: str | None = None) -> Paragraph:
        p = self.doc.add_paragraph(style=style)
        if text:
            run = p.add_run(clean(text))
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = self.Pt(size)
        return p

    def runs(self, parts: list[Run], style: str | None = None) -> Paragraph:
        """A paragraph of runs (see `Run`)."""
        p = self.doc.add_paragraph(style=style)
        for kind, text in parts:
            self.run(p, kind, text)
        return p

    def run(self, p: Paragraph, kind: RunKind, text: str, size: float | None = None) -> None:
        run = p.add_run(clean(text))
        if size:
            run.font.size = self.Pt(size)
        if kind == "b":
            run.bold = True
        elif kind == "i":
            run.italic = True
        elif kind == "m":
            run.font.color.rgb = self.RGBColor(0x5F, 0x63, 0x68)
        elif kind == "r":
            run.bold = True
            run.font.color.rgb = self.RGBColor.from_string(RATING_COLOURS.get(text, "5F6368"))

    def table(self, header: list[str], rows: list[list[CellValue]], widths: list[float], size: float = 8.5) -> Table:
        """A table whose columns keep `widths` (cm) whatever their text: Word and LibreOffice wrap a long word
        inside its cell instead of widening the column."""
        t: Table = self.doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        t.autofit = False  # a fixed layout: the widths below hold
        for column, w in zip(t.columns, widths, strict=True):
            column.width = self.Cm(w)  # the grid, which LibreOffice reads
        hdr = t.rows[0]
        tr_pr = hdr._tr.get_or_add_trPr()
        el = self.OxmlElement("w:tblHeader")
        el.set(self.qn("w:val"), "true")
        tr_pr.append(el)  # the header row repeats on every page
        for cell, text in zip(hdr.cells, header, strict=True):
            cell.text = ""
            self.run(cell.paragraphs[0], "b", text, size)
            shd = self.OxmlElement("w:shd")
            shd.set(self.qn("w:val"), "clear")
            shd.set(self.qn("w:color"), "auto")
            shd.set(self.qn("w:fill"), "E8ECF0")
            cell._tc.get_or_add_tcPr().append(shd)
        for cell, w in zip(hdr.cells, widths, strict=True):
            cell.width = self.Cm(w)  # each cell's own width, which Word reads
        # Rows made here rather than by Table.add_row: that looks up the table's grid again for every row, and
        # lxml finds it by walking every row already there, so a 20,000-event timeline took minutes, not seconds.
        from docx.table import _Cell

        tbl = t._tbl
        cm = [self.Cm(w) for w in widths]
        for row in rows:
            tr = tbl.add_tr()
            for value, w in zip(row, cm, strict=True):
                tc = tr.add_tc()
                tc.width = w
                self._cell(_Cell(tc, t), value, size)
        self.doc.add_paragraph()
        return t

    def _cell(self, cell: _Cell, value: CellValue, size: float) -> None:
        """A cell's content: a string, or a list of runs; '\n' in a run starts a new paragraph."""
        parts: list[Run] = value if isinstance(value, list) else [("", value)]
        p = cell.paragraphs[0]
        for kind, text in parts:
            for k, chunk in enumerate(text.split("\n")):
                if k:
                    p = cell.add_paragraph()
                if chunk:
                    self.run(p, kind, chunk, size)

    def figure(self, fig: Figure, width_cm: float = 16.5) -> None:
        self.doc.add_picture(io.BytesIO(fig.png()), width=self.Cm(min(width_cm, fig.width / 40)))
        cap = self.doc.add_paragraph(style="Caption")
        run = cap.add_run(clean(f"Figure {fig.number}. {t(fig.title)}. "))
        run.bold = True
        cap.add_run(clean(t(fig.desc)))

    def landscape(self, on: bool) -> None:
        sec = self.doc.add_section(self.WD_SECTION.NEW_PAGE)
        w, h = self.Cm(21.0), self.Cm(29.7)
        sec.orientation = self.WD_ORIENT.LANDSCAPE if on else self.WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = (h, w) if on else (w, h)
