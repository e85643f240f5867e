"""Validating what a file holds against the models, with every problem placed, in bounded memory.

pydantic collects every problem of a value before it reports any, at about 400 bytes each: a 2 MiB file of
empty mappings under `injects:` gave a million problems and took a gigabyte. `validate_bounded` therefore
validates a large value piece by piece (a model field by field, a list item by item, a mapping entry by
entry, down to pieces of at most SMALL values, which pydantic validates whole) and stops after
MAX_PROBLEMS problems. A plain large file (8,000 injects, a script of 20,000 steps) costs a little more
time than one call to pydantic, and a hostile one no more memory than its first MAX_PROBLEMS problems.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .diagnostics import Diagnostic, did_you_mean
from .yamlsafe import Positions

SMALL = 4_000  # values in a piece that pydantic validates in one call
MAX_PROBLEMS = 200  # problems collected from one file before the rest of it is left unchecked
MAX_UNKNOWN_FIELDS = 50  # unknown fields reported in one mapping (a hostile one may hold a million)

Error = Mapping[str, Any]  # one of pydantic's error dicts ('type', 'loc', 'msg')


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
    """pydantic's problems with `data` (validated as `root`) as positioned diagnostics."""
    errors: list[Error] = [*exc.errors(include_url=False, include_input=False)[:MAX_PROBLEMS]]
    if exc.error_count() > MAX_PROBLEMS:
        errors.append({"type": _SUMMARY, "loc": (), "msg": f"… and {exc.error_count() - MAX_PROBLEMS} more "
                       "problems with the fields of this file"})
    return diagnostics(errors, data, pos, root)


def diagnostics(errors: Sequence[Error], data: Any, pos: Positions, root: type[BaseModel]) -> list[Diagnostic]:
    seen: set[tuple[Any, ...]] = set()
    out: list[Diagnostic] = []
    places = [_clean_loc(data, tuple(e["loc"]), e["type"])[0] for e in errors]
    # Every proper prefix of a place: a set, so that the test below is not quadratic in the number of problems.
    above = {q[:n] for q in places for n in range(len(q))}
    for err, path in zip(errors, places, strict=True):
        kind = err["type"]
        if kind == _SUMMARY:
            out.append(pos.at(path).diag("too-many-problems", err["msg"]))
            continue
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
    return out


# -- validating a large value piece by piece -------------------------------------------------------------------

_SUMMARY = "tabletop_summary"  # an error of our own: a line saying what was left unchecked
_FAILED = object()  # a piece that did not validate (its problems are in the budget)


@dataclass
class _Budget:
    errors: list[Error] = field(default_factory=list)
    full: bool = False

    def add(self, found: Sequence[Error], loc: tuple[Any, ...]) -> None:
        for e in found:
            if len(self.errors) >= MAX_PROBLEMS:
                self.stop(loc)
                return
            self.errors.append({"type": e["type"], "loc": (*loc, *e["loc"]), "msg": e["msg"]})

    def stop(self, loc: tuple[Any, ...]) -> None:
        if not self.full:
            self.full = True
            self.errors.append({"type": _SUMMARY, "loc": loc, "msg": f"more problems were found than the "
                                f"{MAX_PROBLEMS} listed: the rest of the file was not checked"})


@lru_cache(maxsize=256)
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _size(value: Any, limit: int) -> int:
    """How many values `value` holds, counted up to just past `limit` (without recursion)."""
    n = 0
    todo = [value]
    while todo and n <= limit:
        v = todo.pop()
        n += 1
        if isinstance(v, dict):
            todo.extend(v.values())
            n += len(v)  # the keys
        elif isinstance(v, list):
            todo.extend(v)
    return n


def _shape(annotation: Any, value: Any) -> tuple[str, Any, Any] | None:
    """How to take `value` apart for `annotation`: ('model', cls, _), ('list', item, _), ('dict', key, value),
    or None when the annotation has no container of the value's kind (pydantic then reports one problem)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shape(typing.get_args(annotation)[0], value)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _shape(arg, value)
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return ("model", annotation, None)
        if origin is dict:
            key, item = typing.get_args(annotation) or (Any, Any)
            return ("dict", key, item)
    if isinstance(value, list) and origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        return ("list", item, None)
    return None


def _piece(annotation: Any, value: Any, loc: tuple[Any, ...], budget: _Budget) -> Any:
    """`value` validated as `annotation`, or _FAILED with its problems added to the budget."""
    if budget.full:
        return _FAILED
    shape = _shape(annotation, value) if _size(value, SMALL) > SMALL else None
    if shape is None:
        try:
            return _adapter(annotation).validate_python(value)
        except ValidationError as exc:
            budget.add(exc.errors(include_url=False, include_input=False), loc)
            return _FAILED
    kind, a, b = shape
    if kind == "list":
        items = [_piece(a, item, (*loc, i), budget) for i, item in enumerate(value) if not budget.full]
        return _FAILED if budget.full or any(v is _FAILED for v in items) else items
    if kind == "dict":
        out: dict[Any, Any] = {}
        failed = False
        for k, item in value.items():
            if budget.full:
                return _FAILED
            key = _piece(a, k, (*loc, k, "[key]"), budget)
            got = _piece(b, item, (*loc, k), budget)
            if key is _FAILED or got is _FAILED:
                failed = True
            else:
                out[key] = got
        return _FAILED if failed else out
    return _model(a, value, loc, budget)


def _model(cls: type[BaseModel], data: dict[Any, Any], loc: tuple[Any, ...], budget: _Budget) -> Any:
    """A large mapping as a model: each field on its own, then the model from the validated fields."""
    fields = {**{name: f for name, f in cls.model_fields.items()},
              **{f.alias: f for f in cls.model_fields.values() if f.alias}}
    ready: dict[Any, Any] = {}
    failed: set[Any] = set()
    unknown = 0
    for key, value in data.items():
        if budget.full:
            return _FAILED
        f = fields.get(key)
        if f is None:
            unknown += 1
            if unknown <= MAX_UNKNOWN_FIELDS:
                ready[key] = None  # reported as unknown below, without pydantic reading what it holds
            continue
        got = _piece(f.annotation, value, (*loc, key), budget)
        if got is _FAILED:
            failed.add(key)
        else:
            ready[key] = got
    if unknown > MAX_UNKNOWN_FIELDS:
        budget.add([{"type": _SUMMARY, "loc": (), "msg": f"… and {unknown - MAX_UNKNOWN_FIELDS} more unknown "
                     "fields here"}], loc)
    try:
        # The fields are validated already: this checks what is the model's own (required fields, the
        # constraints on a whole field, its validators), quickly.
        model = cls.model_validate(ready)
        return _FAILED if failed else model
    except ValidationError as exc:
        # A field that failed on its own is left out: pydantic would call it missing.
        found = [e for e in exc.errors(include_url=False, include_input=False)
                 if not (e["loc"] and e["loc"][0] in failed)]
        budget.add(found, loc)
        return _FAILED


def validate_bounded(cls: type[BaseModel], data: Any, pos: Positions) -> tuple[Any, list[Diagnostic]]:
    """`data` as a `cls`, or None and its problems (at most MAX_PROBLEMS, then one line saying so)."""
    if _size(data, SMALL) <= SMALL:
        try:
            return cls.model_validate(data), []
        except ValidationError as exc:
            return None, pydantic_diagnostics(exc, data, pos, cls)
    budget = _Budget()
    got = _piece(cls, data, (), budget)
    if got is _FAILED:
        return None, diagnostics(budget.errors, data, pos, cls)
    return got, []
