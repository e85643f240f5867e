"""Commands for scenario authors: scenarios, validate, schema, test."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from exercise.cli._app import PANEL_AUTHOR, app, diagnostic_line, err, load, print_diagnostics
from exercise.cli._library import library_option
from exercise.engine.text import visible

if TYPE_CHECKING:
    from exercise.engine.diagnostics import Diagnostic
    from exercise.engine.loader import FileReader


# -- tabletop scenarios ---------------------------------------------------------------------------------

@app.command(rich_help_panel=PANEL_AUTHOR)
def scenarios(
    as_json: bool = typer.Option(False, "--json", help="A JSON list (id, title, path, summary, nations, …, error)."),
) -> None:
    """List the bundled scenarios and those in the current folder: id, title, path.

    A local file that looks like a scenario but cannot be read is listed too, with its problem
    (`error` in --json), and the exit status is then 1.
    """
    from dataclasses import replace

    from exercise.resources import all_scenarios

    def shown(path: Path) -> str:
        # Relative to this folder as found there, links not followed (display() resolves them: a link that
        # loops made it raise, and one to /dev/zero was shown by its full path).
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)

    found = all_scenarios()
    broken = [s for s in found if s.problem is not None]
    if as_json:
        typer.echo(json.dumps([s.to_json() for s in found], indent=2, ensure_ascii=False))
    elif not found:
        err("no scenarios found (bundled ones are missing, and none in this folder)")
        return
    else:
        rows = [(s.id, s.title, f"{s.turns} turns", s.duration, s.source, shown(s.path)) if s.problem is None
                else ("?", s.title, "does not load", "", s.source, shown(s.path)) for s in found]
        head = ("ID", "TITLE", "LENGTH", "TIME", "SOURCE", "PATH")
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            line = "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            typer.echo(typer.style(line, bold=True) if r is head else visible(line))
    for s in broken:
        assert s.problem is not None
        problem = replace(s.problem, file=shown(s.path)) if s.problem.file == str(s.path) else s.problem
        err(diagnostic_line(problem))
    if broken:
        err(f"{len(broken)} file{'s' if len(broken) != 1 else ''} listed cannot be read as a scenario "
            "(tabletop validate FILE lists every problem)")
        raise typer.Exit(1)


# -- tabletop validate ----------------------------------------------------------------------------------

def _kind(path: Path) -> str:
    """'library' for an inject library (`ttx-library:` at the top), else 'scenario'."""
    from exercise.engine.diagnostics import ScenarioError
    from exercise.engine.safefile import UnsafeFile, read_bounded
    from exercise.engine.yamlsafe import MAX_BYTES, load_yaml

    try:
        text = read_bounded(path, MAX_BYTES).decode("utf-8-sig")
    except (OSError, UnsafeFile, UnicodeDecodeError):
        return "scenario"  # the loader says what is wrong with it, with a position
    if re.search(r"^ttx-library\s*:", text, re.MULTILINE) and not re.search(r"^ttx\s*:", text, re.MULTILINE):
        return "library"
    if re.search(r"^ttx\s*:", text, re.MULTILINE):
        return "scenario"
    try:
        data = load_yaml(text, str(path))[0]  # bounded like every other read: no plain yaml.safe_load
    except ScenarioError:
        return "scenario"
    return "library" if isinstance(data, dict) and "ttx-library" in data else "scenario"


_HEAD = 20_000  # enough of a file to see whether it is a scenario or a library (`ttx:` or `ttx-library:`)


def _expand(arg: str) -> list[tuple[Path, str]] | Diagnostic:
    """The files a PATH argument stands for, each with its kind; a diagnostic when there are none."""
    from exercise.engine.diagnostics import Mark
    from exercise.engine.safefile import UnsafeFile, read_bounded

    p = Path(arg)
    if not p.exists():
        from exercise.resources import find_scenario

        found = find_scenario(arg) if "/" not in arg and not arg.endswith((".yaml", ".yml")) else None
        if found is None:
            return Mark(arg, 1, 1).diag("file", f"no such file or folder (nor a scenario id): {arg}")
        p = found
    if not p.is_dir():
        return [(p, _kind(p))]  # a FIFO or a device too: the loader refuses it, with a message
    if (p / "scenario.yaml").is_file():
        return [(p / "scenario.yaml", "scenario")]
    out = []
    for f in sorted([*p.rglob("*.yaml"), *p.rglob("*.yml")]):
        if any(part.startswith(".") for part in f.relative_to(p).parts) or f.is_dir():
            continue
        try:
            head = read_bounded(f, _HEAD, head=True).decode("utf-8", errors="replace")
        except (OSError, UnsafeFile):
            out.append((f, "scenario"))  # not a file one can read (a FIFO, a device): say so, do not skip it
            continue
        if re.search(r"^(ttx|ttx-library)\s*:", head, re.MULTILINE):
            out.append((f, _kind(f)))
    if not out:
        return Mark(arg, 1, 1).diag("file", f"no scenario (scenario.yaml) or inject library in the folder {arg}")
    return out


def check_scenario(path: Path, library: list[Path] | None = None) -> list[Diagnostic]:
    """Every problem of a scenario (and the libraries it includes), warnings included."""
    from exercise.engine.compile import load_scenario
    from exercise.engine.diagnostics import ScenarioError
    from exercise.resources import library_roots

    try:
        return list(load_scenario(path, library_roots(library or [])).warnings)
    except ScenarioError as exc:
        return list(exc.diagnostics)


_PLACEHOLDER_MAIN = "__ttx_validate_library__.yaml"


def _state_kind(var: str, text: str) -> str:
    """How a library uses a state variable it requires, read from its text: per pair, per nation, global."""
    v = re.escape(var)
    if re.search(rf"\b{v}\s*\[[^\]\n]*\]\s*\[", text):
        return "pair"
    if re.search(rf"\b{v}\s*\[", text) or re.search(rf"\b(mean|min|max|sum|count)\(\s*{v}\b", text):
        return "nation"
    return "global"


class _PlaceholderReader:
    """A library's own files (confined and bounded as any include), and the placeholder scenario around it."""

    def __init__(self, files: FileReader, main: bytes) -> None:
        self.files = files
        self.main = main

    def __call__(self, key: str) -> bytes:
        return self.main if key == _PLACEHOLDER_MAIN else self.files(key)

    def shown(self, key: str) -> str | None:
        return self.files.shown(key)


def check_library(path: Path, library: list[Path] | None = None) -> list[Diagnostic]:
    """An inject library on its own: its YAML and fields, then its injects compiled inside a placeholder
    scenario that binds each parameter to a nation of that name, defines the state it requires (shaped
    as the library uses it), and the objectives it names. What depends on the including scenario alone
    (inject ids it refers to, organisations) is reported as it would be there."""
    import yaml

    from exercise.engine.compile import load_with
    from exercise.engine.diagnostics import Mark, ScenarioError
    from exercise.engine.loader import file_reader
    from exercise.engine.models import Library
    from exercise.engine.validate import validate_bounded
    from exercise.engine.yamlsafe import load_file, read_path
    from exercise.resources import library_roots

    shown = str(path)
    try:
        raw = read_path(path, shown)
        data, positions = load_file(raw, shown)
    except ScenarioError as exc:
        return list(exc.diagnostics)
    if not isinstance(data, dict):
        return [Mark(shown, 1, 1).diag("type", "expected a mapping of fields")]
    lib, problems = validate_bounded(Library, data, positions)
    if lib is None:
        return problems
    text = raw.decode("utf-8-sig", errors="replace")
    # Stand-in nations have every capability the library asks about, at full strength: whether a real
    # nation has it is the including scenario's business, not the library's.
    asked = re.findall(r"cap\(\s*[A-Za-z_]\w*\s*,\s*['\"]([^'\"]+)['\"]\s*\)", raw.decode("utf-8", "replace"))
    caps = dict.fromkeys(asked, 5)
    nations: list[dict[str, Any]] = [{"id": p, "name": f"<{p}>", "capabilities": caps} for p in lib.params]
    other = next(f"other_{i}" for i in range(100) if f"other_{i}" not in lib.params)
    nations.append({"id": other, "name": "<another nation>", "capabilities": caps})
    objectives: list[str] = []
    for inj in lib.injects:
        for o in [inj.objective] if isinstance(inj.objective, str) else inj.objective or []:
            if o not in objectives:
                objectives.append(o)
    placeholder = {
        "ttx": 1, "id": "library-check", "title": "library check",
        "clock": {"turns": 200},
        "nations": nations,
        "objectives": [{"id": o, "text": "placeholder", "capability": "placeholder"} for o in objectives],
        "state": {v: {"per": _state_kind(v, text)} for v in lib.requires_state},
        # Text parameters stand for words the including scenario gives: a placeholder binds each to its own name.
        "include": [{"path": path.name, "with": {**{p: p for p in lib.params}, **{n: f"<{n}>" for n in lib.names}}}],
        "endings": [{"id": "end", "title": "End"}],
    }
    main_bytes = yaml.safe_dump(placeholder, sort_keys=False).encode()
    base = path.parent
    # The library named on the command line is read as the user's own file; what it includes is confined.
    reader = _PlaceholderReader(file_reader(base, library_roots(library or []), trusted=[path.name]), main_bytes)
    display_base = str(base) if str(base) != "." else ""
    try:
        diags = list(load_with(reader, _PLACEHOLDER_MAIN, display_base).warnings)
    except ScenarioError as exc:
        diags = list(exc.diagnostics)
    out = []
    for d in diags:
        if Path(d.file).name == _PLACEHOLDER_MAIN:
            if d.severity == "warning":
                continue  # lints of the placeholder scenario as a whole (unread state, …): not the library's
            d = Mark(shown, 1, 1).diag(d.code, f"when included: {d.message}", d.severity)
        out.append(d)
    return out


@app.command(rich_help_panel=PANEL_AUTHOR)
def validate(
    path: list[str] = typer.Argument(
        ..., metavar="PATH", show_default=False, help="Scenario files or ids, folders holding scenario.yaml (or "
        "scenarios and libraries anywhere below), or inject library files (ttx-library: 1)."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too."),
    library_path: list[Path] = library_option(),
) -> None:
    """Check scenarios and inject libraries: one `file:line:col: error\\[code]: message` line per problem.

    Exit 0 when clean (warnings allowed unless --strict), 1 otherwise.
    """
    diags: list[Diagnostic] = []
    checked = 0
    for arg in path:
        got = _expand(arg)
        if not isinstance(got, list):
            diags.append(got)
            continue
        for file, kind in got:
            checked += 1
            diags += check_library(file, library_path) if kind == "library" else check_scenario(file, library_path)
    unique = list(dict.fromkeys(diags))  # a library included twice reports each problem once
    for d in unique:
        typer.echo(diagnostic_line(d))
    errors = sum(1 for d in unique if d.severity == "error")
    warnings = len(unique) - errors
    files = f"{checked} file{'s' if checked != 1 else ''}"
    if errors or (strict and warnings):
        parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}" + (" (--strict)" if strict else ""))
        err(f"failed: {', '.join(parts)}" + (f" in {files}" if checked else ""))
        raise typer.Exit(1)
    if warnings:
        err(f"ok: {files} valid, {warnings} warning{'s' if warnings != 1 else ''}")
    else:
        err(f"ok: {files} clean")


# -- tabletop schema ------------------------------------------------------------------------------------

@app.command(rich_help_panel=PANEL_AUTHOR)
def schema(
    library: bool = typer.Option(False, "--library", help="The inject library format instead of the scenario."),
) -> None:
    """Print the JSON Schema of the scenario format (for editors: yaml-language-server, VS Code).

    The repository's copies are made with: tabletop schema > schema/tabletop-scenario.schema.json

    and: tabletop schema --library > schema/tabletop-library.schema.json
    """
    from exercise.engine.schema import dumps, library_schema, scenario_schema

    typer.echo(dumps(library_schema() if library else scenario_schema()), nl=False)


# -- tabletop test --------------------------------------------------------------------------------------

_STEP = re.compile(r"^step (\d+) refused")


@app.command(name="test", rich_help_panel=PANEL_AUTHOR)
def test_cmd(
    scenario: list[str] = typer.Argument(..., metavar="SCENARIO", show_default=False,
                                         help="Scenario files, folders or ids."),
    library_path: list[Path] = library_option(),
) -> None:
    """Run the scenarios' transcript tests (their `tests:` section): PASS or FAIL for each.

    Exit 1 if any test fails or a scenario does not load.
    """
    from exercise.engine.diagnostics import ScenarioError
    from exercise.engine.transcript import run_transcripts

    passed = failed = broken = 0
    for ref in scenario:
        try:
            sc = load(ref, library_path)
        except ScenarioError as exc:
            print_diagnostics(exc.diagnostics, err_stream=False)
            typer.echo(typer.style("FAIL", fg="red", bold=True) + f" {ref}: the scenario does not load")
            broken += 1
            continue
        main = sc.files[sc.main]
        results = run_transcripts(sc)
        if not results:
            err(f"note: {ref} has no tests (add some under 'tests:')")
        for r in results:
            mark = main.positions.at(("tests", r.index))
            where = f"{mark.file}:{mark.line}"
            if r.ok:
                passed += 1
                typer.echo(typer.style("PASS", fg="green", bold=True) + f" {where}  {r.name}")
                continue
            failed += 1
            typer.echo(typer.style("FAIL", fg="red", bold=True) + f" {where}  {r.name}")
            for f in r.failures:
                m = _STEP.match(f)
                if m:
                    step = main.positions.at(("tests", r.index, "play", int(m.group(1)) - 1))
                    f = f"{f}  ({step.file}:{step.line}:{step.col})"
                typer.echo(f"     {f}")
    summary = f"{passed} passed, {failed} failed" + (f", {broken} scenario(s) did not load" if broken else "")
    err(summary)
    if failed or broken:
        raise typer.Exit(1)
