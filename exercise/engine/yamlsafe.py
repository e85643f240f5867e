"""Safe YAML reading that remembers where every key and value came from.

libyaml parses (fast, and it keeps marks); we build the Python data from its event stream ourselves so
that we can refuse what a scenario file must never contain: custom tags, duplicate keys, alias bombs,
very deep nesting, and files that are not text at all. Building from events rather than a composed
node tree also keeps deep nesting from ever reaching a recursive C routine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic, Mark, ScenarioError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
# Counted after alias expansion: what a validator would have to walk. It is also what bounds the time a hostile
# 2 MiB file costs (up to ~15 µs a node here: 250,000 empty lists took 4 s; 50,000 take about 0.5 s, which stays
# bounded on a loaded machine). The largest bundled scenario has about 2,000 nodes (50 kB), a library about 400.
MAX_NODES = 50_000

Path = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver: Any = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_BOOL = "tag:yaml.org,2002:bool"
_ALLOWED_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_ALLOWED_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class Positions:
    """Where each value (by its path in the data) and each mapping key starts in the file."""

    file: str
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def at(self, path: Path, *, key: bool = False) -> Mark:
        """The mark for a path, or for its nearest ancestor that has one."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Mark(self.file, 1, 1))


def _mark(file: str, m: Any) -> Mark:
    return Mark(file, m.line + 1, m.column + 1)


def _scalar(ev: Any, file: str) -> Any:
    tag = ev.tag
    if tag is None or tag == "!":
        implicit = ev.implicit[0] and tag is None
        tag = _resolver.resolve(yaml.ScalarNode, ev.value, (True, False)) if implicit else _STR
        # YAML 1.1 reads '6:30' as the base-60 number 390. Keep it as text, as YAML 1.2 does: a clock time
        # then reaches the model as written, and a long '1:1:1:…' can no longer cost quadratic time
        # (a 1 MB one took minutes) or overflow a float.
        base60 = tag in (_INT, _FLOAT) and ":" in ev.value
        # Likewise only 'true' and 'false' are booleans (YAML 1.2): YAML 1.1 also reads yes/no/on/off as
        # booleans, so an option `{id: no, label: No}` or `default: no` failed with "should be a valid string".
        yes_no = tag == _BOOL and ev.value.lower() not in ("true", "false")
        if base60 or yes_no:
            tag = _STR
    elif tag in (_INT, _FLOAT) and ":" in ev.value:
        # The same base-60 form under an explicit '!!int' tag: refused below, never converted.
        raise ScenarioError([_mark(file, ev.start_mark).diag(
            "yaml-value", f"'{_short(ev.value)}' is not a valid {tag.rsplit(':', 1)[-1]}")])
    if tag == _MERGE:
        raise ScenarioError([_mark(file, ev.start_mark).diag(
            "yaml-merge", "merge keys ('<<: *anchor') are not supported in a scenario file: write the fields out")])
    if tag not in _ALLOWED_SCALAR_TAGS:
        if tag == "tag:yaml.org,2002:timestamp":
            return ev.value  # dates stay text: scenario time has its own format
        raise ScenarioError(
            [_mark(file, ev.start_mark).diag("yaml-tag", f"the tag {ev.tag or tag} is not allowed in a scenario file")]
        )
    if tag == _STR:
        return ev.value  # most scalars: no constructor needed
    node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
    try:
        # Call the tag's constructor directly: `construct_object` would also remember every node in the
        # shared constructor's `constructed_objects`, which is only cleared per document by PyYAML's own
        # loader, so this module-level constructor kept every scalar of every file ever loaded.
        return _constructor.yaml_constructors[tag](_constructor, node)
    except (ValueError, KeyError, OverflowError, yaml.YAMLError):
        # An explicit tag on a value that does not fit it ('!!int abc', '!!bool maybe'), or an int with
        # more digits than Python converts (4300): PyYAML raises a bare ValueError/KeyError here.
        kind = tag.rsplit(":", 1)[-1]
        raise ScenarioError([_mark(file, ev.start_mark).diag(
            "yaml-value", f"'{_short(ev.value)}' is not a valid {kind}")]) from None


def _short(value: str) -> str:
    """A scalar as shown in a one-line message: no line breaks, at most 40 characters."""
    flat = " ".join(value.split())
    return flat if len(flat) <= 40 else flat[:40] + "…"


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "path", "weight")

    def __init__(self, container: Any, path: Path, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NOKEY
        self.key_mark: Mark | None = None
        self.anchor = anchor
        self.weight = 1


_NOKEY = object()
_DUPKEY = object()  # the key of a duplicate entry: its value is read (to find more problems) and dropped


def load_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise ScenarioError with a positioned diagnostic on anything unsafe."""
    pos = Positions(file)
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    root: Any = _NOKEY
    total = 0
    documents = 0
    duplicates: list[Diagnostic] = []  # reported together at the end, so one run lists them all

    def place(value: Any, mark: Mark, weight: int, anchor: str | None) -> None:
        nonlocal root, total
        total += weight
        if total > MAX_NODES:
            raise ScenarioError(
                [mark.diag("yaml-size", f"the document expands to more than {MAX_NODES} nodes (an alias bomb?)")]
            )
        if anchor:
            anchors[anchor] = (value, weight)
        if not stack:
            root = value
            pos.values[()] = mark
            return
        top = stack[-1]
        top.weight += weight
        if isinstance(top.container, list):
            path = (*top.path, len(top.container))
            pos.values.setdefault(path, mark)
            top.container.append(value)
            return
        if top.key is _NOKEY:  # this value is a key
            if isinstance(value, (dict, list)):
                raise ScenarioError([mark.diag("yaml-key", "a mapping key must be a plain value")])
            key = value if isinstance(value, str) else str(value)
            if key in top.container:
                first = pos.keys.get((*top.path, key))
                where = f" (first at line {first.line})" if first else ""
                duplicates.append(mark.diag("yaml-duplicate-key", f"duplicate key '{key}'{where}"))
                top.key = _DUPKEY
                return
            top.key = key
            top.key_mark = mark
            pos.keys[(*top.path, key)] = mark
            return
        path = (*top.path, top.key)
        pos.values.setdefault(path, mark)
        if top.key is not _DUPKEY:
            top.container[top.key] = value
        top.key = _NOKEY

    try:
        for ev in yaml.parse(text, Loader=_Loader):
            if isinstance(ev, yaml.ScalarEvent):
                place(_scalar(ev, file), _mark(file, ev.start_mark), 1, ev.anchor)
            elif isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                mark = _mark(file, ev.start_mark)
                if ev.tag not in _ALLOWED_COLLECTION_TAGS:
                    raise ScenarioError([mark.diag("yaml-tag", f"the tag {ev.tag} is not allowed in a scenario file")])
                if len(stack) >= MAX_DEPTH:
                    raise ScenarioError([mark.diag("yaml-depth", f"nesting deeper than {MAX_DEPTH} levels")])
                container: Any = {} if isinstance(ev, yaml.MappingStartEvent) else []
                if stack:
                    top = stack[-1]
                    if isinstance(top.container, dict) and top.key is _NOKEY:
                        raise ScenarioError([mark.diag("yaml-key", "a mapping key must be a plain value")])
                    path = top.path + ((len(top.container),) if isinstance(top.container, list) else (top.key,))
                else:
                    path = ()
                pos.values.setdefault(path, mark)
                stack.append(_Frame(container, path, ev.anchor))
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                # The frame's own start was recorded already; place() must not count it twice.
                mark = pos.values.get(frame.path, Mark(file, 1, 1))
                # Its children were added to `total` as they were placed; `weight` counts them again (so that
                # an alias to this frame costs its whole size). Take them off first, so that a collection adds
                # only itself: before this, every node counted once per level above it, and a plain
                # 100,000-item list three levels down was refused as an alias bomb.
                total -= frame.weight - 1
                place(frame.container, mark, frame.weight, frame.anchor)
            elif isinstance(ev, yaml.AliasEvent):
                mark = _mark(file, ev.start_mark)
                if ev.anchor not in anchors:
                    raise ScenarioError([mark.diag("yaml-alias", f"unknown alias *{ev.anchor}")])
                value, weight = anchors[ev.anchor]
                place(value, mark, weight, None)
            elif isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ScenarioError(
                        [_mark(file, ev.start_mark).diag("yaml-documents", "a scenario file holds one YAML document")]
                    )
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        mark = _mark(file, m) if m is not None else Mark(file, 1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        ctx = f" ({exc.context.strip()})" if exc.context else ""
        # libyaml stops flow nesting ('[[[[…') itself at 1000 levels, before our own depth check sees it.
        code = "yaml-depth" if "nesting depth" in problem else "yaml-syntax"
        raise ScenarioError([mark.diag(code, f"{problem}{ctx}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Mark(file, 1, 1).diag("yaml-syntax", str(exc).splitlines()[0])]) from None
    if duplicates:
        raise ScenarioError(duplicates)
    if root is _NOKEY:
        raise ScenarioError([Mark(file, 1, 1).diag("empty", "the file is empty")])
    return root, pos


def read_text(raw: bytes, file: str) -> str:
    """Bytes to text, refusing what is too big or not UTF-8 text, with the place of the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise ScenarioError(
            [Mark(file, 1, 1).diag("too-large", f"the file is {len(raw)} bytes; the limit is {MAX_BYTES}")]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ScenarioError([Mark(file, line, col).diag("not-text", "the file is not UTF-8 text")]) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise ScenarioError([Mark(file, line, col).diag("not-text", "the file holds binary data (a NUL byte)")])
    if not text.strip():
        raise ScenarioError([Mark(file, 1, 1).diag("empty", "the file is empty")])
    return text


def load_file(raw: bytes, file: str) -> tuple[Any, Positions]:
    return load_yaml(read_text(raw, file), file)
