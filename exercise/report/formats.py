"""Reading a `--format` list ('md,html' or ['md', 'html']), shared by `tabletop report` and `tabletop export`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import ReportError


def parse_format_list(formats: str | Iterable[str], allowed: tuple[str, ...], what: str, *,
                      aliases: Mapping[str, str] | None = None, every: bool = False) -> list[str]:
    """Each format checked against `allowed`, in order, without repeats; with `every`, 'all' means all."""
    items = formats.split(",") if isinstance(formats, str) else [x for f in formats for x in str(f).split(",")]
    out: list[str] = []
    for raw in items:
        f = raw.strip().lower()
        if not f:
            continue
        if every and f == "all":
            return list(allowed)
        f = (aliases or {}).get(f, f)
        if f not in allowed:
            raise ReportError(f"unknown {what} format '{raw.strip()}' (choose from {', '.join(allowed)})")
        if f not in out:
            out.append(f)
    if not out:
        raise ReportError(f"no {what} format given (choose from {', '.join(allowed)})")
    return out
