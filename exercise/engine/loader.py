"""Reading scenario files: YAML to validated models, with includes, and every problem positioned.

A `Reader` maps a path relative to the main file's folder to bytes. The file system is one reader;
a session's stored snapshot of the files it played is another, so a session replays exactly.
"""

from __future__ import annotations

import posixpath
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Mark, ScenarioError, did_you_mean
from .models import IncludeSpec, Inject, Library, Scenario
from .yamlsafe import Positions, load_file

Reader = Callable[[str], bytes]


def file_reader(base: Path) -> Reader:
    def read(rel: str) -> bytes:
        return (base / rel).read_bytes()

    return read


def dict_reader(sources: dict[str, str]) -> Reader:
    def read(rel: str) -> bytes:
        if rel not in sources:
            raise FileNotFoundError(rel)
        return sources[rel].encode("utf-8")

    return read


@dataclass
class SourceFile:
    key: str  # path relative to the main file's folder (posix), as stored in a session
    display: str  # what error messages show
    text: str
    positions: Positions


@dataclass
class LoadedInject:
    """An inject as written, with where it came from and how its library was bound."""

    model: Inject
    id: str
    file: SourceFile
    path: tuple[str | int, ...]  # where in that file
    params: dict[str, str] = field(default_factory=dict)
    prefix: str = ""


@dataclass
class Loaded:
    scenario: Scenario
    main: SourceFile
    files: dict[str, SourceFile]
    injects: list[LoadedInject]
    diagnostics: list[Diagnostic]


def _field_names(cls: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in cls.model_fields.items()]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation may hold (through list, dict, Optional, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, dict, typing.Union, types.UnionType) or origin is not None:
        for arg in typing.get_args(annotation):
            out.extend(_models_in(arg))
    return out


def _model_at(root: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    """Which model class owns the mapping at `path` (for 'did you mean' on unknown fields)."""
    current: list[type[BaseModel]] = [root]
    for seg in path:
        if isinstance(seg, int):
            continue
        nxt: list[type[BaseModel]] = []
        for cls in current:
            for name, f in cls.model_fields.items():
                if seg in (name, f.alias):
                    nxt.extend(_models_in(f.annotation))
        if not nxt:
            # a dict key (e.g. a state variable's name): stay with the value models of that dict
            continue
        current = nxt
    return current[0] if current else None


def _clean_loc(data: Any, loc: tuple[Any, ...], kind: str = "") -> tuple[tuple[Any, ...], Any]:
    """Drop the union-branch names pydantic puts into a location, keeping real keys and indexes."""
    path: list[Any] = []
    node = data
    for i, seg in enumerate(loc):
        in_dict = isinstance(node, dict) and seg in node
        if in_dict or (isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)):
            path.append(seg)
            node = node[seg]
        elif kind == "missing" and i == len(loc) - 1 and isinstance(node, dict) and isinstance(seg, str):
            path.append(seg)  # the missing key
            node = None
        # Anything else is a union branch ('str', 'IncludeSpec', 'list[str]'): not a place in the file.
        # (Before, a branch name without brackets was kept as if it were a key: an include item with a
        # typo in it gave "unknown field 'IncludeSpec'" and "include.0.str: Input should be a valid string".)
    return tuple(path), node


def pydantic_diagnostics(exc: ValidationError, data: Any, pos: Positions, root: type[BaseModel]) -> list[Diagnostic]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Diagnostic] = []
    errors = exc.errors()
    places = [_clean_loc(data, tuple(e["loc"]), e["type"])[0] for e in errors]
    for err, path in zip(errors, places, strict=True):
        kind = err["type"]
        if kind not in ("missing", "extra_forbidden") and any(len(q) > len(path) and q[:len(path)] == path
                                                               for q in places):
            # A union branch that failed on type ('Input should be a valid string') while another branch
            # found a deeper problem (a misspelt field): the deeper one is what the author needs.
            continue
        if kind == "extra_forbidden":
            name = str(path[-1]) if path else "?"
            owner = _model_at(root, path[:-1])
            hint = did_you_mean(name, _field_names(owner)) if owner is not None else ""
            mark = pos.at(path, key=True)
            diag = mark.diag("unknown-field", f"unknown field '{name}'{hint}")
        elif kind == "missing":
            name = str(path[-1]) if path else "?"
            diag = pos.at(path[:-1]).diag("missing-field", f"missing required field '{name}'")
        else:
            where = ".".join(str(p) for p in path) or "the file"
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
            code = "type" if kind.endswith("_type") or kind.endswith("_parsing") else "value"
            diag = pos.at(path).diag(code, f"{where}: {msg}")
        if path in seen and kind != "extra_forbidden":
            continue  # one message per place: a union reports each branch otherwise
        seen.add(path)
        out.append(diag)
    return out


class _Loader:
    def __init__(self, reader: Reader, main_key: str, display_base: str) -> None:
        self.reader = reader
        self.main_key = main_key
        self.display_base = display_base
        self.files: dict[str, SourceFile] = {}
        self.diags: list[Diagnostic] = []
        self.injects: list[LoadedInject] = []

    def display(self, key: str) -> str:
        return posixpath.normpath(posixpath.join(self.display_base, key)) if self.display_base else key

    def read(self, key: str, at: Mark | None) -> tuple[Any, SourceFile] | None:
        display = self.display(key)
        try:
            raw = self.reader(key)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            where = at or Mark(display, 1, 1)
            self.diags.append(where.diag("include" if at else "file", f"no such file: {display}"))
            return None
        except OSError as exc:
            where = at or Mark(display, 1, 1)
            self.diags.append(where.diag("file", f"cannot read {display}: {exc.strerror}"))
            return None
        try:
            data, positions = load_file(raw, display)
        except ScenarioError as exc:
            self.diags.extend(exc.diagnostics)
            return None
        src = SourceFile(key, display, raw.decode("utf-8-sig"), positions)
        self.files[key] = src
        return data, src

    def validate(self, data: Any, src: SourceFile, cls: type[BaseModel]) -> Any:
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            # where the value starts (not always 1:1: a file may open with comments)
            self.diags.append(src.positions.at(()).diag("type", f"expected a mapping of fields, found {kind}"))
            return None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            self.diags.extend(pydantic_diagnostics(exc, data, src.positions, cls))
            # Keep going with what is valid, so one run reports problems in every included file.
            return None

    def includes(self, items: list[str | IncludeSpec] | list[str | IncludeSpec | None], src: SourceFile,
                 chain: tuple[str, ...], params: dict[str, str], prefix: str) -> None:
        for i, item in enumerate(items):
            if item is None:
                continue
            spec = item if isinstance(item, IncludeSpec) else IncludeSpec(path=item)
            mark = src.positions.at(("include", i))
            key = posixpath.normpath(posixpath.join(posixpath.dirname(src.key), spec.path))
            if key in chain:
                cycle = " -> ".join([*(self.display(k) for k in chain), self.display(key)])
                self.diags.append(mark.diag("include-cycle", f"include cycle: {cycle}"))
                continue
            got = self.read(key, mark)
            if got is None:
                continue
            data, lib_src = got
            lib = self.validate(data, lib_src, Library)
            if lib is None:
                continue
            # A library's parameters are bound to nations by the including file (`with:`),
            # or passed through from an outer binding.
            bound: dict[str, str] = {}
            for name, value in spec.with_.items():
                if name not in lib.params:
                    # at the misspelt name itself when the item is a mapping
                    at = src.positions.at(("include", i, "with", name), key=True)
                    self.diags.append(at.diag("include-param", f"{lib_src.display} has no parameter '{name}'"
                                                f" (it takes: {', '.join(lib.params) or 'none'})"))
                bound[name] = params.get(value, value)
            for name in lib.params:
                if name not in bound:
                    self.diags.append(mark.diag("include-param", f"parameter '{name}' of {lib_src.display} is not bound"
                                                f" (add with: {{{name}: <nation id>}})"))
            self.includes(lib.include, lib_src, (*chain, key), bound, prefix + spec.prefix)
            for j, inj in enumerate(lib.injects):
                if spec.objective is not None and inj.objective is None:
                    inj = inj.model_copy(update={"objective": spec.objective})
                self.injects.append(LoadedInject(inj, prefix + spec.prefix + inj.id, lib_src, ("injects", j),
                                                 bound, prefix + spec.prefix))


def load(reader: Reader, main_key: str, display_base: str = "") -> Loaded:
    """Read and validate a scenario and its includes; raise ScenarioError listing every problem."""
    loader = _Loader(reader, main_key, display_base)
    try:
        return _load(loader, main_key)
    except ScenarioError as exc:
        # A library included twice (with two prefixes) is read and checked twice: report its problems once.
        raise ScenarioError(list(dict.fromkeys(exc.diagnostics))) from None


def _load(loader: _Loader, main_key: str) -> Loaded:
    got = loader.read(main_key, None)
    if got is None:
        raise ScenarioError(loader.diags)
    data, main = got
    if isinstance(data, dict) and "ttx-library" in data and "ttx" not in data:
        loader.diags.append(Mark(main.display, 1, 1).diag(
            "library", "this is an inject library, not a scenario: include it from a scenario to use it"))
        raise ScenarioError(loader.diags)
    scenario = loader.validate(data, main, Scenario)
    if scenario is None:
        # Still read the includes we can find, so their problems are reported in the same run.
        if isinstance(data, dict) and isinstance(data.get("include"), list):
            # Keep each item's `with:` and `prefix` (rebuilding it from `path` alone reported every library
            # parameter as unbound); an item that is itself invalid was reported above and is skipped.
            # Items keep their index, so positions still point at the right one.
            items: list[str | IncludeSpec | None] = []
            for x in data["include"]:
                try:
                    items.append(x if isinstance(x, str) else IncludeSpec.model_validate(x))
                except ValidationError:
                    items.append(None)
            loader.includes(items, main, (main_key,), {}, "")
        raise ScenarioError(loader.diags)
    loader.includes(scenario.include, main, (main_key,), {}, "")
    own = [LoadedInject(inj, inj.id, main, ("injects", j)) for j, inj in enumerate(scenario.injects)]
    return Loaded(scenario, main, loader.files, [*loader.injects, *own], list(dict.fromkeys(loader.diags)))
