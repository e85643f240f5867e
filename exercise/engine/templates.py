"""The text language of scenario texts: names, `{% if %}` and a few filters. Nothing else.

Jinja2 only reads a text here (its lexer and parser: positions, whitespace control, `{% raw %}`, good syntax
messages); it never runs one. Its parse tree is walked against a whitelist and turned into the small tree of
`template_tree`, which renders it. So a text cannot loop, call, compute, import or reach an attribute that is
not a documented name, and what it renders is bounded by its own length and the names' values (and then cut
at MAX_RENDERED characters). `docs/authoring.md` ("Text templates") is the author's reference.

`check_template` is what the scenario compiler asks at load time: (line within the text, message) for a text
that is not in the language, else None. `render` turns a checked text and a context (`inject_words.
text_context`) into words; it never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes

from .template_tree import (
    FILTERS,
    BoolOp,
    Compare,
    Const,
    Expr,
    Filter,
    If,
    Missing,
    Not,
    Part,
    Ref,
    names,
    pieces,
)

# Names every inject text may use; each include parameter is a nation too. Ending texts have no `nation`.
BASE_NAMES = frozenset({"nation", "scenario", "nations", "turn", "time"})
NATION_FIELDS = ("id", "name", "short")
SCENARIO_FIELDS = ("id", "title")
MAX_TEXT = 20_000  # characters a text may have as written: longer is refused at load
MAX_RENDERED = 20_000  # characters a text may have once rendered: longer is cut, ending with '…'
MAX_STRING = 200  # characters of a quoted constant
MAX_INT = 10_000  # largest whole-number constant (turns are at most 200)
MAX_DEPTH = 16  # nesting of {% if %} blocks and of expressions
DOCS = "see 'Text templates' in docs/authoring.md"

# Parse only; trim/lstrip so a {% if %} on a line of its own leaves no blank line behind.
_parser = Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

_Names = dict[type[nodes.Node], str]
_ARITHMETIC: _Names = {nodes.Add: "+", nodes.Sub: "-", nodes.Mul: "*", nodes.Div: "/", nodes.FloorDiv: "//",
                       nodes.Mod: "%", nodes.Pow: "**", nodes.Neg: "-", nodes.Pos: "+", nodes.Concat: "~"}
_STATEMENTS: _Names = {nodes.For: "loops ({% for %})", nodes.Macro: "macros ({% macro %})",
                       nodes.CallBlock: "{% call %}", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
                       nodes.Include: "{% include %}", nodes.Import: "{% import %}",
                       nodes.FromImport: "{% from ... import %}", nodes.Extends: "{% extends %}",
                       nodes.Block: "{% block %}", nodes.With: "{% with %}", nodes.FilterBlock: "{% filter %}",
                       nodes.ScopedEvalContextModifier: "{% autoescape %}", nodes.Scope: "{% autoescape %}",
                       nodes.ExprStmt: "{% do %}"}
_EXPRESSIONS: _Names = {nodes.Call: "calls", nodes.Getitem: "item access ([...])", nodes.Slice: "slices",
                        nodes.Test: "tests ('is ...')", nodes.CondExpr: "inline if (use {% if %} ... {% endif %})",
                        nodes.List: "lists", nodes.Tuple: "tuples", nodes.Dict: "dictionaries"}
_COMPARE = {"eq": "==", "ne": "!="}


class Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Parsed:
    parts: tuple[Part, ...] | None
    problem: Refused | None


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


@lru_cache(maxsize=4096)
def parse(text: str) -> Parsed:
    """A text in the language's tree, or why it is not in the language. Never raises."""
    deep = _too_deep(text)
    if deep is not None:
        return Parsed(None, Refused(deep, f"the text nests too deeply (at most {MAX_DEPTH} levels)"))
    try:
        tree = _parser.parse(text)
    except TemplateSyntaxError as exc:
        return Parsed(None, Refused(exc.lineno, "template syntax: " + " ".join(str(exc.message).split())))
    except RecursionError:
        return Parsed(None, Refused(1, f"the text nests too deeply (at most {MAX_DEPTH} levels)"))
    except ValueError:  # the lexer's int() of a number thousands of digits long
        digits = re.search(r"\d{1000,}", text)
        line = text.count("\n", 0, digits.start()) + 1 if digits else 1
        return Parsed(None, Refused(line, f"a number too large for a text (at most {MAX_INT:,})"))
    try:
        return Parsed(_body(tree.body, 0), None)
    except Refused as exc:
        return Parsed(None, exc)


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_OPEN_IF = re.compile(r"^\{%[-+]?\s*if\b")
_CLOSE_IF = re.compile(r"^\{%[-+]?\s*endif\b")


def _too_deep(text: str) -> int | None:
    """The line where brackets or {% if %} blocks nest past what any text needs, before Jinja's parser
    recurses into them (thousands deep, it would run out of stack)."""
    ifs = 0
    for tag in _TAG.finditer(text):
        t = tag.group()
        ifs += 1 if _OPEN_IF.match(t) else -1 if _CLOSE_IF.match(t) else 0
        depth = 0
        for i, ch in enumerate(t):
            depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
            if depth > MAX_DEPTH + 2 or ifs > MAX_DEPTH * 4:  # {{ and the tag's own braces count too
                return text.count("\n", 0, tag.start() + i) + 1
    return None


def _line(node: nodes.Node) -> int:
    """A node's line in the text (some, such as {% autoescape %}'s scope, have none of their own)."""
    if node.lineno:
        return int(node.lineno)
    return next((_line(child) for child in node.iter_child_nodes()), 1)


def _body(body: list[nodes.Node], depth: int) -> tuple[Part, ...]:
    if depth > MAX_DEPTH:
        raise Refused(body[0].lineno if body else 1, f"{{% if %}} blocks nest too deeply (at most {MAX_DEPTH})")
    out: list[Part] = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                out.append(child.data if isinstance(child, nodes.TemplateData) else _expr(child, 0))
        elif isinstance(node, nodes.If):
            branches = [(_expr(node.test, 0), _body(node.body, depth + 1))]
            branches += [(_expr(e.test, 0), _body(e.body, depth + 1)) for e in node.elif_]
            out.append(If(tuple(branches), _body(node.else_, depth + 1)))
        else:
            what = _STATEMENTS.get(type(node), f"'{type(node).__name__}'")
            raise Refused(_line(node), f"{what}: not part of the text language; texts are words with names and "
                          f"{{% if %}}, never code ({DOCS})")
    return tuple(out)


def _expr(node: nodes.Node, depth: int) -> Expr:
    if depth > MAX_DEPTH:
        raise Refused(node.lineno, f"the expression nests too deeply (at most {MAX_DEPTH} levels)")
    d = depth + 1
    if isinstance(node, (nodes.Name, nodes.Getattr)):
        return _ref(node)
    if isinstance(node, nodes.Const):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise Refused(node.lineno, f"the constant {value!r} is not a quoted word or a whole number")
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise Refused(node.lineno, f"a quoted constant of {len(value):,} characters (at most {MAX_STRING}): "
                          "write long words as text, outside {{ }}")
        if isinstance(value, int) and abs(value) > MAX_INT:
            raise Refused(node.lineno, f"the number {value} is too large for a text (at most {MAX_INT:,})")
        return Const(value)
    if isinstance(node, nodes.Compare):
        if len(node.ops) != 1 or node.ops[0].op not in _COMPARE:
            ops = " ".join(_op_word(o.op) for o in node.ops)
            raise Refused(node.lineno, f"a text compares with == or != only, one at a time (found: {ops})")
        return _compare(node.expr, node.ops[0].op, node.ops[0].expr, d)
    if isinstance(node, nodes.And):
        return BoolOp(True, _expr(node.left, d), _expr(node.right, d))
    if isinstance(node, nodes.Or):
        return BoolOp(False, _expr(node.left, d), _expr(node.right, d))
    if isinstance(node, nodes.Not):
        return Not(_expr(node.node, d))
    if isinstance(node, nodes.Filter):
        if node.name not in FILTERS:
            raise Refused(node.lineno, f"unknown filter '{node.name}' (texts may use {', '.join(FILTERS)})")
        if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise Refused(node.lineno, f"the filter '{node.name}' takes no arguments in a text")
        if node.node is None:
            raise Refused(node.lineno, f"the filter '{node.name}' needs a value before it")
        return Filter(node.name, _expr(node.node, d))
    op = _ARITHMETIC.get(type(node))
    if op is not None:
        raise Refused(node.lineno, f"'{op}' is not part of the text language: texts name values, they do not "
                      f"compute them ({DOCS})")
    what = _EXPRESSIONS.get(type(node), f"'{type(node).__name__}'")
    raise Refused(node.lineno, f"{what}: not part of the text language ({DOCS})")


def _op_word(op: str) -> str:
    return {"lt": "<", "lteq": "<=", "gt": ">", "gteq": ">=", "in": "in", "notin": "not in"}.get(op, _COMPARE.get(
        op, op))


def _compare(left: nodes.Node, op: str, right: nodes.Node, depth: int) -> Compare:
    a, b = _expr(left, depth), _expr(right, depth)
    for side in (a, b):
        if not isinstance(side, (Ref, Const)):
            raise Refused(left.lineno, f"compare names and constants ({_COMPARE[op]} between a name such as "
                          "nation.id or turn and a quoted word or a number)")
    return Compare(op == "eq", a, b)


def _ref(node: nodes.Node) -> Ref:
    path: list[str] = []
    cur = node
    while isinstance(cur, nodes.Getattr):
        path.append(cur.attr)
        cur = cur.node
    if not isinstance(cur, nodes.Name):
        what = _EXPRESSIONS.get(type(cur), "a constant" if isinstance(cur, nodes.Const) else type(cur).__name__)
        raise Refused(node.lineno, f"attributes may be read only of the documented names, not of {what} ({DOCS})")
    path.append(cur.name)
    return Ref(tuple(reversed(path)), node.lineno)


# -- names: checked against what a text may use --------------------------------------------------------------


def _word(ref: Ref) -> str:
    """A text parameter is words: it has no attributes."""
    if len(ref.path) > 1:
        raise Refused(ref.line, f"'{ref.path[0]}' is text: it has no attribute '{ref.path[1]}'")
    return "text"


def _kind(ref: Ref, nations: frozenset[str]) -> str:
    """'nation', 'text' or 'number' for a name a text may use; Refused for any other."""
    head, rest = ref.path[0], ref.path[1:]
    if head == "nations":
        if not rest:
            raise Refused(ref.line, "'nations' is not a value: name one nation, as nations.<id>.name")
        if nations and rest[0] not in nations:
            raise Refused(ref.line, f"no nation '{rest[0]}' in nations.{rest[0]} (nations: "
                          f"{', '.join(sorted(nations))})")
        head, rest = "nation", rest[1:]
    if head in ("turn", "time"):
        if rest:
            raise Refused(ref.line, f"'{head}' has no attribute '{rest[0]}'")
        return "number" if head == "turn" else "text"
    fields = SCENARIO_FIELDS if head == "scenario" else NATION_FIELDS
    if rest and rest[0] not in fields:
        raise Refused(ref.line, f"'{'.'.join(ref.path[:-len(rest)])}' has no attribute '{rest[0]}' (it has "
                      f"{', '.join('.' + f for f in fields)})")
    if len(rest) > 1:
        raise Refused(ref.line, f"'{'.'.join(ref.path[:-len(rest) + 1])}' is text: it has no attribute "
                      f"'{rest[1]}'")
    if head == "scenario" and not rest:
        raise Refused(ref.line, "'scenario' is not a value: use scenario.title or scenario.id")
    return "text" if rest else "nation"


def check_template(text: str, params: Iterable[str] = (), *, nations: Iterable[str] = (),
                   reader: bool = True, words: Iterable[str] = ()) -> tuple[int, str] | None:
    """(line within the text, message) for a text that is not in the language, else None.

    `params` are the include parameters in scope (nations), `nations` the scenario's nation ids (for
    `nations.<id>`), `reader` False where no one nation reads the text (an ending): there is no `nation`;
    `words` a library's text parameters (plain words, no attributes)."""
    if len(text) > MAX_TEXT:
        return 1, f"this text is {len(text):,} characters long: a text may have at most {MAX_TEXT:,}"
    if not text or not is_template(text):
        return None
    parsed = parse(text)
    if parsed.problem is not None:
        return parsed.problem.line, parsed.problem.message
    assert parsed.parts is not None
    texts = frozenset(words)
    allowed = (BASE_NAMES if reader else BASE_NAMES - {"nation"}) | set(params) | texts
    ids = frozenset(nations)
    refs = list(names(parsed.parts))
    unknown = sorted({r.path[0] for r in refs if r.path[0] not in allowed})
    if unknown:
        first = min((r for r in refs if r.path[0] in unknown), key=lambda r: r.line)
        hint = " (an ending is read by every nation: name one, as nations.<id>.name)" if "nation" in unknown \
            and not reader else f" (texts may use {', '.join(sorted(allowed))})"
        return first.line, f"unknown name in text: {', '.join(unknown)}{hint}"
    try:
        kinds = {r: _word(r) if r.path[0] in texts else _kind(r, ids) for r in refs}
        _check_comparisons(parsed.parts, kinds, ids)
    except Refused as exc:
        return exc.line, exc.message
    return None


def _check_comparisons(parts: Iterable[Part], kinds: Mapping[Ref, str], nations: frozenset[str]) -> None:
    for p in parts:
        if isinstance(p, If):
            for test, body in p.branches:
                _check_comparisons((test,), kinds, nations)
                _check_comparisons(body, kinds, nations)
            _check_comparisons(p.otherwise, kinds, nations)
        elif isinstance(p, Compare):
            refs = [s for s in (p.left, p.right) if isinstance(s, Ref)]
            if not refs:
                continue
            line = refs[0].line
            left, right = (_kind_of(s, kinds) for s in (p.left, p.right))
            if "nation" in (left, right):
                raise Refused(line, "compare a nation by its id, as nation.id == 'norvia'")
            if left != right:
                raise Refused(line, f"a {left} compared with a {right}: the comparison could never hold")
            ids = [s for s in (p.left, p.right) if isinstance(s, Ref) and s.path[-1] == "id"]
            consts = [s.value for s in (p.left, p.right) if isinstance(s, Const)]
            if ids and consts and nations and consts[0] not in nations | {"control"}:
                raise Refused(line, f"no nation has the id '{consts[0]}' (nations: {', '.join(sorted(nations))})")
        elif isinstance(p, BoolOp):
            _check_comparisons((p.left, p.right), kinds, nations)
        elif isinstance(p, (Not, Filter)):
            _check_comparisons((p.node,), kinds, nations)


def _kind_of(e: Expr, kinds: Mapping[Ref, str]) -> str:
    if isinstance(e, Ref):
        return kinds[e]
    return "number" if isinstance(e, Const) and isinstance(e.value, int) else "text"


# -- rendering ----------------------------------------------------------------------------------------------


def render(text: str, context: Mapping[str, Any]) -> str:
    """A text in words for one reader, at most MAX_RENDERED characters. A text that is not in the language
    (never the case after a clean load) or names a value the context lacks shows as written."""
    if not text or not is_template(text):
        return text if len(text) <= MAX_RENDERED else text[:MAX_RENDERED - 1] + "…"
    parsed = parse(text)
    if parsed.parts is None:
        return text
    out: list[str] = []
    room = MAX_RENDERED
    try:
        for piece in pieces(parsed.parts, context):
            if len(piece) >= room:  # cut here: the rest could only make it longer
                out.append(piece[:room - 1] + "…")
                break
            out.append(piece)
            room -= len(piece)
    except Missing:
        return text
    return "".join(out)
