"""From validated models to a playable scenario: ids resolved, expressions compiled, schedule fixed.

Everything a session needs at run time is computed here once, so that folding events and simulating
thousands of games only call closures and look up slots.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Mark, ScenarioError, did_you_mean
from .expressions import Effect, ExprError, Fn, Layout, Scope, compile_effect, compile_value
from .loader import Loaded, LoadedInject, Reader, SourceFile, dict_reader, file_reader, load
from .models import Ending, Inject, Nation, Option, Organisation, Scenario, StateVar
from .templates import check_template
from .timefmt import format_time, parse_step, parse_time, parse_turns


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
    mark: Mark

    @cached_property
    def deciders(self) -> tuple[str, ...]:
        """Who takes this inject's decision: each nation addressed, and each organisation (by vote)."""
        return (*self.nations, *self.orgs) if self.model.decision else ()

    @cached_property
    def recipients(self) -> tuple[str, ...]:
        return (*self.nations, *self.orgs, *(("control",) if self.to_control else ()))


@dataclass
class CEnding:
    id: str
    model: Ending
    when: Fn | None
    early: bool
    mark: Mark | None = None


@dataclass
class CompiledScenario:
    model: Scenario
    layout: Layout
    vars: dict[str, StateVar]
    mins: list[float]
    maxs: list[float]
    ints: list[bool]
    start: list[float]
    injects: dict[str, CInject]
    endings: list[CEnding]
    nations: dict[str, Nation]
    orgs: dict[str, Organisation]
    capabilities: dict[tuple[str, str], int]
    sources: dict[str, str]
    main: str
    hash: str
    start_minutes: int
    step_minutes: int
    load_warnings: list[Diagnostic] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)
    writes: dict[str, Mark] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # derived data others memoise (bot weights)

    @property
    def id(self) -> str:
        return self.model.id

    @cached_property
    def nation_index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.layout.nations)}

    @property
    def warnings(self) -> list[Diagnostic]:
        """Load-time warnings and the author's lints (computed on first use: `ttx validate` asks, play doesn't)."""
        if "lints" not in self.cache:
            from .lint import lint

            self.cache["lints"] = sorted(self.load_warnings + lint(self))
        found: list[Diagnostic] = self.cache["lints"]
        return found

    @property
    def title(self) -> str:
        return self.model.title

    @property
    def turns(self) -> int:
        return self.model.clock.turns

    def time_of(self, turn: int) -> str:
        return format_time(self.start_minutes + (turn - 1) * self.step_minutes)

    def name_of(self, who: str) -> str:
        if who in self.nations:
            return self.nations[who].name
        if who in self.orgs:
            return self.orgs[who].name
        return "Exercise Control" if who == "control" else who

    def label_of(self, key: str) -> str:
        var = self.layout.var_of[self.layout.slot(key) or 0] if self.layout.slot(key) is not None else key
        spec = self.vars.get(var)
        return (spec.label if spec and spec.label else var.replace("_", " ").capitalize()) + key[len(var):]


def content_hash(sources: dict[str, str]) -> str:
    h = hashlib.sha256()
    for key in sorted(sources):
        h.update(key.encode() + b"\0" + sources[key].encode() + b"\0")
    return h.hexdigest()


_AFTER = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*(?:\+\s*(\d+)\s*(?:turns?)?)?\s*$")
_AT_TURN = re.compile(r"^\s*turn\s+(\d+)\s*$")


class _Compiler:
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

    def err(self, src: SourceFile, path: tuple[Any, ...], code: str, msg: str, *, key: bool = False,
            offset: int | None = None, severity: str = "error") -> None:
        """A diagnostic at a value (or its key); `offset` points into a one-line text value (an expression)."""
        mark = src.positions.at(path, key=key)
        if offset is not None:
            mark = text_mark(src, mark, 1, offset)
        self.diags.append(mark.diag(code, msg, "warning" if severity == "warning" else "error"))

    # -- top level ---------------------------------------------------------------------------
    def run(self) -> CompiledScenario:
        sc, main = self.sc, self.loaded.main
        nations = {n.id: n for n in sc.nations}
        orgs = {o.id: o for o in sc.organisations}
        self.unique(main, [("nations", i, "id") for i in range(len(sc.nations))], [n.id for n in sc.nations], "nation")
        self.unique(main, [("organisations", i, "id") for i in range(len(sc.organisations))],
                    [o.id for o in sc.organisations], "organisation")
        for i, o in enumerate(sc.organisations):
            if o.id in nations:
                self.err(main, ("organisations", i, "id"), "duplicate-id", f"'{o.id}' is already a nation id")
            for j, m in enumerate(o.members):
                if m not in nations:
                    self.err(main, ("organisations", i, "members", j), "unknown-id", f"unknown nation '{m}'"
                             + did_you_mean(m, nations))
        layout = Layout(nations=list(nations))
        mins: list[float] = []
        maxs: list[float] = []
        ints: list[bool] = []
        start: list[float] = []
        for name, var in sc.state.items():
            before = len(layout.keys)
            layout.add(name, var.per)
            for _ in layout.keys[before:]:
                mins.append(var.min)
                maxs.append(var.max)
                ints.append(var.type == "int")
                start.append(var.start)
            for who, value in var.overrides.items():
                key = f"{name}[{who}]" if var.per == "nation" else "{}[{}][{}]".format(name, *who.split(">", 1)) \
                    if ">" in who else ""
                slot = layout.slot(key) if key else None
                if var.per == "global" or slot is None:
                    form = "a nation id" if var.per == "nation" else "'a>b' with nation ids"
                    self.err(main, ("state", name, "overrides", who), "unknown-id",
                             f"override '{who}' names no {name} value (use {form})", key=True)
                elif not var.min <= value <= var.max:
                    self.err(main, ("state", name, "overrides", who), "value",
                             f"{value:g} is outside {var.min:g}..{var.max:g}")
                else:
                    start[slot] = value
        capabilities = {(n.id, c): v for n in sc.nations for c, v in n.capabilities.items()}
        cap_names = {c for n in sc.nations for c in n.capabilities}
        loaded_injects = self.loaded.injects
        inject_ids = {li.id for li in loaded_injects}
        options = {li.id: {o.id for o in li.model.decision.options} for li in loaded_injects if li.model.decision}
        self.base_scope = Scope(layout, orgs=list(orgs), injects=inject_ids, options=options, capabilities=cap_names)
        seen: dict[str, LoadedInject] = {}
        injects: dict[str, CInject] = {}
        for order, li in enumerate(loaded_injects):
            if li.id in seen:
                first = seen[li.id]
                self.err(li.file, (*li.path, "id"), "duplicate-id", f"inject id '{li.id}' is used twice (first in "
                         f"{first.file.display}:{first.file.positions.at((*first.path, 'id')).line})")
                continue
            seen[li.id] = li
            ci = self.inject(li, order, nations, orgs)
            if ci is not None:
                injects[ci.id] = ci
        self.check_after(injects)
        endings = self.endings()
        objective_ids = {o.id for o in sc.objectives}
        self.unique(main, [("objectives", i, "id") for i in range(len(sc.objectives))],
                    [o.id for o in sc.objectives], "objective")
        for li in loaded_injects:
            objs = li.model.objective
            for k, obj in enumerate([objs] if isinstance(objs, str) else objs or []):
                if obj not in objective_ids:
                    path = (*li.path, "objective") if isinstance(objs, str) else (*li.path, "objective", k)
                    self.err(li.file, path, "unknown-id",
                             f"unknown objective '{obj}'" + did_you_mean(obj, objective_ids))
        for t, test in enumerate(sc.tests):
            for key in test.expect:
                if key not in ("ending", "turn", "released") and layout.slot(key) is None:
                    self.err(main, ("tests", t, "expect", key), "unknown-name", f"'{key}' is no state value"
                             + did_you_mean(key, layout.keys), key=True)
        errors = [d for d in self.diags if d.severity == "error"]
        if errors:
            raise ScenarioError(self.diags)
        sources = {k: f.text for k, f in self.loaded.files.items()}
        return CompiledScenario(
            model=sc, layout=layout, vars=dict(sc.state), mins=mins, maxs=maxs, ints=ints, start=start,
            injects=injects, endings=endings, nations=nations, orgs=orgs, capabilities=capabilities,
            sources=sources, main=self.loaded.main.key, hash=content_hash(sources),
            start_minutes=self.start_minutes, step_minutes=self.step_minutes,
            load_warnings=[d for d in self.diags if d.severity == "warning"], reads=self.reads, writes=self.writes,
            files=self.loaded.files,
        )

    def unique(self, src: SourceFile, paths: list[tuple[Any, ...]], ids: list[str], what: str) -> None:
        seen: set[str] = set()
        for path, i in zip(paths, ids, strict=True):
            if i in seen:
                self.err(src, path, "duplicate-id", f"{what} id '{i}' is used twice")
            seen.add(i)

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
                        self.text(out.text, src, (*op, "outcomes", q, "text"), li, nations)
                options[opt.id] = COption(opt.id, opt, requires, self.effects(opt.effects, src, (*op, "effects"),
                                                                                 scope_self), outcomes,
                                          src.positions.at((*op, "requires") if opt.requires else (*op, "id")))
                self.text(opt.text, src, (*op, "text"), li, nations)
            if d.default is not None and d.default not in {o.id for o in d.options}:
                self.err(src, (*p, "decision", "default"), "unknown-id", f"default '{d.default}' is not an option "
                         f"of '{li.id}'" + did_you_mean(d.default, [o.id for o in d.options]))
            default = d.default
        self.text(m.text, src, (*p, "text"), li, nations)
        objs = m.objective
        return CInject(
            id=li.id, model=m, order=order, turn=turn, after=after, when=when, manual=m.manual,
            nations=tuple(to_nations), orgs=tuple(to_orgs), to_control=control, effects=effects, options=options,
            default=default, deadline=deadline, objectives=tuple([objs] if isinstance(objs, str) else objs or []),
            params=li.params, file=src.display, mark=src.positions.at((*p, "id")),
        )

    def text(self, text: str, src: SourceFile, path: tuple[Any, ...], li: LoadedInject,
             nations: dict[str, Nation]) -> None:
        problem = check_template(text, list(li.params))
        if problem is not None:
            line, msg = problem
            self.diags.append(text_mark(src, src.positions.at(path), max(line, 1), 0).diag("template", msg))

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

    def check_after(self, injects: dict[str, CInject]) -> None:
        for ci in injects.values():
            if ci.after is None:
                continue
            ref = ci.after[0]
            if ref not in injects:
                src = self.loaded.files.get(next((k for k, f in self.loaded.files.items() if f.display == ci.file), ""))
                msg = f"'after' names unknown inject '{ref}'" + did_you_mean(ref, injects)
                self.diags.append(ci.mark.diag("unknown-id", msg) if src is None else
                                  src.positions.at(_path_of(self.loaded, ci.id, "after")).diag("unknown-id", msg))
                continue
            seen = [ci.id]
            cur: CInject | None = injects[ref]
            while cur is not None and cur.after is not None:
                if cur.id in seen:
                    self.diags.append(ci.mark.diag("schedule", "'after' goes round in a circle: "
                                                   + " -> ".join([*seen, cur.id])))
                    break
                seen.append(cur.id)
                cur = injects.get(cur.after[0])

    def endings(self) -> list[CEnding]:
        main = self.loaded.main
        out: list[CEnding] = []
        self.unique(main, [("endings", i, "id") for i in range(len(self.sc.endings))],
                    [e.id for e in self.sc.endings], "ending")
        scope = self.scope({}, allow_self=False)
        for i, e in enumerate(self.sc.endings):
            if e.when is None and i != len(self.sc.endings) - 1:
                self.err(main, ("endings", i, "id"), "ending", f"ending '{e.id}' has no 'when', so it must be the "
                         "last one (the fallback); the endings after it could never be reached")
            out.append(CEnding(e.id, e, self.cond(e.when, main, ("endings", i, "when"), scope), e.early,
                               main.positions.at(("endings", i, "when") if e.when else ("endings", i, "id"))))
        return out


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



def _path_of(loaded: Loaded, inject_id: str, field_name: str) -> tuple[Any, ...]:
    for li in loaded.injects:
        if li.id == inject_id:
            return (*li.path, field_name)
    return ()


def compile_loaded(loaded: Loaded) -> CompiledScenario:
    return _Compiler(loaded).run()


def load_scenario(path: str | Path) -> CompiledScenario:
    """Load a scenario file (and its includes) from disk; ScenarioError lists every problem."""
    p = Path(path)
    if p.is_dir():
        p = p / "scenario.yaml"
    display_base = str(p.parent) if str(p.parent) != "." else ""
    return compile_loaded(load(file_reader(p.parent), p.name, display_base))


def load_sources(sources: dict[str, str], main: str) -> CompiledScenario:
    """Load a scenario from the snapshot of files a session stored, so a replay never depends on disk."""
    return compile_loaded(load(dict_reader(sources), main))


def load_with(reader: Reader, main: str, display_base: str = "") -> CompiledScenario:
    return compile_loaded(load(reader, main, display_base))
