"""A command's plain arguments read without typer's parser, so that `tabletop play` starts as fast as Textual.

Typer coerces every value through pydantic: parsing `tabletop play` cost over 100 ms of pydantic imports and
plugin discovery before anything happened, a third of a bare Textual app's whole start. For the lines a
person types most (`tabletop play`, `play tutorial --solo maren --seed 7`, `play --db FILE --team NATION`) that
parsing is needed for nothing, so `main()` reads them here and calls the command's function directly.

There is still one definition of the options: the command's typer signature, read here. Only what is plainly
a value is taken: an option of the signature given as `--name VALUE` or `--name=VALUE`, a flag, a positional
argument, each of a plain type (str, int, Path, bool, a list of one of them). A parameter that checks its
value (`exists=True`...) is left to typer whenever it is given; a command with a parameter that acts on its
own (a callback, an environment variable, a prompt) is left to typer entirely. Anything else (`--help`, `-h`,
an unknown or repeated option, a missing or odd value, `--seed 7.0`, a second SCENARIO, `--`) returns None,
and typer parses the line as before: its help, its values and its error messages stay the only ones.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.models import ArgumentInfo, OptionInfo, ParameterInfo

_DIGITS = re.compile(r"[0-9]+")
_SCALARS: dict[Any, Callable[[str], Any]] = {str: str, Path: Path, int: int}
# What a parameter may say that changes only how its help reads, not what its value is.
_COSMETIC = frozenset({"help", "metavar", "show_default", "rich_help_panel", "hidden", "show_choices", "show_envvar",
                       "autocompletion", "shell_complete"})
# What checks or reshapes a value given on the line, and does nothing when the parameter is not given.
_CHECKS = frozenset({"exists", "file_okay", "dir_okay", "writable", "readable", "resolve_path", "allow_dash",
                     "path_type", "min", "max", "clamp", "case_sensitive", "formats"})


@dataclass(frozen=True)
class _Param:
    name: str
    flag: str | None  # None for a positional argument
    read: Callable[[str], Any] | None  # None for a flag
    many: bool  # repeatable: its values make a list
    default: Any
    checked: bool  # typer checks a value given (exists=True...): only typer reads one


def _differences(info: ParameterInfo) -> set[str] | None:
    """What the parameter says beyond its default and names (how its help reads aside), compared with a fresh
    parameter; None if it says more than checks on a value (a callback, an environment variable...)."""
    fresh = type(info)(default=info.default, param_decls=info.param_decls)
    differ = {key for key, value in vars(info).items() if key not in _COSMETIC and value != getattr(fresh, key)}
    return differ if differ <= _CHECKS else None


def _reader(annotation: Any) -> tuple[Callable[[str], Any] | None, bool] | None:
    """(how a value is read, whether it repeats); read None for a flag; None for a type not handled here."""
    if annotation is bool:
        return None, False
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is list and len(args) == 1 and args[0] in _SCALARS:
        return _SCALARS[args[0]], True
    if annotation in _SCALARS:
        return _SCALARS[annotation], False
    if len(args) == 1 and args[0] in _SCALARS and type(None) in typing.get_args(annotation):  # X | None
        return _SCALARS[args[0]], False
    return None


def _params(command: Callable[..., Any]) -> list[_Param] | None:
    hints = typing.get_type_hints(command)
    out = []
    for name, parameter in inspect.signature(command).parameters.items():
        info = parameter.default
        differ = _differences(info) if isinstance(info, ParameterInfo) else None
        if differ is None or info.default is ... or (differ and info.default not in (None, [])):
            return None  # a required value, or one that acts on its own: only typer reads this command
        reading = _reader(hints.get(name))
        if reading is None:
            return None
        read, many = reading
        if isinstance(info, ArgumentInfo):
            if read is None or many:
                return None
            out.append(_Param(name, None, read, False, info.default, bool(differ)))
        elif isinstance(info, OptionInfo):
            decls = info.param_decls or ()
            if len(decls) != 1 or not decls[0].startswith("--") or "/" in decls[0] or (read is None and info.default):
                return None  # short names, --x/--no-x pairs and flags on by default are left to typer
            out.append(_Param(name, decls[0], read, many, [] if many and info.default is None else info.default,
                              bool(differ)))
        else:
            return None
    return out


def _value(param: _Param, text: str) -> Any:
    """The value typer would give, or None when it might give another or refuse it (typer will then say)."""
    assert param.read is not None
    if param.checked or not text or text.startswith("-"):
        return None
    if param.read is int:
        return int(text) if _DIGITS.fullmatch(text) else None
    return param.read(text)


def simple_call(command: Callable[..., Any], args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments typer would call `command` with for `args` (the words after the command's name),
    or None when the line is not plainly values of the command's own parameters."""
    params = _params(command)
    if params is None:
        return None
    options = {p.flag: p for p in params if p.flag is not None}
    positional = [p for p in params if p.flag is None]
    values: dict[str, Any] = {}
    words = iter(args)
    for word in words:
        if not word.startswith("-"):
            if not positional:
                return None
            param = positional.pop(0)
            value = _value(param, word)
        else:
            flag, eq, text = word.partition("=")
            option = options.get(flag)
            if option is None or (option.name in values and not option.many):
                return None
            param = option
            if param.read is None:
                if eq:
                    return None
                value = True
            else:
                value = _value(param, text if eq else next(words, ""))
        if value is None:
            return None
        if param.many:
            values.setdefault(param.name, []).append(value)
        else:
            values[param.name] = value
    return {p.name: values.get(p.name, list(p.default) if p.many else p.default) for p in params}
