"""The server's own line in the process list, without the password a `--db postgresql://user:secret@…` carries.

Every user of the machine can read every process's command line (`ps`, /proc/PID/cmdline), and `serve` runs for
hours. A password typed on the command line is there from the start until `serve` rewrites it here, a moment
after starting: the README's advice stands (`~/.pgpass` or PGPASSWORD, not the URL). The consoles `serve` starts
never have it on theirs (console.py).
"""

from __future__ import annotations

import sys

from exercise.store.locator import redact


def hide_passwords(argv: list[str] | None = None) -> bool:
    """Rewrite this process's command line with every password in it shown as ***; whether it had one."""
    words = sys.orig_argv if argv is None else argv
    shown = [redact(word) for word in words]
    if shown == words:
        return False
    from setproctitle import setproctitle

    setproctitle(" ".join(shown))
    return True
