"""Reading scenario files: YAML to validated models, with includes, and every problem positioned.

A `Reader` maps a key (a path relative to the main file's folder, posix) to bytes. The file system is one
reader (`FileReader`); a session's stored snapshot of the files it played is another (`dict_reader`), so a
session replays exactly, whatever the disk holds now. Keys are the same either way, as they always were.

A scenario is untrusted input (scenarios travel between organisations), so the file reader reads an include
only from these folders, its library roots, checked after every symbolic link is resolved:

1. the scenario's own folder (and everything below it);
2. an `injects/` folder (a folder, not a link to one) in the scenario's folder, its parent or its grandparent: for
   `<workdir>/scenarios/x/scenario.yaml` these are `x/injects`, `<workdir>/scenarios/injects` and
   `<workdir>/injects`, which is where the bundled scenarios find the bundled libraries;
3. the folders given with `--library-path DIR` (repeatable), then those in the environment variable
   `TABLETOP_LIBRARY_PATH` (separated by the system's path separator, ':' on Unix), then the bundled
   `injects/` folder: the caller (the command line, the app) passes these as `library`.

An include path is read relative to the including file; when no file is there, it is looked up in the
`injects/` folders of (2) and the folders of (3), in that order, so `include: [hybrid/grid-cyberattack.yaml]`
finds a library in any of them. An include path is a relative or absolute POSIX path to a .yaml or .yml file
of at most 1024 characters, with no control characters and no backslashes. Only regular files are read
(never a FIFO, a device, a folder or a socket), each of at most MAX_BYTES (2 MiB), and one load reads at most
MAX_INCLUDES (200) includes and MAX_TOTAL_BYTES (4 MiB, the main file included) in all: a library included
twice counts twice, since fan-out is what these limits stop. A refused include is reported at the include
line, and nothing of the refused file is read, let alone quoted.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Mark, ScenarioError
from .models import IncludeSpec, Inject, Library, Scenario
from .region_map import MAX_MAP_BYTES, check_svg, map_key, path_problem
from .safefile import UnsafeFile, read_bounded
from .text import visible
from .validate import pydantic_diagnostics, validate_bounded
from .yamlsafe import MAX_BYTES, Positions, load_file

__all__ = [
    "FileReader",
    "Loaded",
    "LoadedInject",
    "Reader",
    "SourceFile",
    "dict_reader",
    "file_reader",
    "load",
    "pydantic_diagnostics",
]

Reader = Callable[[str], bytes]

MAX_INCLUDES = 200  # includes read in one load, every inclusion counted (the bundled scenarios have 1 to 3)
# The main file and every inclusion together: two files at MAX_BYTES. Reading a file costs up to ~80 bytes of
# memory for each of its bytes (a 2 MiB file of one-item lists), so this bounds a load to a few hundred MB.
MAX_TOTAL_BYTES = 4 * 1024 * 1024
MAX_PATH_CHARS = 1024  # an include path; a real one is a few dozen characters
BESIDE = "injects"  # the library folder looked for beside a scenario (see the module's docstring)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_path(path: str) -> str:
    """An include path as a message shows it: its control characters visible, at most 120 characters."""
    text = visible(path).replace("\n", "\u2424")  # a line break as its picture, as every other control
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
        # An `injects/` folder that is itself a link is no root: a scenario sent with `injects -> /` beside it
        # would otherwise make every file on the disk a library. A link inside a real one is checked as any.
        beside = [d for d in beside_roots(base) if d.is_dir() and not d.is_symlink()]
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

    def asset(self, key: str) -> bytes:
        """A file the scenario names that is no library (its map): from the scenario's own folder only, after
        every symbolic link is resolved, never from a library root."""
        real = os.path.realpath(self.base / key)
        if not _inside(real, [os.path.realpath(self.base)]):
            raise UnsafeFile("map-outside", f"{shown_path(key)} is outside the scenario's folder (symbolic links "
                             "are followed before this is checked)")
        if not os.path.lexists(real):
            raise FileNotFoundError(key)
        return read_bounded(real, MAX_MAP_BYTES, follow=False)

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
    words: dict[str, str] = field(default_factory=dict)  # text parameters (`names:`) bound to their words


@dataclass
class Loaded:
    scenario: Scenario
    main: SourceFile
    files: dict[str, SourceFile]
    injects: list[LoadedInject]
    diagnostics: list[Diagnostic]
    assets: dict[str, str] = field(default_factory=dict)  # files named by the scenario that are no YAML (its map)


class _Loader:
    def __init__(self, reader: Reader, main_key: str, display_base: str) -> None:
        self.reader = reader
        self.main_key = main_key
        self.display_base = display_base
        self.files: dict[str, SourceFile] = {}
        # A library included twice is read, parsed and validated once; its data is not kept, only its model.
        self.libraries: dict[str, tuple[Library | None, SourceFile, int]] = {}
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

    def read(self, key: str, at: Mark | None) -> tuple[Any, SourceFile, int] | None:
        """A file's data, its source and its size in bytes; None (with a diagnostic) when it cannot be read."""
        where = at or Mark(self.display(key), 1, 1)
        try:
            raw = self.reader(key)
        except UnsafeFile as exc:
            self.diags.append(where.diag(exc.code, exc.message))
            return None
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            self.diags.append(where.diag("include" if at else "file", f"no such file: "
                                         f"{shown_path(self.display(key))}"))
            return None
        except OSError as exc:
            self.diags.append(where.diag("include" if at else "file", f"cannot read "
                                         f"{shown_path(self.display(key))}: {exc.strerror or exc}"))
            return None
        if at is not None and self.bytes + len(raw) > MAX_TOTAL_BYTES:
            self.stopped = True
            self.diags.append(at.diag("include-limit", f"the scenario and its includes come to more than "
                                      f"{MAX_TOTAL_BYTES} bytes (every inclusion counts)"))
            return None
        display = self.display(key)
        try:
            data, positions = load_file(raw, display)
        except ScenarioError as exc:
            self.diags.extend(exc.diagnostics)
            return None
        src = SourceFile(key, display, raw.decode("utf-8-sig"), positions)
        self.files[key] = src
        self.bytes += len(raw)
        return data, src, len(raw)

    def library(self, key: str, at: Mark) -> tuple[Library, SourceFile] | None:
        """An included library, counted against the include limits every time it is included."""
        if self.stopped:
            return None
        if self.reads >= MAX_INCLUDES:
            self.stopped = True
            self.diags.append(at.diag("include-limit", f"more than {MAX_INCLUDES} includes in one scenario "
                                      "(every inclusion counts, a library included twice counts twice)"))
            return None
        self.reads += 1
        if key in self.libraries:
            lib, src, size = self.libraries[key]
            self.bytes += size
        else:
            got = self.read(key, at)
            if got is None:
                return None
            data, src, size = got
            lib = self.validate(data, src, Library)
            self.libraries[key] = (lib, src, size)
        if self.bytes > MAX_TOTAL_BYTES:
            self.stopped = True
            self.diags.append(at.diag("include-limit", f"the scenario and its includes come to more than "
                                      f"{MAX_TOTAL_BYTES} bytes (every inclusion counts)"))
            return None
        return (lib, src) if lib is not None else None

    def validate(self, data: Any, src: SourceFile, cls: type[BaseModel]) -> Any:
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            # where the value starts (not always 1:1: a file may open with comments)
            self.diags.append(src.positions.at(()).diag("type", f"expected a mapping of fields, found {kind}"))
            return None
        model, problems = validate_bounded(cls, data, src.positions)
        # Keep going with what is valid, so one run reports problems in every included file.
        self.diags.extend(problems)
        return model

    def includes(self, items: list[str | IncludeSpec] | list[str | IncludeSpec | None], src: SourceFile,
                 chain: tuple[str, ...], params: dict[str, str], prefix: str,
                 words: dict[str, str] | None = None) -> None:
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
            got = self.library(key, mark)
            if got is None:
                continue
            lib, lib_src = got
            # A library's parameters are bound to nations by the including file (`with:`),
            # or passed through from an outer binding.
            bound: dict[str, str] = {}
            texts: dict[str, str] = {}
            for name, value in spec.with_.items():
                if name in lib.names:  # a text parameter: words, or an outer library's text passed through
                    texts[name] = (words or {}).get(value, value)
                    continue
                if name not in lib.params:
                    # at the misspelt name itself when the item is a mapping
                    at = src.positions.at(("include", i, "with", name), key=True)
                    self.diags.append(at.diag("include-param", f"{lib_src.display} has no parameter '{name}'"
                                                f" (it takes: {', '.join([*lib.params, *lib.names]) or 'none'})"))
                bound[name] = params.get(value, value)
            for name in lib.params:
                if name not in bound:
                    self.diags.append(mark.diag("include-param", f"parameter '{name}' of {lib_src.display} is not bound"
                                                f" (add with: {{{name}: <nation id>}})"))
            for name, about in lib.names.items():
                if name not in texts:
                    self.diags.append(mark.diag("include-param", f"text parameter '{name}' of {lib_src.display} is "
                                                f"not bound (add with: {{{name}: <words>}}; it stands for {about})"))
            self.includes(lib.include, lib_src, (*chain, key), bound, prefix + spec.prefix, texts)
            for j, inj in enumerate(lib.injects):
                if spec.objective is not None and inj.objective is None:
                    inj = inj.model_copy(update={"objective": spec.objective})
                self.injects.append(LoadedInject(inj, prefix + spec.prefix + inj.id, lib_src, ("injects", j),
                                                 bound, prefix + spec.prefix, texts))


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
    data, main, _ = got
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
    assets = _region_map(loader, scenario, main)
    own = [LoadedInject(inj, inj.id, main, ("injects", j)) for j, inj in enumerate(scenario.injects)]
    return Loaded(scenario, main, loader.files, [*loader.injects, *own], list(dict.fromkeys(loader.diags)), assets)


def _region_map(loader: _Loader, scenario: Scenario, main: SourceFile) -> dict[str, str]:
    """The scenario's map picture, read from its own folder and checked (region_map.py says what is refused);
    kept with the scenario's files, so a session stores the picture it was played with."""
    image = scenario.region_map.image if scenario.region_map is not None else None
    if image is None:
        return {}
    at = main.positions.at(("map", "image"))
    problem = path_problem(image)
    if problem is not None:
        loader.diags.append(at.diag("map", problem))
        return {}
    key = map_key(image, main.key)
    asset = getattr(loader.reader, "asset", None)
    try:
        raw = asset(key) if asset is not None else loader.reader(key)
    except UnsafeFile as exc:
        loader.diags.append(at.diag(exc.code if exc.code.startswith("map") else "map", exc.message))
        return {}
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        loader.diags.append(at.diag("map", f"no such file: {shown_path(loader.display(key))}"))
        return {}
    except OSError as exc:
        loader.diags.append(at.diag("map", f"cannot read {shown_path(loader.display(key))}: {exc.strerror or exc}"))
        return {}
    if len(raw) > MAX_MAP_BYTES:  # a stored copy is not read through read_bounded
        loader.diags.append(at.diag("map", f"the map is {len(raw)} bytes; the limit is {MAX_MAP_BYTES}"))
        return {}
    text, problems = check_svg(raw)
    shown = loader.display(key)
    loader.diags.extend(Mark(shown, p.line, p.col).diag("map", p.message) for p in problems)
    return {} if problems else {key: text}
