"""Reading scenario files: YAML to validated models, with includes, and every problem positioned.

A `Reader` maps a key (a path relative to the main file's folder, posix) to bytes. The file system is one
reader (`FileReader`); a session's stored snapshot of the files it played is another (`dict_reader`), so a
session replays exactly, whatever the disk holds now. Keys are the same either way, as they always were.

A scenario is untrusted input (scenarios travel between organisations), so the file reader reads an include
only from these folders, its library roots, checked after every symbolic link is resolved:

1. the scenario's own folder (and everything below it);
2. an `injects/` folder in the scenario's folder, in its parent or in its grandparent: for
   `<workdir>/scenarios/x/scenario.yaml` these are `x/injects`, `<workdir>/scenarios/injects` and
   `<workdir>/injects`, which is where the bundled scenarios find the bundled libraries;
3. the folders given with `--library-path DIR` (repeatable), then those in the environment variable
   `TABLETOP_LIBRARY_PATH` (separated by the system's path separator, ':' on Unix), then the bundled
   `injects/` folder: the caller (the command line, the app) passes these as `library`.

An include path is read relative to the including file; when no file is there, it is looked up in the
`injects/` folders of (2) and the folders of (3), in that order, so `include: [hybrid/grid-cyberattack.yaml]`
finds a library in any of them. Only regular files are read (never a FIFO, a device, a folder or a socket),
each of at most MAX_BYTES, and one load reads at most MAX_INCLUDES includes and MAX_TOTAL_BYTES in all
(a library included twice counts twice: fan-out is what these limits stop). A refused include is reported at
the include line, and nothing of the refused file is read, let alone quoted.
"""

from __future__ import annotations

import os
import posixpath
import re
import types
import typing
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Mark, ScenarioError, did_you_mean
from .models import IncludeSpec, Inject, Library, Scenario
from .safefile import UnsafeFile, read_bounded
from .text import one_line
from .yamlsafe import MAX_BYTES, Positions, load_file

Reader = Callable[[str], bytes]

MAX_INCLUDES = 200  # includes read in one load, every inclusion counted (the bundled scenarios have 1 to 3)
MAX_TOTAL_BYTES = 8 * 1024 * 1024  # the main file and every inclusion together: four files at MAX_BYTES
MAX_PATH_CHARS = 1024  # an include path; a real one is a few dozen characters
# pydantic reports every problem of a file at once; a hostile file can hold hundreds of thousands (an empty
# mapping per line). Past this many, the rest of that file's problems are summed up in one line.
MAX_FIELD_PROBLEMS = 1000
BESIDE = "injects"  # the library folder looked for beside a scenario (see the module's docstring)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_path(path: str) -> str:
    """An include path as a message shows it: its control characters visible, at most 120 characters."""
    text = one_line(path)
    return text if len(text) <= 120 else text[:60] + "…" + text[-59:]


def beside_roots(folder: Path) -> list[Path]:
    """The `injects/` folders that count as a scenario's own libraries: in its folder, its parent, its grandparent."""
    here = Path(os.path.abspath(folder))
    return [d / BESIDE for d in [here, *list(here.parents)[:2]]]


def _inside(real: str, roots: Sequence[str]) -> bool:
    return any(real == r or real.startswith(r if r.endswith(os.sep) else r + os.sep) for r in roots)


class FileReader:
    """Reads keys from the disk, confined to the scenario's folder and the library roots (see the docstring).

    `trusted` keys (the file the user named) are read without the confinement, but bounded all the same.
    """

    def __init__(self, base: Path, library: Sequence[Path] = (), trusted: Collection[str] = ()) -> None:
        self.base = base
        self.trusted = set(trusted)
        beside = [d for d in beside_roots(base) if d.is_dir()]
        extra = [d for d in library if d.is_dir()]
        # Searched in this order for a key not found beside the including file; each as given (for messages).
        self.search: list[Path] = list(dict.fromkeys([*beside, *extra]))
        self.allowed = [os.path.realpath(d) for d in [base, *self.search]]
        self.found: dict[str, str] = {}  # key -> the path it was read from, for messages

    def shown(self, key: str) -> str | None:
        """Where a key was found, when that is not simply beside the main file."""
        return self.found.get(key)

    def __call__(self, key: str) -> bytes:
        if key in self.trusted:
            return read_bounded(self.base / key, MAX_BYTES)
        self._check_shape(key)
        candidates = [self.base / key]
        if not key.startswith("../") and not posixpath.isabs(key):
            candidates += [root / key for root in self.search]
        outside = False
        for n, candidate in enumerate(candidates):
            real = os.path.realpath(candidate)
            if not _inside(real, self.allowed):
                outside = True
                continue
            if not os.path.lexists(real):
                continue
            if n:
                self.found[key] = str(candidate)
            # O_NOFOLLOW: `real` has no symbolic link in it; if its last part has become one since, refuse.
            return read_bounded(real, MAX_BYTES, follow=False)
        if outside:
            raise UnsafeFile("include-outside", f"{shown_path(key)} is outside the scenario's folder and the library "
                             "folders (symbolic links are followed before this is checked); a library elsewhere "
                             "needs --library-path DIR or TABLETOP_LIBRARY_PATH")
        raise FileNotFoundError(key)

    @staticmethod
    def _check_shape(key: str) -> None:
        if len(key) > MAX_PATH_CHARS:
            raise UnsafeFile("include-path", f"the include path is {len(key)} characters long; the limit is "
                             f"{MAX_PATH_CHARS}")
        if _CONTROL.search(key):
            raise UnsafeFile("include-path", f"the include path {shown_path(key)} holds a control character")
        if "\\" in key or re.match(r"^[A-Za-z]:", key):
            raise UnsafeFile("include-path", f"{shown_path(key)}: write include paths with '/', relative to the "
                             "including file (a Windows path is not portable)")
        if not key.lower().endswith((".yaml", ".yml")):
            raise UnsafeFile("include-path", f"{shown_path(key)}: an include names an inject library, a .yaml or "
                             ".yml file")


def file_reader(base: Path, library: Sequence[Path] = (), trusted: Collection[str] = ()) -> FileReader:
    return FileReader(base, library, trusted)


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
    errors = exc.errors(include_url=False, include_input=False)[:MAX_FIELD_PROBLEMS]
    places = [_clean_loc(data, tuple(e["loc"]), e["type"])[0] for e in errors]
    # Every proper prefix of a place: a set, so that the test below is not quadratic in the number of problems.
    above = {q[:n] for q in places for n in range(len(q))}
    for err, path in zip(errors, places, strict=True):
        kind = err["type"]
        if kind not in ("missing", "extra_forbidden") and path in above:
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
    more = exc.error_count() - len(errors)
    if more > 0:
        out.append(pos.at(()).diag("too-many-problems", f"… and {more} more problems with the fields of this file "
                                   f"(the first {MAX_FIELD_PROBLEMS} are listed)"))
    return out


class _Loader:
    def __init__(self, reader: Reader, main_key: str, display_base: str) -> None:
        self.reader = reader
        self.main_key = main_key
        self.display_base = display_base
        self.files: dict[str, SourceFile] = {}
        self.parsed: dict[str, tuple[Any, SourceFile, int]] = {}  # a library included twice is parsed once
        self.diags: list[Diagnostic] = []
        self.injects: list[LoadedInject] = []
        self.reads = 0
        self.bytes = 0
        self.stopped = False  # an include limit was reached: reported once, the rest is not read

    def display(self, key: str) -> str:
        shown = getattr(self.reader, "shown", None)
        found = shown(key) if shown is not None else None
        if found:
            return str(found)
        return posixpath.normpath(posixpath.join(self.display_base, key)) if self.display_base else key

    def read(self, key: str, at: Mark | None) -> tuple[Any, SourceFile] | None:
        if at is not None and self.stopped:
            return None
        if at is not None and self.reads >= MAX_INCLUDES:
            self.stopped = True
            self.diags.append(at.diag("include-limit", f"more than {MAX_INCLUDES} includes in one scenario "
                                      "(every inclusion counts, a library included twice counts twice)"))
            return None
        self.reads += at is not None
        where = at or Mark(self.display(key), 1, 1)
        if key in self.parsed:
            data, src, raw_size = self.parsed[key]
        else:
            try:
                raw = self.reader(key)
            except UnsafeFile as exc:
                self.diags.append(where.diag(exc.code, exc.message if at else f"{shown_path(key)}: {exc.message}"))
                return None
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                self.diags.append(where.diag("include" if at else "file", f"no such file: "
                                             f"{shown_path(self.display(key))}"))
                return None
            except OSError as exc:
                self.diags.append(where.diag("include" if at else "file", f"cannot read "
                                             f"{shown_path(self.display(key))}: {exc.strerror or exc}"))
                return None
            raw_size = len(raw)
            display = self.display(key)
            try:
                data, positions = load_file(raw, display)
            except ScenarioError as exc:
                self.diags.extend(exc.diagnostics)
                return None
            src = SourceFile(key, display, raw.decode("utf-8-sig"), positions)
            self.parsed[key] = (data, src, raw_size)
        self.bytes += raw_size
        if at is not None and self.bytes > MAX_TOTAL_BYTES:
            self.stopped = True
            self.diags.append(at.diag("include-limit", f"the scenario and its includes come to more than "
                                      f"{MAX_TOTAL_BYTES} bytes (every inclusion counts)"))
            return None
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
