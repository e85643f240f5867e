"""Session files to check and to tamper with, for the tests of the session file as a whole."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from harness import MINI, cli_env, command, in_process

Done = subprocess.CompletedProcess[str]


def played(folder: Path, name: str = "base.sqlite") -> Path:
    """A finished headless session of the mini scenario, played by its bots (closed cleanly: one file)."""
    path = folder / name
    done = in_process("run", MINI, "--db", path, "--bots", "--seed", "3")
    assert done.returncode == 0, done.stderr
    return path


def copy_of(base: Path, folder: Path, name: str = "s.sqlite") -> Path:
    target = folder / name
    shutil.copyfile(base, target)
    return target


def tamper(db: Path, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
    """Change the file behind tabletop's back, as another tool (or someone covering tracks) would."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        for statement in statements:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            conn.execute(sql, params)
    finally:
        conn.close()


def one_error_line(done: Done) -> str:
    """The one `error: ...` line a refused command prints on stderr (asserting there is exactly one)."""
    assert "Traceback" not in done.stdout + done.stderr and "internal error" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def read_only_mount_works() -> bool:
    """Whether this machine lets us mount a folder read-only in a private mount namespace (root, unshare)."""
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind / /mnt && mount -o remount,ro,bind /mnt"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


def on_read_only_mount(folder: Path, *args: object, timeout: float = 120) -> Done:
    """`tabletop ARGS` run in `folder` while that folder is mounted read-only over itself, in a mount namespace
    of its own: the kernel answers every write there with EROFS, for root too, as on a read-only USB stick."""
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && cd "$1" && shift && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), *command(*args)],
                          capture_output=True, text=True, env=cli_env(), timeout=timeout, stdin=subprocess.DEVNULL)
