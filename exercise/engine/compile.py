"""From validated models to a playable scenario: ids resolved, expressions compiled, schedule fixed.

Everything a session needs at run time is computed here once, so that folding events and simulating
thousands of games only call closures and look up slots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .compile_injects import CInject, InjectCompiler
from .diagnostics import Diagnostic, Mark, ScenarioError, did_you_mean
from .expressions import Fn, Layout, Scope
from .loader import Loaded, LoadedInject, Reader, SourceFile, dict_reader, file_reader, load
from .models import Ending, Nation, Organisation, Scenario, StateVar
from .timefmt import format_time


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
    outcomes: dict[str, list[CEnding]] = field(default_factory=dict)  # nation -> its own results, in order

    @property
    def id(self) -> str:
        return self.model.id

    @cached_property
    def nation_index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.layout.nations)}

    @property
    def warnings(self) -> list[Diagnostic]:
        """Load-time warnings and the author's lints (computed on first use: `tabletop validate` asks, play doesn't)."""
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
        """A state value in words ('Public support at home, Norvald'): `words.variable`, the one place."""
        from .words import variable  # words reads the compiled scenario: imported when first asked

        return variable(self, key)


# Values of state a scenario may hold: far above a real exercise (30 nations and a per-pair variable hold 870),
# far below what the layout, the lints and a simulation can afford.
MAX_STATE_VALUES = 20_000
MAX_INJECTS = 10_000  # injects in a scenario and its libraries (the largest bundled one has about 60)


def content_hash(sources: dict[str, str]) -> str:
    h = hashlib.sha256()
    for key in sorted(sources):
        h.update(key.encode() + b"\0" + sources[key].encode() + b"\0")
    return h.hexdigest()


def file_hashes(sources: dict[str, str]) -> dict[str, str]:
    """Each file's SHA-256: recorded at the start beside `content_hash`, so a copy that no longer matches can
    be told file by file."""
    return {key: hashlib.sha256(text.encode()).hexdigest() for key, text in sources.items()}


class _Compiler(InjectCompiler):
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
        if len(self.loaded.injects) > MAX_INJECTS:
            # 2 MiB holds 68,000 one-line injects: they load, but every check after (the lints sample 400
            # states of which injects were released) grows with them, past any memory a laptop has.
            self.err(main, ("injects",), "too-large", f"the scenario and its libraries hold "
                     f"{len(self.loaded.injects)} injects; the limit is {MAX_INJECTS}", key=True)
            raise ScenarioError(self.diags)
        n = len(nations)
        values = sum(1 if v.per == "global" else n if v.per == "nation" else n * (n - 1) for v in sc.state.values())
        if values > MAX_STATE_VALUES:
            # A per-pair variable has a value for every ordered pair of nations: 3,000 nations in a 74 kB file
            # asked for nine million, and the layout (and every lint after it) ran out of memory.
            self.err(main, ("state",), "too-large", f"the state holds {values} values (a per-nation variable "
                     f"counts once for each nation, a per-pair one for each pair); the limit is {MAX_STATE_VALUES}",
                     key=True)
            raise ScenarioError(self.diags)
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
        outcomes = self.national_outcomes()
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
        sources = {**{k: f.text for k, f in self.loaded.files.items()}, **self.loaded.assets}
        return CompiledScenario(
            model=sc, layout=layout, vars=dict(sc.state), mins=mins, maxs=maxs, ints=ints, start=start,
            injects=injects, endings=endings, nations=nations, orgs=orgs, capabilities=capabilities,
            sources=sources, main=self.loaded.main.key, hash=content_hash(sources),
            start_minutes=self.start_minutes, step_minutes=self.step_minutes,
            load_warnings=[d for d in self.diags if d.severity == "warning"], reads=self.reads, writes=self.writes,
            files=self.loaded.files, outcomes=outcomes,
        )

    def unique(self, src: SourceFile, paths: list[tuple[Any, ...]], ids: list[str], what: str) -> None:
        seen: set[str] = set()
        for path, i in zip(paths, ids, strict=True):
            if i in seen:
                self.err(src, path, "duplicate-id", f"{what} id '{i}' is used twice")
            seen.add(i)

    def check_after(self, injects: dict[str, CInject]) -> None:
        for ci in injects.values():
            if ci.after is None:
                continue
            ref = ci.after[0]
            if ref not in injects:
                msg = f"'after' names unknown inject '{ref}'" + did_you_mean(ref, injects)
                at = self.loaded.files[ci.source].positions.at(_path_of(self.loaded, ci.id, "after"))
                self.diags.append(at.diag("unknown-id", msg))
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

    def national_outcomes(self) -> dict[str, list[CEnding]]:
        """Each nation's own results, compiled like endings but with `self` bound to that nation."""
        main = self.loaded.main
        out: dict[str, list[CEnding]] = {}
        scope = self.scope({}, allow_self=True)
        for i, n in enumerate(self.sc.nations):
            here = ("nations", i, "outcomes")
            self.unique(main, [(*here, j, "id") for j in range(len(n.outcomes))], [o.id for o in n.outcomes],
                        f"{n.id} outcome")
            got: list[CEnding] = []
            for j, o in enumerate(n.outcomes):
                if o.when is None and j != len(n.outcomes) - 1:
                    self.err(main, (*here, j, "id"), "ending", f"outcome '{o.id}' has no 'when', so it must be "
                             f"the last of {n.id}'s outcomes; the ones after it could never be reached")
                fn = self.cond(o.when, main, (*here, j, "when"), scope)
                mark = main.positions.at((*here, j, "when") if o.when else (*here, j, "id"))
                got.append(CEnding(o.id, Ending(id=o.id, title=o.title, text=o.text), fn, False, mark))
            if got:
                out[n.id] = got
        return out


def _path_of(loaded: Loaded, inject_id: str, field_name: str) -> tuple[Any, ...]:
    for li in loaded.injects:
        if li.id == inject_id:
            return (*li.path, field_name)
    return ()


def compile_loaded(loaded: Loaded) -> CompiledScenario:
    return _Compiler(loaded).run()


def load_scenario(path: str | Path, library: Sequence[Path] = ()) -> CompiledScenario:
    """Load a scenario file (and its includes) from disk; ScenarioError lists every problem.

    Includes are read only from the scenario's folder, the `injects/` folders beside it and the `library`
    folders (loader.py says exactly where); the command line passes `resources.library_roots(...)`.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "scenario.yaml"
    display_base = str(p.parent) if str(p.parent) != "." else ""
    return compile_loaded(load(file_reader(p.parent, library, trusted=[p.name]), p.name, display_base))


def load_sources(sources: dict[str, str], main: str) -> CompiledScenario:
    """Load a scenario from the snapshot of files a session stored, so a replay never depends on disk."""
    return compile_loaded(load(dict_reader(sources), main))


def load_with(reader: Reader, main: str, display_base: str = "") -> CompiledScenario:
    return compile_loaded(load(reader, main, display_base))
