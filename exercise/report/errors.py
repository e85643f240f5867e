"""The one error the report layer raises for a problem the user can fix; its message is one clear line."""

from __future__ import annotations

import stat
from pathlib import Path


class ReportError(Exception):
    pass


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def check_session_file(path: str | Path) -> None:
    """Refuse, with ReportError, a name that cannot be a session file, saying what it is: nothing there, or a folder,
    a FIFO, a device. Only the name is looked at (a FIFO is never opened, so nothing waits for a writer); the store
    makes its own checks when it opens the file."""
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        raise ReportError(f"{path}: no such session file") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "something else")
        raise ReportError(f"{path}: not a regular file ({kind}), so not a session file")
