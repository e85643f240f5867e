"""Safe YAML reading that remembers where every key and value came from.

libyaml parses (fast, and it keeps marks); we build the Python data from its event stream ourselves so
that we can refuse what a scenario file must never contain: custom tags, duplicate keys, alias bombs,
very deep nesting, and files that are not text at all. Building from events rather than a composed
node tree also keeps deep nesting from ever reaching a recursive C routine.
"""

from __future__ import annotations

import math
from array import array
from pathlib import Path as FilePath
from typing import Any

import yaml

from .diagnostics import Diagnostic, Mark, ScenarioError
from .positions import COLUMN_BITS, KEY_SHIFT, Path, Positions, Spot, at_spot
from .safefile import UnsafeFile, read_bounded

__all__ = ["MAX_ALIAS_NODES", "MAX_BYTES", "MAX_DEPTH", "Path", "Positions", "load_file", "load_path", "load_yaml",
           "read_path", "read_text"]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
# What aliases may add to a document: the nodes each alias stands for, counted where it is used (an alias to a
# list of aliases costs all they stand for). A plain document is bounded by MAX_BYTES alone: its cost grows
# with its size, whereas 1 kB of nested aliases expands to a billion nodes. Scenarios use aliases sparingly
# (a shared effects mapping, a repeated list of nations), far below this.
MAX_ALIAS_NODES = 50_000
_MAX_INT_BITS = 14_000  # an int Python can still print (4,300 decimal digits), whatever base it was written in

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
# The characters a plain scalar that is not a string can begin with: any other plain scalar is a string, with
# no regular expression tried (most scalars in a scenario are words).
_MAYBE_TYPED = frozenset(k for k in _resolver.yaml_implicit_resolvers if k)


def _mark(file: str, m: Any) -> Mark:
    return Mark(file, m.line + 1, m.column + 1)


def _scalar(ev: Any, file: str) -> Any:
    tag = ev.tag
    if tag is None or tag == "!":
        value = ev.value
        if not (ev.implicit[0] and tag is None):
            return value  # quoted, or a block: text
        if value and value[0] not in _MAYBE_TYPED:
            return value
        tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STR:
            return value
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
        return ev.value
    if tag == _FLOAT:
        return _float(ev, file)
    if tag == _INT and ev.value.isdigit() and ev.value.isascii() and (ev.value[0] != "0" or ev.value == "0"):
        try:
            return int(ev.value)  # the common case, without building a node for the constructor
        except ValueError:  # more digits than Python converts (4300)
            raise ScenarioError([_mark(file, ev.start_mark).diag(
                "yaml-value", f"'{_short(ev.value)}' is not a valid int")]) from None
    node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
    try:
        # Call the tag's constructor directly: `construct_object` would also remember every node in the
        # shared constructor's `constructed_objects`, which is only cleared per document by PyYAML's own
        # loader, so this module-level constructor kept every scalar of every file ever loaded.
        value = _constructor.yaml_constructors[tag](_constructor, node)
        if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
            # 0x or 0b with thousands of digits: read without the decimal digit limit, but then no message,
            # key or report could print it (str() raised ValueError: an internal error, not a message).
            raise ValueError
        return value
    except (ValueError, KeyError, OverflowError, yaml.YAMLError):
        # An explicit tag on a value that does not fit it ('!!int abc', '!!bool maybe'), or an int with
        # more digits than Python converts (4300): PyYAML raises a bare ValueError/KeyError here.
        kind = tag.rsplit(":", 1)[-1]
        raise ScenarioError([_mark(file, ev.start_mark).diag(
            "yaml-value", f"'{_short(ev.value)}' is not a valid {kind}")]) from None


def _float(ev: Any, file: str) -> float:
    """A float as YAML writes it, refused when it is not finite: .nan, .inf, or a literal past the float range
    (1.0e+999). Nothing in a scenario is measured in infinities, and one that got through compared false
    with everything (NaN) or broke the arithmetic of the bots and the reports later, far from its line."""
    text = ev.value.replace("_", "")
    bare = text.lower().lstrip("+-")
    try:
        value = math.inf if bare in (".inf", ".nan") else float(text)
    except ValueError:
        raise ScenarioError([_mark(file, ev.start_mark).diag(
            "yaml-value", f"'{_short(ev.value)}' is not a valid float")]) from None
    if not math.isfinite(value):
        raise _NotFinite(_mark(file, ev.start_mark).diag(
            "not-finite", f"'{_short(ev.value)}' is not a finite number (quote it if it is meant as text)"))
    return value


class _NotFinite(Exception):
    """A number that is not finite: reported with the others found in the same file, not at once."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def _short(value: str) -> str:
    """A scalar as shown in a one-line message: no line breaks, at most 40 characters."""
    flat = " ".join(value.split())
    return flat if len(flat) <= 40 else flat[:40] + "…"


class _Frame:
    __slots__ = ("anchor", "container", "key", "path", "spot", "spots", "weight")

    def __init__(self, container: Any, path: Path, spot: Spot, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.spot = spot
        # Where its items (or its keys and values) start: an array, or a dict; made with the first item, so
        # that an empty collection costs no more than itself.
        self.spots: Any = None
        self.key: Any = _NOKEY
        self.anchor = anchor
        # What this collection stands for, every nested node included, so that an alias to it costs its whole
        # size (aliases inside it included).
        self.weight = 1


_NOKEY = object()
_DUPKEY = object()  # the key of a duplicate entry: its value is read (to find more problems) and dropped


def load_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raise ScenarioError with a positioned diagnostic on anything unsafe.

    A plain document costs time in proportion to its size, which the caller bounds (MAX_BYTES); aliases are
    bounded by what they expand to (MAX_ALIAS_NODES). The loop is the hot path of reading a large file: it
    keeps each position as an int and calls no function for a scalar that is plainly text.
    """
    pos = Positions(file)
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    root: Any = _NOKEY
    expanded = 0  # nodes added by aliases
    documents = 0
    deferred: list[Diagnostic] = []  # duplicate keys, non-finite numbers: reported together at the end

    def spots_of(frame: _Frame) -> Any:
        path = frame.path
        known = _DUPKEY in path or path in pos.lists or path in pos.maps  # an alias's copy, a duplicate's value
        if type(frame.container) is dict:
            entries: dict[str, int] = {}
            if not known:
                pos.maps[path] = entries
            frame.spots = entries
        else:
            items = array("Q")
            if not known:
                pos.lists[path] = items
            frame.spots = items
        return frame.spots

    def place(value: Any, spot: Spot, weight: int, anchor: str | None, placed: bool = False) -> None:
        """Put a value into the collection being read (a collection's own spot was kept when it started)."""
        nonlocal root
        if anchor:
            anchors[anchor] = (value, weight)
        if not stack:
            root = value
            pos.root = spot
            return
        top = stack[-1]
        top.weight += weight
        container = top.container
        if type(container) is list:
            if not placed:
                (top.spots if top.spots is not None else spots_of(top)).append(spot)
            container.append(value)
            return
        if top.key is _NOKEY:  # this value is a key
            if isinstance(value, (dict, list)):
                raise ScenarioError([at_spot(file, spot).diag("yaml-key", "a mapping key must be a plain value")])
            key = value if isinstance(value, str) else str(value)
            if key in container:
                first = top.spots[key] >> KEY_SHIFT
                where = f" (first at line {first >> COLUMN_BITS})" if first else ""
                deferred.append(at_spot(file, spot).diag("yaml-duplicate-key", f"duplicate key '{key}'{where}"))
                top.key = _DUPKEY
                return
            top.key = key
            (top.spots if top.spots is not None else spots_of(top))[key] = spot << KEY_SHIFT
            return
        if top.key is not _DUPKEY:
            if not placed:
                top.spots[top.key] |= spot
            container[top.key] = value
        top.key = _NOKEY

    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    typed = _MAYBE_TYPED
    parser = _Loader(text)
    # get_event() directly rather than yaml.parse(): the generator's check_event() call for every event
    # doubled the cost of reading a large file.
    next_event = parser.get_event
    try:
        while (ev := next_event()) is not None:
            kind = type(ev)
            m = ev.start_mark
            if kind is scalar_event:
                value = ev.value
                if ev.tag is not None or (ev.implicit[0] and (not value or value[0] in typed)):
                    if value.isdigit() and value.isascii() and value[0] != "0" and len(value) < 19 \
                            and ev.tag is None:
                        value = int(value)  # a plain count: the most common number, and surely an int
                    else:
                        try:
                            value = _scalar(ev, file)  # a tag, or a plain scalar that may be a number, a bool, null
                        except _NotFinite as exc:
                            deferred.append(exc.diagnostic)
                            value = None
                place(value, (m.line + 1) << COLUMN_BITS | (m.column + 1), 1, ev.anchor)
            elif kind in starts:
                spot = (m.line + 1) << COLUMN_BITS | (m.column + 1)
                if ev.tag not in _ALLOWED_COLLECTION_TAGS:
                    raise ScenarioError([at_spot(file, spot).diag(
                        "yaml-tag", f"the tag {ev.tag} is not allowed in a scenario file")])
                if len(stack) >= MAX_DEPTH:
                    raise ScenarioError([at_spot(file, spot).diag(
                        "yaml-depth", f"nesting deeper than {MAX_DEPTH} levels")])
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path: Path = ()
                if stack:
                    top = stack[-1]
                    outer = top.container
                    if type(outer) is list:
                        path = (*top.path, len(outer))
                        (top.spots if top.spots is not None else spots_of(top)).append(spot)
                    elif top.key is _NOKEY:
                        raise ScenarioError([at_spot(file, spot).diag(
                            "yaml-key", "a mapping key must be a plain value")])
                    elif top.key is _DUPKEY:
                        path = (*top.path, _DUPKEY)  # read for its problems, kept nowhere
                    else:
                        path = (*top.path, top.key)
                        top.spots[top.key] |= spot
                stack.append(_Frame(container, path, spot, ev.anchor))
            elif kind in ends:
                frame = stack.pop()
                # A collection is placed where it starts: where a problem with it as a whole is shown.
                place(frame.container, frame.spot, frame.weight, frame.anchor, placed=True)
            elif kind is alias_event:
                spot = (m.line + 1) << COLUMN_BITS | (m.column + 1)
                if ev.anchor not in anchors:
                    raise ScenarioError([at_spot(file, spot).diag("yaml-alias", f"unknown alias *{ev.anchor}")])
                value, weight = anchors[ev.anchor]
                expanded += weight
                if expanded > MAX_ALIAS_NODES:
                    raise ScenarioError([at_spot(file, spot).diag(
                        "yaml-size", f"the aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)")])
                place(value, spot, weight, None)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise ScenarioError(
                        [_mark(file, m).diag("yaml-documents", "a scenario file holds one YAML document")]
                    )
    except yaml.MarkedYAMLError as exc:
        pm = exc.problem_mark or exc.context_mark
        mark = _mark(file, pm) if pm is not None else Mark(file, 1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        ctx = f" ({exc.context.strip()})" if exc.context else ""
        # libyaml stops flow nesting ('[[[[…') itself at 1000 levels, before our own depth check sees it.
        code = "yaml-depth" if "nesting depth" in problem else "yaml-syntax"
        raise ScenarioError([mark.diag(code, f"{problem}{ctx}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Mark(file, 1, 1).diag("yaml-syntax", str(exc).splitlines()[0])]) from None
    finally:
        parser.dispose()
    if deferred:
        raise ScenarioError(deferred)
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


def read_path(path: FilePath | str, file: str, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes through the one bounded read (safefile.py), its problems as a diagnostic at 1:1 of `file`."""
    try:
        return read_bounded(path, limit)
    except UnsafeFile as exc:
        raise ScenarioError([Mark(file, 1, 1).diag(exc.code, exc.message)]) from None
    except FileNotFoundError:
        raise ScenarioError([Mark(file, 1, 1).diag("file", f"no such file: {file}")]) from None
    except OSError as exc:
        raise ScenarioError([Mark(file, 1, 1).diag("file", f"cannot read {file}: {exc.strerror or exc}")]) from None


def load_path(path: FilePath | str, file: str) -> tuple[Any, Positions]:
    """Read and parse a YAML file from disk, bounded (size, kind, depth, aliases); `file` is how messages name it."""
    return load_file(read_path(path, file), file)
