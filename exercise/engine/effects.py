"""Effects compiled once at load: a state target (`support[*]`, `trust[self][norvia]`) and its change.

An effect's value is an expression (expr_compiler.py); its target is resolved here to the slots it touches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .diagnostics import did_you_mean
from .expr_compiler import NationRef, compile_value, nation_ref
from .expressions import ExprError, Fn, Scope

_TARGET = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*((?:\[\s*[^\]]*\s*\])*)\s*$")
_INDEX = re.compile(r"\[\s*([^\]]*?)\s*\]")


@dataclass(frozen=True)
class Effect:
    """One compiled effect: which slots it touches, and how (add a delta or set a value)."""

    key: str
    var: str
    slots: Callable[[int], list[int]]
    amount: Fn
    mode: str  # "add" | "set"
    constant: float | None  # the delta when it is a plain number (for bots and lints)


def compile_effect(target: str, value: int | float | str, scope: Scope) -> tuple[Effect, frozenset[str]]:
    """Compile `support[*]: -5`, `trust[self][norvia]: "+ cap(self, 'cyber')"`, `cohesion: "=50"`.

    Raises ExprError with offset into the target (code 'target') or into the value (code 'value:...').
    """
    lay = scope.layout
    m = _TARGET.match(target)
    if not m:
        raise ExprError(0, f"'{target}' is not a state target (write 'var', 'var[nation]' or 'var[a][b]')")
    var = m.group(1)
    # each index with where it starts in the target ('support[s]': the 's' at 8, not the 's' of 'support',
    # which is what target.find() returned)
    found = list(_INDEX.finditer(m.group(2) or ""))
    idx = [f.group(1) for f in found]
    starts = {k: m.start(2) + f.start(1) for k, f in enumerate(found)}

    def ref(k: int) -> NationRef | None:  # None = every nation
        text = idx[k]
        if text == "*":
            return None
        offset = starts[k]
        try:
            return nation_ref(text, offset, scope)
        except ExprError as exc:
            exc.offset = offset
            raise

    if var in lay.globals:
        if idx:
            raise ExprError(m.start(2), f"'{var}' is a single value; it takes no [nation]")
        g = [lay.globals[var]]
        slots: Callable[[int], list[int]] = lambda me: g  # noqa: E731
    elif var in lay.per_nation:
        if len(idx) != 1:
            raise ExprError(0, f"'{var}' is per nation: write {var}[nation], {var}[self] or {var}[*]")
        r = ref(0)
        base, n = lay.per_nation[var], len(lay.nations)
        if r is None:
            every = list(range(base, base + n))
            slots = lambda me: every  # noqa: E731
        elif r.index is None:
            slots = lambda me: [base + me]  # noqa: E731
        else:
            one = [base + r.index]
            slots = lambda me: one  # noqa: E731
    elif var in lay.per_pair:
        if len(idx) != 2:
            raise ExprError(0, f"'{var}' is per pair: write {var}[a][b] (a nation, self or *)")
        ra, rb = ref(0), ref(1)
        n = len(lay.nations)
        if ra is not None and rb is not None and ra.index is None and rb.index is None:
            # trust[self][self] touched no value at all, silently
            raise ExprError(0, f"{target}: a nation has no {var} in itself")

        def pair_slots(me: int, ra: NationRef | None = ra, rb: NationRef | None = rb) -> list[int]:
            rows = range(n) if ra is None else [me if ra.index is None else ra.index]
            cols = range(n) if rb is None else [me if rb.index is None else rb.index]
            return [lay.pair_slot(var, i, j) for i in rows for j in cols if i != j]

        if (ra is None or ra.index is not None) and (rb is None or rb.index is not None):
            fixed = pair_slots(-1)
            if not fixed:
                raise ExprError(0, f"{target}: a nation has no {var} in itself")
            slots = lambda me: fixed  # noqa: E731
        else:
            slots = pair_slots
    else:
        known = [*lay.globals, *lay.per_nation, *lay.per_pair]
        raise ExprError(0, f"unknown state variable '{var}'{did_you_mean(var, known)}", "unknown-name")

    mode, constant = "add", None
    if isinstance(value, bool):
        raise ExprError(0, "an effect is a number (a change) or an expression string", "value")
    if isinstance(value, (int, float)):
        try:
            c = float(value)
        except OverflowError:  # an int past the float range
            raise ExprError(0, "this number is too large", "value:not-finite") from None
        if not math.isfinite(c):  # the YAML reader refuses these already; a model built in code may not
            raise ExprError(0, f"{value} is not a finite number", "value:not-finite")
        constant = c
        amount: Fn = lambda s, me: c  # noqa: E731
        reads: frozenset[str] = frozenset()
    else:
        text = value
        if text.lstrip().startswith("="):
            mode = "set"
            text = text.replace("=", " ", 1)
        try:
            compiled = compile_value(text, scope)
        except ExprError as exc:
            exc.code = "value:" + exc.code
            raise
        amount, reads = compiled.fn, compiled.reads
    return Effect(target, var, slots, amount, mode, constant), reads
