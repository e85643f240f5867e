"""The wheel as a user installs it: `pip install tabletop-exercise` into a fresh venv, no extras, no dev tools.

This checkout's venv carries the dev tools (click among them), so a command that needs one of those works
here and nowhere else: the `report` command once did exactly that. So the wheel goes into a new venv without
system site packages, and every command runs from a folder outside the repository with a clean environment
(no PYTHONPATH, no VIRTUAL_ENV): what it finds is the installed copy and its declared dependencies only.

One build and one install per test session (module fixtures; the xdist group keeps the module on one worker).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_contract import every_invocation

pytestmark = pytest.mark.xdist_group("wheel")

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = {"pdf", "docx", "serve", "postgres"}
STEP_SECONDS = 120  # one command of the installed tabletop: a few seconds at most; a hang fails the test


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(dist), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found = list(dist.glob("tabletop_exercise-*.whl"))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and what it declares, nothing else; its bin folder."""
    where = tmp_path_factory.mktemp("user") / "venv"
    # `python -m venv` (not venv.EnvBuilder in this process) so that its ensurepip step is under a timeout too
    made = subprocess.run([sys.executable, "-m", "venv", str(where)], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    assert "include-system-site-packages = false" in (where / "pyvenv.cfg").read_text()
    # pip reads this machine's index configuration from the environment; nothing of this checkout may leak in.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt")]
    done = subprocess.run([*pip, str(wheel)], capture_output=True, text=True, timeout=900, env=env,
                          cwd=where.parent)
    assert done.returncode == 0, done.stderr
    return where / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder outside the repository (so `scenarios/` of the checkout is not a local folder)."""
    assert ROOT not in tmp_path.parents
    return tmp_path


def clean_env(bin_dir: Path, home: Path) -> dict[str, str]:
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def user(bin_dir: Path, cwd: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """`tabletop ARGS` as the user runs it: the venv's console script, from `cwd`, in a clean environment."""
    return subprocess.run([str(bin_dir / "tabletop"), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=clean_env(bin_dir, cwd), timeout=STEP_SECONDS, stdin=subprocess.DEVNULL)


def python(bin_dir: Path, cwd: Path, code: str) -> str:
    done = subprocess.run([str(bin_dir / "python"), "-c", code], capture_output=True, text=True, cwd=cwd,
                          env=clean_env(bin_dir, cwd), timeout=STEP_SECONDS)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_wheel_carries_scenarios_injects_reports_and_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("exercise/_data/scenarios/tutorial/scenario.yaml",
                   "exercise/_data/scenarios/northern-shield/GUIDE.md",
                   "exercise/_data/scenarios/northern-shield/region.svg",
                   "exercise/_data/scenarios/dry-river/region.svg",
                   "exercise/_data/schema/tabletop-scenario.schema.json",
                   "exercise/_data/injects/hybrid/port-cyberattack.yaml",
                   "exercise/_data/reports/report.html.j2",
                   "exercise/scaffold_templates/scenario.yaml.j2"):
        assert needed in names, f"{needed} is not in the wheel"
    assert not [n for n in names if n.startswith(("tests/", "bench/", "exercise/tests/"))]


def test_the_install_is_plain_and_named_tabletop(installed: Path, outside: Path) -> None:
    found = json.loads(python(installed, outside, """
import importlib.metadata as md, importlib.util, json, exercise
d = md.distribution("tabletop-exercise")
print(json.dumps({
    "name": d.metadata["Name"],
    "extras": d.metadata.get_all("Provides-Extra"),
    "scripts": sorted(e.name for e in d.entry_points if e.group == "console_scripts"),
    "file": exercise.__file__,
    "absent": [m for m in ("click", "weasyprint", "docx", "psycopg", "textual_serve", "pytest")
               if importlib.util.find_spec(m) is None],
}))
"""))
    assert found["name"] == "tabletop-exercise"
    assert set(found["extras"]) >= EXTRAS
    assert found["scripts"] == ["tabletop"]
    assert found["file"].startswith(str(installed.parent)), found["file"]  # the installed copy, not the checkout
    # a plain install: neither dev tools nor any extra's packages
    assert found["absent"] == ["click", "weasyprint", "docx", "psycopg", "textual_serve", "pytest"]
    assert (installed / "tabletop").is_file()
    ttx = installed / "ttx"
    assert not ttx.exists() or "exercise" not in ttx.read_text(errors="replace")


def test_help_and_version(installed: Path, outside: Path) -> None:
    from exercise import __version__

    helped = user(installed, outside, "--help")
    assert helped.returncode == 0 and "Usage: tabletop" in helped.stdout, helped.stderr
    version = user(installed, outside, "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"tabletop {__version__}", version.stderr
    as_module = subprocess.run([str(installed / "python"), "-m", "exercise", "--version"], capture_output=True,
                               text=True, cwd=outside, env=clean_env(installed, outside), timeout=STEP_SECONDS)
    assert as_module.returncode == 0 and as_module.stdout == version.stdout, as_module.stderr


@pytest.mark.parametrize("args", every_invocation(), ids=" ".join)
def test_every_command_and_subcommand_answers_help(installed: Path, outside: Path, args: tuple[str, ...]) -> None:
    done = user(installed, outside, *args, "--help")
    assert done.returncode == 0, done.stderr
    assert f"Usage: tabletop {' '.join(args)}" in done.stdout


def test_bundled_scenarios_are_listed_from_inside_the_package(installed: Path, outside: Path) -> None:
    listed = user(installed, outside, "scenarios", "--json")
    assert listed.returncode == 0, listed.stderr
    scenarios = json.loads(listed.stdout)
    assert {"tutorial", "northern-shield", "dry-river"} <= {s["id"] for s in scenarios}
    for s in scenarios:
        assert s["path"].startswith(str(installed.parent)) and "/exercise/_data/scenarios/" in s["path"], s


def test_a_session_from_run_to_report_and_export(installed: Path, outside: Path) -> None:
    played = user(installed, outside, "run", "tutorial", "--db", "s.sqlite", "--bots", "--seed", "3")
    assert played.returncode == 0, played.stderr
    verified = user(installed, outside, "verify", "s.sqlite")
    assert verified.returncode == 0 and verified.stdout.startswith("ok:"), verified.stdout + verified.stderr

    reported = user(installed, outside, "report", "s.sqlite", "--format", "md", "-o", "out")
    assert reported.returncode == 0, reported.stderr
    assert reported.stdout.split() == ["out/s-aar.md"]
    report = (outside / "out" / "s-aar.md").read_text(encoding="utf-8")
    assert report.startswith("# After-action report: Tutorial: Harbour Lights")
    assert "(chain verified)" in report

    exported = user(installed, outside, "export", "s.sqlite", "--format", "jsonl", "-o", "out")
    assert exported.returncode == 0, exported.stderr
    events = [json.loads(line) for line in (outside / "out" / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "SessionStarted" and events[-1]["type"] == "SessionEnded"

    validated = user(installed, outside, "validate", "--strict", "tutorial")
    assert validated.returncode == 0, validated.stdout + validated.stderr


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_format_without_its_extra_names_the_extra(installed: Path, outside: Path, fmt: str) -> None:
    played = user(installed, outside, "run", "tutorial", "--db", "s.sqlite", "--bots", "--seed", "3")
    assert played.returncode == 0, played.stderr
    done = user(installed, outside, "report", "s.sqlite", "--format", fmt)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {fmt.upper()} output needs the optional extra: pip install 'tabletop-exercise[{fmt}]'"]
    assert not list(outside.glob(f"*.{fmt}"))
