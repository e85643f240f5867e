"""The scenario expression language, compiled once at load into plain Python closures.

Conditions (`requires`, `when`), effect values and effect targets are small expressions over the state:

    cohesion >= 60 and mean(support) > 50
    trust[norvia][kessland] >= 40 or chose("grid-down", "share-now")
    support[self] - 5

We parse with Python's own `ast` (the syntax authors expect) and accept only a whitelist of node kinds;
each node becomes a closure, so evaluation never calls `eval` and costs a few function calls.
An unknown name is a load-time error with its column.

This module holds what an expression is written against (Scope, Layout, Runtime) and the parser;
expr_compiler.py turns the parsed tree into closures, effects.py compiles effect targets and values.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class Runtime(Protocol):
    """What an expression can see of a session while it runs."""

    vals: list[float]
    turn: int
    released: dict[str, int]
    chosen: dict[tuple[str, str], str]
    capabilities: dict[tuple[str, str], int]


Fn = Callable[[Runtime, int], Any]  # (state, index of the acting nation or -1) -> value


class ExprError(Exception):
    def __init__(self, offset: int, message: str, code: str = "expression") -> None:
        # A problem is one line: escape line breaks and other control characters that came from the author's
        # text (a target such as "a\nb", an inject id in released('a\nb')).
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.code = code


@dataclass
class Layout:
    """Where each state value lives in the flat list of values that a session carries."""

    nations: list[str]
    globals: dict[str, int] = field(default_factory=dict)
    per_nation: dict[str, int] = field(default_factory=dict)  # var -> first slot
    per_pair: dict[str, int] = field(default_factory=dict)  # var -> first slot
    keys: list[str] = field(default_factory=list)  # slot -> 'support[norvia]'
    var_of: list[str] = field(default_factory=list)  # slot -> 'support'
    index: dict[str, int] = field(default_factory=dict)  # 'support[norvia]' -> slot

    def add(self, name: str, per: str) -> None:
        base = len(self.keys)
        n = self.nations
        if per == "global":
            self.globals[name] = base
            self.keys.append(name)
        elif per == "nation":
            self.per_nation[name] = base
            self.keys.extend(f"{name}[{a}]" for a in n)
        else:
            self.per_pair[name] = base
            self.keys.extend(f"{name}[{a}][{b}]" for a in n for b in n if a != b)
        self.var_of.extend([name] * (len(self.keys) - base))
        self.index.update((k, i) for i, k in enumerate(self.keys[base:], base))

    def nation_slot(self, var: str, i: int) -> int:
        return self.per_nation[var] + i

    def pair_slot(self, var: str, i: int, j: int) -> int:
        # Pairs skip the diagonal: row i holds the n-1 others in order.
        n = len(self.nations)
        return self.per_pair[var] + i * (n - 1) + (j if j < i else j - 1)

    def pair_row(self, var: str, i: int) -> list[int]:
        return [self.pair_slot(var, i, j) for j in range(len(self.nations)) if j != i]

    def slot(self, key: str) -> int | None:
        return self.index.get(key.replace(" ", ""))


@dataclass
class Scope:
    """The names an expression may use, fixed at load time."""

    layout: Layout
    orgs: Sequence[str] = ()
    injects: set[str] = field(default_factory=set)
    options: dict[str, set[str]] = field(default_factory=dict)
    capabilities: set[str] = field(default_factory=set)
    params: dict[str, str] = field(default_factory=dict)  # include parameter -> nation id
    allow_self: bool = True
    prefix: str = ""  # an included library's id prefix: its own inject ids are found under it
    no_self_reason: str = "'self' means the deciding nation; there is none here"


# An expression is a line or two. The limits keep hostile input from reaching Python's recursion limit:
# '-' * 400 + '1' or '1+1+…' (5,000 terms) raised RecursionError out of the compiler (or ast.parse).
MAX_EXPR_CHARS = 2000
MAX_EXPR_DEPTH = 100


def _depth(tree: ast.AST) -> int:
    """The nesting depth of a tree, walked without recursion."""
    deepest = 0
    todo: list[tuple[ast.AST, int]] = [(tree, 1)]
    while todo:
        node, d = todo.pop()
        deepest = max(deepest, d)
        todo.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def parse(source: str) -> ast.expr:
    text = source.strip()
    lead = len(source) - len(source.lstrip())
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError(lead, f"the expression is {len(text)} characters long; the limit is {MAX_EXPR_CHARS}")
    try:
        # ast.parse prints SyntaxWarnings ('1and 2', "'\\d'") to stderr, which would break the one-line-per-problem
        # output of `tabletop validate`: silence them (the expression is checked node by node below anyway).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        if not exc.offset or not exc.lineno:
            offset = lead + len(text)  # the parser ran off the end ('cohesion >'): point just past the text
        else:
            # a multi-line expression (a YAML block): count the offset from the start of the whole text
            line_start = sum(len(ln) + 1 for ln in text.split("\n")[: exc.lineno - 1])
            offset = lead + line_start + exc.offset - 1
        offset = min(offset, len(source))
        raise ExprError(offset, f"syntax error: {exc.msg}", "expression-syntax") from None
    except (RecursionError, MemoryError, ValueError):
        # ValueError: a NUL byte on some Pythons; the others: nesting the parser itself refuses
        raise ExprError(lead, "the expression is nested too deeply", "expression-syntax") from None
    if _depth(tree) > MAX_EXPR_DEPTH:
        raise ExprError(lead, f"the expression is nested more than {MAX_EXPR_DEPTH} levels deep")
    # Shift every column by the stripped indentation so errors point into the original string.
    if lead:
        for n in ast.walk(tree):
            if hasattr(n, "col_offset"):
                n.col_offset += lead
    return tree.body
