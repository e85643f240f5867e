"""Expressions compiled to closures: each node of a checked tree becomes a function of (state, acting nation).

`compile_value` is the entry point; the names an expression may use come from its Scope (expressions.py).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .diagnostics import did_you_mean
from .expressions import ExprError, Fn, Runtime, Scope, parse


# A nation reference resolved at compile time (an index) or at run time (`self`).
@dataclass(frozen=True)
class NationRef:
    index: int | None  # None means `self`


@dataclass(frozen=True)
class _Collection:
    """A set of slots (`support`, `trust[norvia]`): only aggregates may take one."""

    slots: Callable[[int], list[int]]


_CMP: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_BIN: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: lambda a, b: a / b if b else 0.0,  # a scenario must never crash on a zero
    ast.FloorDiv: lambda a, b: a // b if b else 0.0,
    ast.Mod: lambda a, b: a % b if b else 0.0,
}
FUNCTIONS = ("released", "chose", "decided", "cap", "mean", "min", "max", "sum", "abs", "round", "count")


def _src(node: ast.AST) -> str:
    """A node as the author wrote it, short enough for a one-line message."""
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 60 else text[:60] + "…"


class _Compiler:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.layout = scope.layout
        self.nation_index = {n: i for i, n in enumerate(self.layout.nations)}
        self.reads: set[str] = set()  # state variables read: for the 'written and never read' lint

    # -- names -------------------------------------------------------------------------------
    def known_names(self) -> list[str]:
        lay = self.layout
        return [
            *lay.globals,
            *lay.per_nation,
            *lay.per_pair,
            *lay.nations,
            *self.scope.params,
            "turn",
            "self",
            *FUNCTIONS,
        ]

    def nation(self, node: ast.expr) -> NationRef:
        if isinstance(node, ast.Name):
            name = node.id
            if name == "self" and name in self.scope.params:  # an inject's single recipient, bound at load
                name = self.scope.params[name]
            elif name == "self":
                if not self.scope.allow_self:
                    raise ExprError(node.col_offset, self.scope.no_self_reason)
                return NationRef(None)
            if name in self.scope.params:
                name = self.scope.params[name]
            if name in self.nation_index:
                return NationRef(self.nation_index[name])
            raise ExprError(
                node.col_offset,
                f"unknown nation '{name}'{did_you_mean(name, [*self.layout.nations, *self.scope.params])}",
                "unknown-name",
            )
        raise ExprError(getattr(node, "col_offset", 0), "expected a nation id, a parameter or 'self' here")

    def string(self, node: ast.expr, what: str) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        raise ExprError(getattr(node, "col_offset", 0), f"expected {what} as a quoted string")

    # -- nodes -------------------------------------------------------------------------------
    def compile(self, node: ast.expr) -> Fn | _Collection | NationRef:
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise ExprError(getattr(node, "col_offset", 0), f"'{_src(node)}' is not allowed in an expression")
        result: Fn | _Collection | NationRef = method(node)
        return result

    def value(self, node: ast.expr) -> Fn:
        got = self.compile(node)
        if isinstance(got, _Collection):
            raise ExprError(node.col_offset, f"'{_src(node)}' is a set of values: use mean(), min(), max()…")
        if isinstance(got, NationRef):
            raise ExprError(node.col_offset, f"'{_src(node)}' is a nation, not a value")
        return got

    def c_Constant(self, node: ast.Constant) -> Fn:
        v = node.value
        if isinstance(v, str):
            # Quoted strings are only arguments (inject, option and capability ids), read by `string()`.
            # As a value a string has no use and did harm: `cohesion > "x"` compiled and then raised a
            # TypeError in the middle of a session, and `"x" * 999999999999` tried to allocate a terabyte.
            raise ExprError(node.col_offset, f"the text {_src(node)} is not a value: only numbers, state values "
                            "and functions are")
        if not isinstance(v, (int, float, bool)):
            raise ExprError(node.col_offset, f"the constant {v!r} is not allowed")
        if isinstance(v, int) and not isinstance(v, bool):
            # Numbers are floats, as state values are: float arithmetic never raises (it overflows to inf),
            # whereas a huge int constant made '10**400-digits / 2' raise OverflowError in a running session.
            try:
                v = float(v)
            except OverflowError:
                raise ExprError(node.col_offset, "this number is too large") from None
        if isinstance(v, float) and not math.isfinite(v):
            # Python reads 1e999 as infinity without a word: a condition against it is always false (or
            # true), and an effect of it pins a value at its bound or, inf - inf, makes it NaN.
            raise ExprError(node.col_offset, "this number is too large to be finite (the largest is about 1.8e308)",
                            "not-finite")
        return lambda s, me: v

    def c_Name(self, node: ast.Name) -> Fn | _Collection | NationRef:
        name = node.id
        lay = self.layout
        if name.startswith("__"):
            # never a scenario name: say 'not allowed' rather than suggest a near miss for '__import__'
            raise ExprError(node.col_offset, f"'{name}' is not allowed in an expression")
        if name in lay.globals:
            self.reads.add(name)
            slot = lay.globals[name]
            return lambda s, me: s.vals[slot]
        if name == "turn":
            return lambda s, me: s.turn
        if name in ("true", "True"):
            return lambda s, me: True
        if name in ("false", "False"):
            return lambda s, me: False
        if name in lay.per_nation:
            self.reads.add(name)
            base, n = lay.per_nation[name], len(lay.nations)
            slots = list(range(base, base + n))
            return _Collection(lambda me: slots)
        if name in lay.per_pair:
            self.reads.add(name)
            base, n = lay.per_pair[name], len(lay.nations)
            slots = list(range(base, base + n * (n - 1)))
            return _Collection(lambda me: slots)
        if name == "self" or name in self.nation_index or name in self.scope.params:
            return self.nation(node)
        raise ExprError(node.col_offset, f"unknown name '{name}'{did_you_mean(name, self.known_names())}",
                        "unknown-name")

    def c_Subscript(self, node: ast.Subscript) -> Fn | _Collection:
        lay = self.layout
        # trust[a][b]: the outer subscript's value is itself a subscript
        if isinstance(node.value, ast.Subscript) and isinstance(node.value.value, ast.Name):
            var = node.value.value.id
            if var not in lay.per_pair:
                if var not in lay.globals and var not in lay.per_nation:  # a misspelt name: say so, and suggest
                    raise ExprError(node.col_offset, f"unknown variable '{var}'{did_you_mean(var, self.known_names())}",
                                    "unknown-name")
                raise ExprError(node.col_offset, f"'{var}' is not a per-pair variable")
            self.reads.add(var)
            a, b = self.nation(node.value.slice), self.nation(node.slice)
            return self._pair(var, a, b, node)
        if not isinstance(node.value, ast.Name):
            raise ExprError(node.col_offset, "only state variables can be indexed")
        var = node.value.id
        ref = self.nation(node.slice)
        if var in lay.per_nation:
            self.reads.add(var)
            if ref.index is None:
                base = lay.per_nation[var]
                return lambda s, me: s.vals[base + me]
            slot = lay.nation_slot(var, ref.index)
            return lambda s, me: s.vals[slot]
        if var in lay.per_pair:
            self.reads.add(var)
            if ref.index is None:
                return _Collection(lambda me: lay.pair_row(var, me))
            row = lay.pair_row(var, ref.index)
            return _Collection(lambda me: row)
        if var in lay.globals:
            raise ExprError(node.col_offset, f"'{var}' is a single value; it takes no [nation]")
        raise ExprError(node.col_offset, f"unknown variable '{var}'{did_you_mean(var, self.known_names())}",
                        "unknown-name")

    def _pair(self, var: str, a: NationRef, b: NationRef, node: ast.expr) -> Fn:
        lay = self.layout
        if a.index is not None and b.index is not None:
            if a.index == b.index:
                raise ExprError(node.col_offset, f"{var}[x][x]: a nation has no {var} in itself")
            slot = lay.pair_slot(var, a.index, b.index)
            return lambda s, me: s.vals[slot]
        ai, bi = a.index, b.index

        def pair(s: Runtime, me: int) -> float:
            i = me if ai is None else ai
            j = me if bi is None else bi
            return s.vals[lay.pair_slot(var, i, j)] if i != j else 0.0

        return pair

    def c_Compare(self, node: ast.Compare) -> Fn:
        first = self.value(node.left)
        pairs = [(_CMP[type(op)], self.value(right)) for op, right in zip(node.ops, node.comparators, strict=True)
                 if type(op) in _CMP or self._bad(op, node)]
        if len(pairs) == 1:
            op, right = pairs[0]
            return lambda s, me: op(first(s, me), right(s, me))

        def chain(s: Runtime, me: int) -> bool:
            left = first(s, me)
            for op, fn in pairs:
                right = fn(s, me)
                if not op(left, right):
                    return False
                left = right
            return True

        return chain

    def _bad(self, op: ast.cmpop, node: ast.expr) -> bool:
        raise ExprError(node.col_offset, f"the comparison '{type(op).__name__}' is not allowed")

    def c_BoolOp(self, node: ast.BoolOp) -> Fn:
        parts = [self.value(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda s, me: all(p(s, me) for p in parts)
        return lambda s, me: any(p(s, me) for p in parts)

    def c_UnaryOp(self, node: ast.UnaryOp) -> Fn:
        inner = self.value(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda s, me: not inner(s, me)
        if isinstance(node.op, ast.USub):
            return lambda s, me: -inner(s, me)
        if isinstance(node.op, ast.UAdd):
            return inner
        raise ExprError(node.col_offset, "this operator is not allowed")

    def c_BinOp(self, node: ast.BinOp) -> Fn:
        op = _BIN.get(type(node.op))
        if op is None:
            raise ExprError(node.col_offset, "this operator is not allowed")
        left, right = self.value(node.left), self.value(node.right)
        return lambda s, me: op(left(s, me), right(s, me))

    def c_IfExp(self, node: ast.IfExp) -> Fn:
        test, body, other = self.value(node.test), self.value(node.body), self.value(node.orelse)
        return lambda s, me: body(s, me) if test(s, me) else other(s, me)

    def c_Call(self, node: ast.Call) -> Fn:
        if not isinstance(node.func, ast.Name) or node.keywords:
            # point at what is being called (the 'lambda' in '(lambda: 1)()'), not at the opening bracket
            where = node.func if not isinstance(node.func, ast.Name) else node.keywords[0]
            raise ExprError(getattr(where, "col_offset", node.col_offset),
                            f"'{_src(node)}' is not allowed in an expression: only the built-in functions can be "
                            "called, with plain arguments")
        name, args = node.func.id, node.args
        if name.startswith("__"):
            raise ExprError(node.col_offset, f"'{name}' is not allowed in an expression")
        if name not in FUNCTIONS:
            raise ExprError(node.col_offset, f"unknown function '{name}'{did_you_mean(name, FUNCTIONS)}",
                            "unknown-name")
        if name in ("released", "decided", "chose"):
            return self._history(name, node)
        if name == "cap":
            self._arity(node, 2, 2)
            who = self.nation(args[0])
            what = self.string(args[1], "a capability name")
            if self.scope.capabilities and what not in self.scope.capabilities:
                raise ExprError(args[1].col_offset, f"unknown capability '{what}'"
                                f"{did_you_mean(what, sorted(self.scope.capabilities))}", "unknown-name")
            nations = self.layout.nations
            if who.index is not None:
                key = (nations[who.index], what)
                return lambda s, me: s.capabilities.get(key, 0)
            return lambda s, me: s.capabilities.get((nations[me], what), 0)
        if name in ("abs", "round"):
            self._arity(node, 1, 1)
            inner = self.value(args[0])
            fn = abs if name == "abs" else _round
            return lambda s, me: fn(inner(s, me))
        return self._aggregate(name, node)

    def _arity(self, node: ast.Call, lo: int, hi: int) -> None:
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise ExprError(node.col_offset, f"{_src(node.func)}() takes {want} argument(s)")

    def _history(self, name: str, node: ast.Call) -> Fn:
        args = node.args
        self._arity(node, 1 if name != "chose" else 2, 2 if name != "chose" else 3)
        inject = self.string(args[0], "an inject id")
        if self.scope.prefix and self.scope.prefix + inject in self.scope.injects:
            inject = self.scope.prefix + inject  # a library names its own injects without the prefix
        if self.scope.injects and inject not in self.scope.injects:
            raise ExprError(args[0].col_offset, f"unknown inject '{inject}'"
                            f"{did_you_mean(inject, sorted(self.scope.injects))}", "unknown-id")
        if name == "released":
            return lambda s, me: inject in s.released
        who: NationRef | None = None
        option: str | None = None
        if name == "chose":
            option = self.string(args[1], "an option id")
            known = self.scope.options.get(inject)
            if known is not None and option not in known:
                raise ExprError(args[1].col_offset, f"inject '{inject}' has no option '{option}'"
                                f"{did_you_mean(option, sorted(known))}", "unknown-id")
            if len(args) == 3:
                who = self.nation(args[2])
        elif len(args) == 2:
            who = self.nation(args[1])
        nations = self.layout.nations
        if who is None:
            if option is None:
                return lambda s, me: any(k[0] == inject for k in s.chosen)
            return lambda s, me: any(k[0] == inject and v == option for k, v in s.chosen.items())
        fixed = who.index

        def chosen_by(s: Runtime, me: int) -> bool:
            team = nations[me if fixed is None else fixed]
            got = s.chosen.get((inject, team))
            return got is not None and (option is None or got == option)

        return chosen_by

    def _aggregate(self, name: str, node: ast.Call) -> Fn:
        if not node.args:
            raise ExprError(node.col_offset, f"{name}() needs at least one argument")
        if name in ("min", "max") and len(node.args) > 1:
            parts = [self.value(a) for a in node.args]
            pick = min if name == "min" else max
            return lambda s, me: pick(p(s, me) for p in parts)
        self._arity(node, 1, 1)
        got = self.compile(node.args[0])
        if not isinstance(got, _Collection):
            raise ExprError(node.args[0].col_offset, f"{name}() takes a per-nation or per-pair variable")
        slots_of = got.slots
        if name == "mean":
            return lambda s, me: (sum(s.vals[i] for i in sl) / len(sl)) if (sl := slots_of(me)) else 0.0
        if name == "count":
            raise ExprError(node.col_offset, "count() takes a condition per nation; use sum() or mean()")
        folds: dict[str, Callable[..., Any]] = {"min": min, "max": max, "sum": sum}
        fn = folds[name]
        return lambda s, me: fn(s.vals[i] for i in slots_of(me)) if slots_of(me) else 0.0


def _round(x: Any) -> Any:
    # round() of an infinity or NaN raises; a scenario must never crash on one (1e308 * 10 is inf).
    # A float, not an int: products of rounded huge values would otherwise leave float range and raise.
    return float(round(x)) if math.isfinite(x) else x


@dataclass(frozen=True)
class Compiled:
    fn: Fn
    reads: frozenset[str]


def compile_value(source: str, scope: Scope) -> Compiled:
    comp = _Compiler(scope)
    fn = comp.value(parse(source))
    return Compiled(fn, frozenset(comp.reads))


def nation_ref(name: str, offset: int, scope: Scope) -> NationRef:
    """A nation written outside an expression (an index in an effect's target), resolved as an expression would."""
    return _Compiler(scope).nation(ast.Name(id=name, col_offset=offset))
