"""Per-inject compilation: each loaded inject becomes a CInject, its problems reported where they are written.

InjectCompiler is the base of the scenario compiler (compile.py), which shares with it the diagnostics,
the clock, the scope expressions are compiled in, and the state variables they read and write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .diagnostics import Diagnostic, Mark, did_you_mean
from .effects import Effect, compile_effect
from .expr_compiler import compile_value
from .expressions import ExprError, Fn, Scope
from .loader import Loaded, LoadedInject, SourceFile
from .models import Inject, Nation, Option, Organisation
from .templates import check_template
from .timefmt import parse_step, parse_time, parse_turns


@dataclass
class COutcome:
    p: float
    text: str
    effects: list[Effect]


@dataclass
class COption:
    id: str
    model: Option
    requires: Fn | None
    effects: list[Effect]
    outcomes: list[COutcome]
    mark: Mark | None = None  # where its `requires` is written (for lints)


@dataclass
class CInject:
    id: str
    model: Inject
    order: int
    turn: int | None  # fixed release turn (from `at`)
    after: tuple[str, int] | None  # (inject id, offset in turns)
    when: Fn | None
    manual: bool
    nations: tuple[str, ...]  # nations addressed directly (or through 'all')
    orgs: tuple[str, ...]  # organisations addressed
    to_control: bool
    effects: list[Effect]
    options: dict[str, COption]
    default: str | None
    deadline: int
    objectives: tuple[str, ...]
    params: dict[str, str]
    file: str
    source: str  # its file's key in CompiledScenario.files; `file` is only the name shown
    mark: Mark
    words: dict[str, str] = field(default_factory=dict)  # its library's text parameters, bound

    @cached_property
    def deciders(self) -> tuple[str, ...]:
        """Who takes this inject's decision: each nation addressed, and each organisation (by vote)."""
        return (*self.nations, *self.orgs) if self.model.decision else ()

    @cached_property
    def recipients(self) -> tuple[str, ...]:
        return (*self.nations, *self.orgs, *(("control",) if self.to_control else ()))


_AFTER = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(?:\+\s*(\d+)\s*(?:turns?)?)?\s*$")
_AT_TURN = re.compile(r"^\s*turn\s+(\d+)\s*$")


class InjectCompiler:
    base_scope: Scope  # set by the scenario compiler once the state layout is known

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.sc = loaded.scenario
        self.diags: list[Diagnostic] = list(loaded.diagnostics)
        self.reads: set[str] = set()
        self.writes: dict[str, Mark] = {}
        try:
            self.start_minutes = parse_time(self.sc.clock.start)
        except ValueError as exc:
            self.err(loaded.main, ("clock", "start"), "clock", str(exc))
            self.start_minutes = 360
        try:
            self.step_minutes = parse_step(self.sc.clock.step)
        except ValueError as exc:
            self.err(loaded.main, ("clock", "step"), "clock", str(exc))
            self.step_minutes = 360
        self.ending_texts()  # here rather than in the scenario compiler: all text checks live in this file

    def err(self, src: SourceFile, path: tuple[Any, ...], code: str, msg: str, *, key: bool = False,
            offset: int | None = None, severity: str = "error") -> None:
        """A diagnostic at a value (or its key); `offset` points into a one-line text value (an expression)."""
        mark = src.positions.at(path, key=key)
        if offset is not None:
            mark = text_mark(src, mark, 1, offset)
        self.diags.append(mark.diag(code, msg, "warning" if severity == "warning" else "error"))

    # -- expressions -------------------------------------------------------------------------
    def scope(self, params: dict[str, str], allow_self: bool, prefix: str = "", why: str | None = None) -> Scope:
        b = self.base_scope
        scope = Scope(b.layout, b.orgs, b.injects, b.options, b.capabilities, params, allow_self, prefix)
        if why:
            scope.no_self_reason = why
        return scope

    def cond(self, text: str | None, src: SourceFile, path: tuple[Any, ...], scope: Scope) -> Fn | None:
        if text is None:
            return None
        try:
            compiled = compile_value(text, scope)
        except ExprError as exc:
            self.err(src, path, exc.code, exc.message, offset=exc.offset)
            return None
        self.reads |= compiled.reads
        return compiled.fn

    def effects(self, effects: dict[str, Any], src: SourceFile, path: tuple[Any, ...], scope: Scope) -> list[Effect]:
        out: list[Effect] = []
        for target, value in effects.items():
            try:
                eff, reads = compile_effect(target, value, scope)
            except ExprError as exc:
                if exc.code.startswith("value:"):
                    exc.code = exc.code[len("value:"):]
                    self.err(src, (*path, target), exc.code, exc.message, offset=exc.offset)
                else:
                    self.err(src, (*path, target), exc.code, exc.message, key=True, offset=exc.offset)
                continue
            self.reads |= reads
            self.writes.setdefault(eff.var, src.positions.at((*path, target), key=True))
            out.append(eff)
        return out

    # -- injects -----------------------------------------------------------------------------
    def inject(self, li: LoadedInject, order: int, nations: dict[str, Nation],
               orgs: dict[str, Organisation]) -> CInject | None:
        m, src, p = li.model, li.file, li.path
        sched = [k for k in ("at", "after") if getattr(m, k) is not None] + (["manual"] if m.manual else [])
        if len(sched) > 1:
            self.err(src, (*p, sched[1]), "schedule", f"inject '{li.id}' has both {sched[0]} and {sched[1]}: "
                     "choose one ('when' may accompany 'at' or 'after' as a condition)", key=True)
        if not sched and m.when is None:
            self.err(src, (*p, "id"), "schedule", f"inject '{li.id}' is never released: give it at, after, "
                     "when or manual")
        turn = None
        if m.at is not None:
            turn = self.at_turn(m.at, src, (*p, "at"))
        after = None
        if m.after is not None:
            am = _AFTER.match(m.after)
            if not am:
                self.err(src, (*p, "after"), "schedule", f"'{m.after}' is not 'inject-id' or 'inject-id + N turns'")
            else:
                ref = am.group(1)
                if li.prefix and li.prefix + ref in self.base_scope.injects:
                    ref = li.prefix + ref
                after = (ref, int(am.group(2) or 0))
        to = [m.to] if isinstance(m.to, str) else list(m.to)
        to_nations: list[str] = []
        to_orgs: list[str] = []
        control = False
        for k, who in enumerate(to):
            who = li.params.get(who, who)
            path = (*p, "to") if isinstance(m.to, str) else (*p, "to", k)
            if who == "all":
                to_nations.extend(n for n in nations if n not in to_nations)
            elif who == "control":
                control = True
            elif who in nations:
                if who not in to_nations:
                    to_nations.append(who)
            elif who in orgs:
                to_orgs.append(who)
            else:
                self.err(src, path, "unknown-id", f"unknown recipient '{who}'" +
                         did_you_mean(who, [*nations, *orgs, *li.params, "all", "control"]))
        single = len(to_nations) == 1 and not to_orgs
        # An organisation's decision is taken by its members' votes: its effects have no one nation as `self`.
        scope_self = self.scope(li.params, allow_self=not to_orgs, prefix=li.prefix,
                                why="'self' has no meaning here: an organisation decides this inject by vote; "
                                    "name the nation, or use '*'")
        release_scope = self.scope({**li.params, **({"self": to_nations[0]} if single else {})}, allow_self=False,
                                   prefix=li.prefix, why="'self' in a release effect needs exactly one nation in 'to'")
        when = self.cond(m.when, src, (*p, "when"), release_scope)
        effects = self.effects(m.effects, src, (*p, "effects"), release_scope)
        options: dict[str, COption] = {}
        default = None
        deadline = 1
        if m.decision:
            d = m.decision
            try:
                deadline = parse_turns(d.deadline)
            except ValueError as exc:
                self.err(src, (*p, "decision", "deadline"), "value", str(exc))
            if not to_nations and not to_orgs:
                self.err(src, (*p, "to"), "decision", f"inject '{li.id}' asks for a decision but no nation or "
                         "organisation receives it")
            for k, opt in enumerate(d.options):
                op = (*p, "decision", "options", k)
                if opt.id in options:
                    self.err(src, (*op, "id"), "duplicate-id", f"option id '{opt.id}' is used twice in '{li.id}'")
                    continue
                requires = self.cond(opt.requires, src, (*op, "requires"), scope_self)
                if opt.unavailable and not opt.requires:
                    self.err(src, (*op, "unavailable"), "unused", "'unavailable' says why 'requires' fails, but "
                             "this option has no 'requires'", key=True, severity="warning")
                outcomes: list[COutcome] = []
                if opt.outcomes:
                    total = sum(o.p for o in opt.outcomes)
                    if abs(total - 1.0) > 1e-6:
                        self.err(src, (*op, "outcomes"), "probability", f"outcome probabilities of '{li.id}/"
                                 f"{opt.id}' sum to {total:g}, not 1", key=True)
                    for q, out in enumerate(opt.outcomes):
                        oe = self.effects(out.effects, src, (*op, "outcomes", q, "effects"), scope_self)
                        outcomes.append(COutcome(out.p, out.text, oe))
                        self.text(out.text, src, (*op, "outcomes", q, "text"), li.params, nations, words=li.words)
                options[opt.id] = COption(opt.id, opt, requires, self.effects(opt.effects, src, (*op, "effects"),
                                                                                 scope_self), outcomes,
                                          src.positions.at((*op, "requires") if opt.requires else (*op, "id")))
                self.text(opt.text, src, (*op, "text"), li.params, nations, words=li.words)
                self.text(opt.label, src, (*op, "label"), li.params, nations, words=li.words)
                self.text(opt.unavailable, src, (*op, "unavailable"), li.params, nations, words=li.words)
            if d.default is not None and d.default not in {o.id for o in d.options}:
                self.err(src, (*p, "decision", "default"), "unknown-id", f"default '{d.default}' is not an option "
                         f"of '{li.id}'" + did_you_mean(d.default, [o.id for o in d.options]))
            default = d.default
        self.text(m.text, src, (*p, "text"), li.params, nations, words=li.words)
        self.text(m.title, src, (*p, "title"), li.params, nations, words=li.words)
        self.text(m.from_, src, (*p, "from"), li.params, nations, words=li.words)
        self.text(m.decision.prompt if m.decision else None, src, (*p, "decision", "prompt"), li.params, nations,
                  words=li.words)
        objs = m.objective
        return CInject(
            id=li.id, model=m, order=order, turn=turn, after=after, when=when, manual=m.manual,
            nations=tuple(to_nations), orgs=tuple(to_orgs), to_control=control, effects=effects, options=options,
            default=default, deadline=deadline, objectives=tuple([objs] if isinstance(objs, str) else objs or []),
            params=li.params, words=li.words, file=src.display, source=src.key, mark=src.positions.at((*p, "id")),
        )

    def text(self, text: str | None, src: SourceFile, path: tuple[Any, ...], params: dict[str, str],
             nations: dict[str, Nation], *, reader: bool = True, words: dict[str, str] | None = None) -> None:
        """A text field in the text language (templates.py), its problem placed on the text's own line."""
        if not text:
            return
        problem = check_template(text, list(params), nations=list(nations), reader=reader, words=list(words or {}))
        if problem is not None:
            line, msg = problem
            self.diags.append(text_mark(src, src.positions.at(path), max(line, 1), 0).diag("template", msg))

    def ending_texts(self) -> None:
        """Ending texts are templates too, read by every nation at once: no `nation`, no parameters."""
        nations = {n.id: n for n in self.sc.nations}
        for i, e in enumerate(self.sc.endings):
            self.text(e.text, self.loaded.main, ("endings", i, "text"), {}, nations, reader=False)
        for i, n in enumerate(self.sc.nations):  # a nation's own outcome is read by that nation: `nation` is it
            for j, o in enumerate(n.outcomes):
                self.text(o.text, self.loaded.main, ("nations", i, "outcomes", j, "text"), {}, nations)

    def at_turn(self, at: int | str, src: SourceFile, path: tuple[Any, ...]) -> int | None:
        turns = self.sc.clock.turns
        if isinstance(at, int):
            turn = at
        elif (mt := _AT_TURN.match(at)) is not None:
            turn = int(mt.group(1))
        else:
            try:
                minutes = parse_time(at)
            except ValueError:
                self.err(src, path, "schedule", f"'{at}' is neither 'turn N' nor a scenario time like 'D+1 06:00'")
                return None
            delta = minutes - self.start_minutes
            turn = 1 + -(-delta // self.step_minutes) if delta > 0 else 1
        if not 1 <= turn <= turns:
            self.err(src, path, "schedule", f"turn {turn} is outside the exercise (turns 1 to {turns})")
            return None
        return turn


_BLOCK = re.compile(r"^\s*[|>][-+0-9]*\s*(#.*)?$")


def text_mark(src: SourceFile, mark: Mark, line: int, offset: int) -> Mark:
    """Where line `line` (1-based), column `offset` (0-based) of a text value starts in its file.

    A block scalar (`|`, `>-`, `|2` ...) begins on the line after its indicator, at its indentation;
    a quoted scalar one column after its quote; a plain scalar at its mark.
    """
    lines = src.text.splitlines()
    head = lines[mark.line - 1][mark.col - 1:] if 0 < mark.line <= len(lines) else ""
    if _BLOCK.match(head):
        row = mark.line + line
        body = lines[row - 1] if 0 < row <= len(lines) else ""
        return Mark(mark.file, row, len(body) - len(body.lstrip()) + 1 + offset)
    quote = 1 if head[:1] in ("'", '"') else 0
    if line == 1:
        return mark.shifted(quote + offset)
    row = mark.line + line - 1
    body = lines[row - 1] if 0 < row <= len(lines) else ""
    return Mark(mark.file, row, len(body) - len(body.lstrip()) + 1 + offset)
