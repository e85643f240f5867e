"""Where the bundled scenarios, inject libraries and report templates live, installed or not.

In a wheel they sit inside the package (`exercise/_data/...`, mapped by hatchling); in a checkout
(an editable install, the tests) they sit at the top of the repository, as the design card asks.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .engine.diagnostics import Diagnostic, Mark, ScenarioError
from .engine.safefile import UnsafeFile, read_bounded
from .engine.timefmt import parse_duration_minutes
from .engine.yamlsafe import MAX_BYTES, load_yaml, read_text

LIBRARY_PATH_VARIABLE = "TABLETOP_LIBRARY_PATH"


def data_dir(name: str) -> Path:
    packaged = Path(str(resources.files("exercise"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def library_roots(extra: Sequence[Path] = (), environ: dict[str, str] | None = None) -> list[Path]:
    """The folders a scenario may include libraries from besides its own (see engine/loader.py), in the order
    they are searched: `--library-path` folders, then TABLETOP_LIBRARY_PATH's (os.pathsep-separated), then
    the bundled libraries."""
    env = os.environ if environ is None else environ
    listed = [Path(p) for p in env.get(LIBRARY_PATH_VARIABLE, "").split(os.pathsep) if p.strip()]
    return [*extra, *listed, data_dir("injects")]


@dataclass
class ScenarioInfo:
    id: str
    title: str
    path: Path
    summary: str = ""
    nations: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    turns: int = 0
    duration: str = ""
    source: str = "bundled"  # or 'local'
    problem: Diagnostic | None = None  # a file that looks like a scenario but cannot be read: why

    @property
    def error(self) -> str | None:
        """The problem as one `file:line:col: error[code]: message` line, or None for a readable scenario."""
        if self.problem is None:
            return None
        return str(self.problem).replace("\r", "\\r").replace("\n", "\\n")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id if self.problem is None else None, "title": self.title, "path": str(self.path),
                "summary": self.summary, "nations": self.nations, "organisations": self.organisations,
                "turns": self.turns, "duration": self.duration, "source": self.source, "error": self.error}


def _estimate(turns: int, data: dict[str, Any]) -> str:
    """A stated duration, else a rough one: about 20 minutes of discussion per turn."""
    stated = data.get("duration")
    if isinstance(stated, str) and parse_duration_minutes(stated):
        return stated
    minutes = turns * 20
    return f"~{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"~{minutes}m"


def _items(value: Any) -> list[Any]:
    """A list from a field that should be one; a listing must not fail on a malformed file."""
    return value if isinstance(value, list) else []


_BODY = re.compile(r"^(injects|endings|tests|include|state)\s*:", re.MULTILINE)
_SCENARIO_KEY = re.compile(rb"^ttx\s*:", re.MULTILINE)
_SNIFF = 64 * 1024  # how much of an over-large file is read to see whether it claims to be a scenario


@lru_cache(maxsize=256)
def _header(path: str, mtime_ns: int, size: int, named: bool) -> Any | Diagnostic | None:
    """The top of a scenario file, up to its first long section (injects, state, endings ...): a listing needs
    only the header, and parsing 50 injects per file made the launcher slow to appear. Read through the one
    bounded path (engine/safefile.py, engine/yamlsafe.py); a Diagnostic when the file cannot be read, None when
    it is plainly not a scenario (a `*.yaml` with no `ttx:` line; `named` files, scenario.yaml, always count)."""
    try:
        raw = read_bounded(path, MAX_BYTES)
    except UnsafeFile as exc:
        if exc.code == "too-large" and not named:
            try:
                if not _SCENARIO_KEY.search(read_bounded(path, _SNIFF, head=True)):
                    return None
            except (UnsafeFile, OSError):
                pass
        return Mark(path, 1, 1).diag(exc.code, exc.message)
    except OSError as exc:
        return Mark(path, 1, 1).diag("file", f"cannot read the file: {exc.strerror or exc}")
    if not named and not _SCENARIO_KEY.search(raw):
        return None
    try:
        text = read_text(raw, path)
    except ScenarioError as exc:
        return exc.diagnostics[0]
    cut = _BODY.search(text)
    try:
        return load_yaml(text[: cut.start()] if cut else text, path)[0]
    except ScenarioError:
        pass  # the cut may fall inside a value: read the whole file, and report what is wrong with that
    try:
        return load_yaml(text, path)[0]
    except ScenarioError as exc:
        return exc.diagnostics[0]


def _broken(path: Path, source: str, problem: Diagnostic) -> ScenarioInfo:
    return ScenarioInfo(id="", title=path.name, path=path, source=source, problem=problem)


def peek(path: Path, source: str) -> ScenarioInfo | None:
    """The header of a scenario file, read cheaply for listings; None when it is not a scenario.

    A file that may be one (a scenario.yaml, or a `*.yaml` with a `ttx:` line, or one that cannot be read to
    tell) but does not read as one is returned with its problem, so a listing can show it rather than hide it.
    """
    named = path.name == "scenario.yaml"
    try:
        info = os.stat(path)
    except OSError as exc:
        return _broken(path, source, Mark(str(path), 1, 1).diag("file", f"cannot read the file: {exc.strerror}"))
    if stat.S_ISDIR(info.st_mode):
        return None  # a folder named x.yaml is no file at all, let alone a scenario
    data = _header(str(path), info.st_mtime_ns, info.st_size, named)
    if data is None:
        return None
    if isinstance(data, Diagnostic):
        return _broken(path, source, data)
    if not isinstance(data, dict) or "ttx" not in data:
        if not named or (isinstance(data, dict) and "ttx-library" in data):
            return None  # some other YAML file, or an inject library
        return _broken(path, source, Mark(str(path), 1, 1).diag("type", "not a scenario: no 'ttx: 1' at the top"))
    if not isinstance(data.get("id"), str):
        return _broken(path, source, Mark(str(path), 1, 1).diag("missing-field", "the scenario has no 'id'"))
    clock: dict[str, Any] = data["clock"] if isinstance(data.get("clock"), dict) else {}
    turns = clock.get("turns", 8) if isinstance(clock.get("turns", 8), int) else 0
    nations = [str(n.get("name", n.get("id", "?"))) for n in _items(data.get("nations")) if isinstance(n, dict)]
    orgs = [str(o.get("name", o.get("id", "?"))) for o in _items(data.get("organisations")) if isinstance(o, dict)]
    return ScenarioInfo(id=data["id"], title=str(data.get("title", data["id"])), path=path,
                        summary=str(data.get("summary", "")).strip(), nations=nations, organisations=orgs,
                        turns=turns, duration=_estimate(turns, data), source=source)


def _scan(folder: Path, source: str, depth: int) -> list[ScenarioInfo]:
    out: list[ScenarioInfo] = []
    if not folder.is_dir():
        return out
    candidates = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*/scenario.yaml"))
    if depth > 1:
        candidates += sorted(folder.glob("*/*/scenario.yaml"))
    for path in candidates:
        info = peek(path, source)
        if info is not None:
            out.append(info)
    return out


def bundled_scenarios() -> list[ScenarioInfo]:
    # The tutorial first: it is where a newcomer should start.
    return sorted(_scan(data_dir("scenarios"), "bundled", 1), key=lambda s: (s.id != "tutorial", s.title))


def local_scenarios(folder: Path | None = None) -> list[ScenarioInfo]:
    folder = folder or Path.cwd()
    bundled = data_dir("scenarios").resolve()
    # os.path.realpath, not Path.resolve: a link that loops (x.yaml -> x.yaml) made resolve() raise.
    return [s for s in _scan(folder, "local", 2) if bundled not in Path(os.path.realpath(s.path)).parents]


def all_scenarios(folder: Path | None = None) -> list[ScenarioInfo]:
    return bundled_scenarios() + local_scenarios(folder)


def find_scenario(ref: str, folder: Path | None = None) -> Path | None:
    """A path to a scenario file from a path, a folder holding scenario.yaml, or a scenario id."""
    p = Path(ref)
    if p.is_file():
        return p
    if p.is_dir() and (p / "scenario.yaml").is_file():
        return p / "scenario.yaml"
    for info in all_scenarios(folder):
        if info.problem is None and info.id == ref:
            return info.path
    return None
