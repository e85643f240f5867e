"""The tree of the text language (`templates` builds it from what an author wrote) and how it renders.

No Jinja here: the tree holds only what the language allows (names, constants, == and !=, and/or/not, five
filters, if/elif/else), so rendering it cannot loop, call or compute.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FILTERS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "capitalize": lambda s: s[:1].upper() + s[1:],
    "title": lambda s: re.sub(r"(^|[\s\-(\[{<\"/])(\w)", lambda m: m.group(1) + m.group(2).upper(), s),
    "trim": str.strip,
}


@dataclass(frozen=True, slots=True)
class Ref:
    """A documented name: ('nation',), ('nation', 'short'), ('nations', 'norvia', 'name'), ('turn',) ..."""

    path: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Const:
    value: str | int


@dataclass(frozen=True, slots=True)
class Compare:
    equal: bool  # == when True, != when False
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    both: bool  # `and` when True, `or` when False: each gives back an operand, as in Python
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Not:
    node: Expr


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    node: Expr


Expr = Ref | Const | Compare | BoolOp | Not | Filter


@dataclass(frozen=True, slots=True)
class If:
    branches: tuple[tuple[Expr, tuple[Part, ...]], ...]  # if, then each elif
    otherwise: tuple[Part, ...]


Part = str | Ref | Const | Compare | BoolOp | Not | Filter | If


def names(parts: Iterable[Part]) -> Iterable[Ref]:
    """Every name a text uses, wherever it is (the load-time checks look at each)."""
    for p in parts:
        if isinstance(p, If):
            for test, body in p.branches:
                yield from names((test,))
                yield from names(body)
            yield from names(p.otherwise)
        elif isinstance(p, Ref):
            yield p
        elif isinstance(p, (Compare, BoolOp)):
            yield from names((p.left, p.right))
        elif isinstance(p, (Not, Filter)):
            yield from names((p.node,))


class Missing(Exception):
    """A name the context given to render lacks."""


def value(e: Expr, ctx: Mapping[str, Any]) -> Any:
    if isinstance(e, Ref):
        v: Any = ctx
        for key in e.path:
            if not isinstance(v, Mapping) or key not in v:
                raise Missing(".".join(e.path))
            v = v[key]
        return v
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Compare):
        return (value(e.left, ctx) == value(e.right, ctx)) == e.equal
    if isinstance(e, BoolOp):
        left = value(e.left, ctx)
        if bool(left) != e.both:  # `a and b` stops at a falsy a, `a or b` at a truthy one
            return left
        return value(e.right, ctx)
    if isinstance(e, Not):
        return not value(e.node, ctx)
    return FILTERS[e.name](text_of(value(e.node, ctx)))


def text_of(v: Any) -> str:
    """A value as words: a nation reads as its name."""
    if isinstance(v, Mapping):
        return str(v.get("name", ""))
    return "" if v is None else str(v)


def pieces(parts: tuple[Part, ...], ctx: Mapping[str, Any]) -> Iterable[str]:
    """The rendered text, piece by piece, so the caller can stop at its length limit."""
    for p in parts:
        if isinstance(p, str):
            yield p
        elif isinstance(p, If):
            chosen = p.otherwise
            for test, body in p.branches:
                if value(test, ctx):
                    chosen = body
                    break
            yield from pieces(chosen, ctx)
        else:
            yield text_of(value(p, ctx))
