"""The building blocks of a DOCX on python-docx: an A4 document with its properties and footer, headings,
paragraphs and runs, tables whose header row repeats on every page, figures as PNG with their caption,
and landscape sections.

Text goes in through python-docx's text API, which stores it as text: a player's markup stays text.
python-docx and Pillow are the optional extra `tabletop[docx]`; without them, a ReportError says so.
"""

from __future__ import annotations

import io
import re
from typing import Any

from .errors import ReportError

DOCX_EXTRA_MESSAGE = "DOCX output needs the optional extra: pip install 'tabletop-exercise[docx]'"

# XML 1.0 forbids most control characters; a player could still type one.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

RATING_COLOURS = {"P": "1B6E3A", "S": "7A5A00", "M": "A3430B", "U": "9B1C1C"}


def clean(text: Any) -> str:
    return _BAD_XML.sub("", "" if text is None else str(text))


def python_docx() -> Any:
    """The python-docx package, or a ReportError saying how to install it."""
    try:
        import docx  # python-docx
        from PIL import Image  # noqa: F401  (figures are drawn with Pillow)
    except ImportError:
        raise ReportError(DOCX_EXTRA_MESSAGE) from None
    return docx


class Doc:
    """A python-docx document on A4 with the few building blocks the reports use."""

    def __init__(self, title: str, footer_text: str, author: str, keywords: str, comments: str) -> None:
        docx = python_docx()
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt, RGBColor

        self.Cm, self.Pt, self.RGBColor = Cm, Pt, RGBColor
        self.OxmlElement, self.qn = OxmlElement, qn
        self.WD_ORIENT, self.WD_SECTION = WD_ORIENT, WD_SECTION
        self.doc = docx.Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(1.8)
        sec.top_margin = sec.bottom_margin = Cm(1.8)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10)
        props = self.doc.core_properties
        props.title = clean(title)
        props.subject = "After-action report and improvement plan"
        props.author = clean(author)
        props.keywords = clean(keywords)
        props.comments = clean(comments)
        footer = sec.footer.paragraphs[0]
        footer.text = clean(footer_text)
        footer.runs[0].font.size = Pt(7.5)

    # -- pieces ----------------------------------------------------------------------------------
    def heading(self, text: str, level: int, page_break: bool = False) -> None:
        if page_break:
            self.doc.add_page_break()
        self.doc.add_heading(clean(text), level)

    def para(self, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
             style: str | None = None) -> Any:
        p = self.doc.add_paragraph(style=style)
        if text:
            run = p.add_run(clean(text))
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = self.Pt(size)
        return p

    def runs(self, parts: list[tuple[str, str]], style: str | None = None) -> Any:
        """A paragraph of runs: ('b', text) bold, ('i', text) italic, ('', text) plain, ('r', 'P') a rating."""
        p = self.doc.add_paragraph(style=style)
        for kind, text in parts:
            self._run(p, kind, text)
        return p

    def _run(self, p: Any, kind: str, text: str, size: float | None = None) -> None:
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

    def table(self, header: list[str], rows: list[list[Any]], widths: list[float] | None = None,
              size: float = 8.5) -> Any:
        t = self.doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        hdr = t.rows[0]
        tr_pr = hdr._tr.get_or_add_trPr()
        el = self.OxmlElement("w:tblHeader")
        el.set(self.qn("w:val"), "true")
        tr_pr.append(el)  # the header row repeats on every page
        for cell, text in zip(hdr.cells, header, strict=True):
            cell.text = ""
            self._run(cell.paragraphs[0], "b", text, size)
            shd = self.OxmlElement("w:shd")
            shd.set(self.qn("w:val"), "clear")
            shd.set(self.qn("w:color"), "auto")
            shd.set(self.qn("w:fill"), "E8ECF0")
            cell._tc.get_or_add_tcPr().append(shd)
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                self._cell(cell, value, size)
        if widths:
            for row in t.rows:
                for cell, w in zip(row.cells, widths, strict=True):
                    cell.width = self.Cm(w)
        self.doc.add_paragraph()
        return t

    def _cell(self, cell: Any, value: Any, size: float) -> None:
        """A cell's content: a string, or a list of (kind, text) runs; '\n' in a run starts a new paragraph."""
        parts = value if isinstance(value, list) else [("", value)]
        p = cell.paragraphs[0]
        for kind, text in parts:
            chunks = clean(text).split("\n")
            for k, chunk in enumerate(chunks):
                if k:
                    p = cell.add_paragraph()
                if chunk:
                    self._run(p, kind, chunk, size)

    def figure(self, fig: Any, width_cm: float = 16.5) -> None:
        self.doc.add_picture(io.BytesIO(fig.png()), width=self.Cm(min(width_cm, fig.width / 40)))
        cap = self.doc.add_paragraph(style="Caption")
        run = cap.add_run(clean(f"Figure {fig.number}. {fig.title}. "))
        run.bold = True
        cap.add_run(clean(fig.desc))

    def landscape(self, on: bool) -> None:
        sec = self.doc.add_section(self.WD_SECTION.NEW_PAGE)
        w, h = self.Cm(21.0), self.Cm(29.7)
        sec.orientation = self.WD_ORIENT.LANDSCAPE if on else self.WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = (h, w) if on else (w, h)
