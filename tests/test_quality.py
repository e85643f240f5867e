"""The code's own standards, checked like behaviour: layering, types on the engine, lint everywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / name
    if not exe.exists():
        pytest.fail(f"{name} is not installed in the test environment (make test installs the dev extra)")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.mark.xdist_group("quality")
def test_layers_import_linter() -> None:
    """The engine imports neither Textual, the store, the UI nor the reports; the store imports nothing above it."""
    done = tool("lint-imports")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.xdist_group("quality")
def test_package_is_mypy_strict_clean() -> None:
    done = tool("mypy", "--strict", "exercise")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.xdist_group("quality")
def test_ruff_clean() -> None:
    done = tool("ruff", "check", "exercise", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr
