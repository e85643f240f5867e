"""Which commands `tabletop` has, and that each exists in a plain install.

The command modules are imported by name in exercise/cli/__init__.py; these tests hold that list to the
command-line contract (../shared/design.md), so a module that fails to import, or one left out of the list,
fails here instead of leaving a user with "No such command".
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
from typing import Any

import pytest
from cli_contract import CONTRACT, GROUPS, every_invocation
from harness import REPO, cli_env, in_process, no_traceback, tabletop

import exercise.cli

# A fresh interpreter, so what it reports is what `import exercise.cli` alone does (nothing this test process
# imported before).
PROBE = """
import json, sys
import typer.main
import exercise.cli
root = typer.main.get_command(exercise.cli.app)
print(json.dumps({
    "commands": {name: sorted(getattr(cmd, "commands", {})) for name, cmd in root.commands.items()},
    "hidden": sorted(name for name, cmd in root.commands.items() if cmd.hidden),
    "modules": sorted(m for m in sys.modules if m.startswith("exercise")),
    "top": sorted({m.split(".")[0] for m in sys.modules}),
}))
"""

# Packages that a plain `pip install tabletop-exercise` does not bring: click (typer carries its own copy) and
# every optional extra's. A command module that imports one at the top is missing from a plain install.
NOT_IN_A_PLAIN_INSTALL = ("click", "weasyprint", "docx", "PIL", "psycopg", "textual_serve", "pytest", "hypothesis")

WITHOUT = """
import importlib.abc, json, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

BLOCKED = set(json.loads(sys.argv[1]))
for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]
sys.meta_path.insert(0, Refuse())

import pkgutil, importlib, exercise.cli
from exercise.cli import main
for module in pkgutil.iter_modules(exercise.cli.__path__):
    importlib.import_module(f"exercise.cli.{module.name}")
codes = {" ".join(args): main([*args, "--help"]) for args in json.loads(sys.argv[2])}
print(json.dumps(codes))
"""


def _probe() -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=cli_env(), cwd=REPO,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_every_module_of_the_command_package_imports() -> None:
    names = [m.name for m in pkgutil.iter_modules(exercise.cli.__path__)]
    assert {"_app", "play", "report_cmd"} <= set(names)
    for name in names:
        importlib.import_module(f"exercise.cli.{name}")


def test_the_commands_are_those_of_the_contract_and_every_module_is_listed() -> None:
    found = _probe()
    commands = found["commands"]
    assert set(commands) == CONTRACT
    for group, subcommands in GROUPS.items():
        assert set(commands[group]) == subcommands
    assert found["hidden"] == []  # no stand-in command hiding a module that did not load
    # A module of the package that `import exercise.cli` does not import registers nothing: forgotten in the list.
    public = {f"exercise.cli.{m.name}" for m in pkgutil.iter_modules(exercise.cli.__path__)
              if not m.name.startswith("_")}
    assert public <= set(found["modules"])


def test_help_stays_light() -> None:
    """`tabletop --help` must not pay for the engine, Textual or the reports: the command modules import those
    inside their functions. Checked by what is imported, not by a time."""
    found = _probe()
    heavy = {"textual", "rich.markdown", "pydantic", "jinja2", "yaml", "openpyxl", "sqlite3"}
    assert heavy.isdisjoint(set(found["top"])), set(found["top"]) & heavy
    # engine/text.py (the rule for showing outside text) needs only `re`; the rest of the engine is for commands
    light = {"exercise.engine", "exercise.engine.text"}
    loaded = set(found["modules"]) - light
    assert not {m for m in loaded if m.startswith(("exercise.engine", "exercise.ui", "exercise.report",
                                                   "exercise.live", "exercise.store"))}


def test_every_command_works_without_click_and_without_the_extras() -> None:
    """What a plain install lacks is refused at import time, as it would be there: every module still imports
    and every command and subcommand still answers --help."""
    done = subprocess.run([sys.executable, "-c", WITHOUT, json.dumps(NOT_IN_A_PLAIN_INSTALL),
                           json.dumps(every_invocation())],
                          capture_output=True, text=True, env=cli_env(), cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    codes = json.loads(done.stdout.strip().splitlines()[-1])
    assert codes == {" ".join(args): 0 for args in every_invocation()}


def test_root_help_lists_every_command_grouped_from_play_to_after_action() -> None:
    done = tabletop("--help")
    assert done.returncode == 0, done.stderr
    listed = re.findall(r"^│ ([a-z]+) ", done.stdout, flags=re.MULTILINE)
    assert set(listed) == CONTRACT and len(listed) == len(CONTRACT)
    assert listed.index("play") < listed.index("validate") < listed.index("report")  # the help panels' order


@pytest.mark.parametrize("args", every_invocation(), ids=" ".join)
def test_every_command_and_subcommand_has_help(args: tuple[str, ...]) -> None:
    done = in_process(*args, "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout and f"tabletop {' '.join(args)}" in done.stdout


def test_python_dash_m_exercise_and_exercise_cli_are_the_same_command() -> None:
    as_package = tabletop("--help")  # python -m exercise
    as_cli = subprocess.run([sys.executable, "-m", "exercise.cli", "--help"], capture_output=True, text=True,
                            env=cli_env(), cwd=REPO, timeout=120, stdin=subprocess.DEVNULL)
    assert as_package.returncode == as_cli.returncode == 0
    assert as_package.stdout == as_cli.stdout and "Usage: tabletop" in as_cli.stdout
    wrong = subprocess.run([sys.executable, "-m", "exercise.cli", "report_cmd"], capture_output=True, text=True,
                           env=cli_env(), cwd=REPO, timeout=120, stdin=subprocess.DEVNULL)
    assert wrong.returncode == 2 and "No such command 'report_cmd'" in wrong.stderr
    no_traceback(wrong)
