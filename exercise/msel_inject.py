"""An inject as a standalone mapping, the way the MSEL sheet carries it: its library's parameters bound to the
nations and organisations the scenario gave them, its references to other injects prefixed as included.

A library inject reads `support[target]`, `chose('consent', 'decline')` and `{{ target.short }}`; in a sheet
those would name nothing (the sheet has no `with:` and no prefix). So every expression (conditions, effect
targets and values) has its parameter names replaced by the bound ids and its inject ids prefixed, and every
text its parameter references replaced by `nations.<id>` (a name the text language knows) and its text
parameters (`names:`) by their words, so the text reads the same when rendered. Nothing is rendered here: a
sheet shows texts as the author wrote them, bound.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any

from .engine.compile import CompiledScenario
from .engine.compile_injects import CInject
from .engine.models import Decision, Inject, Option, Outcome

_HISTORY = ("released", "decided", "chose")  # functions whose first argument is an inject id
_BLOCK = re.compile(r"({{.*?}}|{%.*?%})", re.S)


def prefix_of(ci: CInject) -> str:
    """The prefix the including scenario gave the inject's library ('' for a scenario's own inject)."""
    return ci.id[: -len(ci.model.id)] if ci.id.endswith(ci.model.id) else ""


class Binder:
    """Binds one inject's expressions and texts: `params` (name -> id), `prefix` for its own library's ids."""

    def __init__(self, sc: CompiledScenario, ci: CInject) -> None:
        self.params = {k: v for k, v in ci.params.items() if k != "self"}
        self.words = ci.words
        self.prefix = prefix_of(ci)
        self.injects = set(sc.injects)

    def expr(self, text: str) -> str:
        """An expression with parameter names bound and inject ids prefixed; spacing kept as written."""
        flat = " ".join(text.split())
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(flat).readline))
        except (tokenize.TokenError, SyntaxError):
            return flat  # the compiler already accepted it, so this does not happen; keep the text if it does
        edits: list[tuple[int, int, str]] = []
        for i, tok in enumerate(tokens):
            if tok.type == tokenize.NAME and tok.string in self.params:
                nxt = tokens[i + 1].string if i + 1 < len(tokens) else ""
                if nxt != "(":  # a function's name is never a parameter
                    edits.append((tok.start[1], tok.end[1], self.params[tok.string]))
            elif (tok.type == tokenize.STRING and i >= 2 and tokens[i - 1].string == "("
                  and tokens[i - 2].string in _HISTORY and self.prefix):
                quote, ident = tok.string[0], tok.string[1:-1]
                if self.prefix + ident in self.injects:
                    edits.append((tok.start[1], tok.end[1], f"{quote}{self.prefix}{ident}{quote}"))
        for start, end, new in reversed(edits):
            flat = flat[:start] + new + flat[end:]
        return flat

    def value(self, value: int | float | str) -> int | float | str:
        return self.expr(value) if isinstance(value, str) else value

    def effects(self, effects: dict[str, int | float | str]) -> dict[str, int | float | str]:
        return {self.expr(k): self.value(v) for k, v in effects.items()}

    def text(self, text: str) -> str:
        """A text with its parameters' fields read through `nations.<id>`: `{{ target.short }}` becomes
        `{{ nations.estrava.short }}`, which renders the same words."""
        if not self.params and not self.words:
            return text
        nation = re.compile(r"\b(" + "|".join(map(re.escape, self.params)) + r")\b(?=\s*\.)") if self.params else None
        word = re.compile(r"\b(" + "|".join(map(re.escape, self.words)) + r")\b(?!\s*\.)") if self.words else None

        def bind(block: re.Match[str]) -> str:
            got = block.group(0)
            alone = re.fullmatch(r"{{\s*(\w+)\s*}}", got)
            if alone and alone.group(1) in self.words and not re.search(r"[{}%]", self.words[alone.group(1)]):
                return self.words[alone.group(1)]  # a text parameter on its own is its words, as the reader sees
            if word is not None:
                got = word.sub(lambda m: "'" + self.words[m.group(1)].replace("'", "\\'") + "'", got)
            if nation is not None:
                got = nation.sub(lambda m: f"nations.{self.params[m.group(1)]}", got)
            return got

        return _BLOCK.sub(bind, text)


def _outcome(b: Binder, o: Outcome) -> dict[str, Any]:
    out: dict[str, Any] = {"p": o.p}
    if o.text:
        out["text"] = b.text(o.text)
    if o.effects:
        out["effects"] = b.effects(o.effects)
    return out


def _option(b: Binder, o: Option) -> dict[str, Any]:
    out: dict[str, Any] = {"id": o.id, "label": b.text(o.label)}
    if o.requires is not None:
        out["requires"] = b.expr(o.requires)
    if o.unavailable is not None:
        out["unavailable"] = b.text(o.unavailable)
    if o.text:
        out["text"] = b.text(o.text)
    if o.effects:
        out["effects"] = b.effects(o.effects)
    if o.outcomes:
        out["outcomes"] = [_outcome(b, x) for x in o.outcomes]
    return out


def decision(sc: CompiledScenario, ci: CInject) -> dict[str, Any] | None:
    """The inject's decision as a mapping in the scenario format, bound; None when it asks for none."""
    d: Decision | None = ci.model.decision
    if d is None:
        return None
    b = Binder(sc, ci)
    out: dict[str, Any] = {}
    if d.prompt:
        out["prompt"] = b.text(d.prompt)
    out["deadline"] = d.deadline
    out["options"] = [_option(b, o) for o in d.options]
    if d.default is not None:
        out["default"] = d.default
    return out


def bound(sc: CompiledScenario, ci: CInject) -> Inject:
    """The inject's own fields that a sheet shows in columns, bound (texts, condition, effects)."""
    b = Binder(sc, ci)
    m = ci.model
    return m.model_copy(update={
        "title": b.text(m.title) if m.title else m.title, "text": b.text(m.text), "from_": b.text(m.from_),
        "when": b.expr(m.when) if m.when else m.when, "effects": b.effects(m.effects)})
