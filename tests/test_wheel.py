"""The wheel carries the bundled scenarios, inject libraries, report templates and schema: installed
outside the repository, tabletop still lists and plays them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(dist), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    wheel = next(dist.glob("tabletop_exercise-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("exercise/_data/scenarios/tutorial/scenario.yaml",
                   "exercise/_data/schema/tabletop-scenario.schema.json",
                   "exercise/_data/injects/hybrid/port-cyberattack.yaml",
                   "exercise/_data/reports/report.html.j2",
                   "exercise/scaffold_templates/scenario.yaml.j2"):
        assert needed in names, f"{needed} is not in the wheel"
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return target


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The installed copy comes first on the path, ahead of this checkout's editable install.
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, "-m", "exercise.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def test_installed_copy_lists_and_plays_bundled_scenarios(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run([sys.executable, "-c", "import exercise; print(exercise.__file__)"], capture_output=True,
                           text=True, cwd=tmp_path, env=env, timeout=60).stdout.strip()
    assert where.startswith(str(installed)), where
    listed = run(installed, tmp_path, "scenarios", "--json")
    assert listed.returncode == 0, listed.stderr
    ids = {s["id"] for s in json.loads(listed.stdout)}
    assert "tutorial" in ids
    for s in json.loads(listed.stdout):
        assert str(installed) in s["path"] or s.get("source") == "local"
    played = run(installed, tmp_path, "run", "tutorial", "--db", str(tmp_path / "s.sqlite"), "--bots", "--seed", "3")
    assert played.returncode == 0, played.stderr
    assert run(installed, tmp_path, "verify", str(tmp_path / "s.sqlite")).returncode == 0
    assert run(installed, tmp_path, "validate", "--strict", "tutorial").returncode == 0
