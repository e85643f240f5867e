"""One way for every test to run the `tabletop` command line.

- `tabletop(...)`: a real process (`python -m exercise`), as a user or an outside check runs it.
- `bounded(...)`: the same, under a memory ceiling and a timeout, for hostile input: a blow-up fails the
  test instead of the machine.
- `in_process(...)`: through the same `main()` the console script calls, in this process: the same output
  and exit code without the interpreter's start-up (which costs most of the suite's time).

Paths used across the suite live here too. `conftest.py` offers these as fixtures.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
BAD = REPO / "tests" / "bad"
MINI = FIXTURES / "mini.yaml"
TUTORIAL = REPO / "scenarios" / "tutorial" / "scenario.yaml"

# What a hostile input may cost: far above any real scenario, far below what hurts a shared machine.
HOSTILE_MEMORY = 500 * 1024 * 1024
HOSTILE_SECONDS = 20.0

Done = subprocess.CompletedProcess[str]


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "exercise", *map(str, args)]


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(extra or {})}
    env.pop("TABLETOP_DEBUG", None)  # tests see what users see: no tracebacks on purpose
    return env


def tabletop(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None,
             timeout: float = 180) -> Done:
    """`tabletop ARGS` in a real process."""
    return subprocess.run(command(*args), capture_output=True, text=True, cwd=cwd or REPO, env=cli_env(env),
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def bounded(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None,
            memory: int = HOSTILE_MEMORY, seconds: float = HOSTILE_SECONDS) -> Done:
    """`tabletop ARGS` in a real process that may use at most `memory` bytes of address space and `seconds`
    of wall time (subprocess.TimeoutExpired fails the test)."""
    # The interpreter, pydantic and libyaml map about 150 MB of address space before reading anything.
    return subprocess.run(command(*args), capture_output=True, text=True, cwd=cwd or REPO, env=cli_env(env),
                          timeout=seconds, stdin=subprocess.DEVNULL,
                          preexec_fn=lambda: _limit_memory(memory))


def in_process(*args: object, cwd: Path | None = None) -> Done:
    """`tabletop ARGS` through `exercise.cli.main` in this process."""
    from exercise.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd or REPO)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["tabletop", *map(str, args)], code, out.getvalue(), err.getvalue())


def no_traceback(done: Done) -> None:
    text = done.stdout + done.stderr
    assert "Traceback" not in text and "internal error" not in text, text
