"""PDF through WeasyPrint (the optional extra `tabletop[pdf]`), from the same HTML the browser shows.

WeasyPrint is imported only here and only when a PDF is asked for: it is heavy, and optional.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ReportError

PDF_EXTRA_MESSAGE = "PDF output needs the optional extra: pip install 'tabletop-exercise[pdf]'"


def write_pdf(html: str, path: Path) -> Path:
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except ImportError:  # not installed, or its system libraries are missing
        raise ReportError(PDF_EXTRA_MESSAGE) from None
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    return path
