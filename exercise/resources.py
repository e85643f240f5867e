"""Where the bundled scenarios, inject libraries and report templates live, installed or not.

In a wheel they sit inside the package (`exercise/_data/...`, mapped by hatchling); in a checkout
(an editable install, the tests) they sit at the top of the repository, as the design card asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .engine.timefmt import parse_duration_minutes


def data_dir(name: str) -> Path:
    packaged = Path(str(resources.files("exercise"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


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

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "path": str(self.path), "summary": self.summary,
                "nations": self.nations, "organisations": self.organisations, "turns": self.turns,
                "duration": self.duration, "source": self.source}


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


@lru_cache(maxsize=256)
def _header(path: str, mtime_ns: int, size: int) -> Any:
    """The top of a scenario file, up to its first long section (injects, state, endings ...): a listing
    needs only the header, and parsing 50 injects per file made the launcher slow to appear."""
    text = Path(path).read_text(encoding="utf-8")
    cut = _BODY.search(text)
    head = text[: cut.start()] if cut else text
    try:
        return yaml.load(head, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def peek(path: Path, source: str) -> ScenarioInfo | None:
    """The header of a scenario file, read cheaply for listings; None when it is not a scenario."""
    try:
        if path.stat().st_size > 2 * 1024 * 1024:
            return None
        stat = path.stat()
        data = _header(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or "ttx" not in data or not isinstance(data.get("id"), str):
        return None
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
    return [s for s in _scan(folder, "local", 2) if bundled not in s.path.resolve().parents]


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
        if info.id == ref:
            return info.path
    return None
