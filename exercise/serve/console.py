"""The process `serve` starts for one browser connection: the console of one role on the served session.

    TABLETOP_SERVED_DB=DB python -m exercise.serve.console --team NATION     a team's console
    TABLETOP_SERVED_DB=DB python -m exercise.serve.console --facilitator     the facilitator's console
    TABLETOP_SERVED_DB=DB python -m exercise.serve.console --observer        an observer's read-only console

`--served-at URL` names the address the server answers on, which the facilitator's console gives as where the
teams join (instead of `tabletop play` commands for a terminal).

The session arrives in this process's environment, never on its command line: a PostgreSQL URL may carry a
password, and every user of the machine can read every process's command line (`ps`, /proc/PID/cmdline), while
only this user can read its environment. The console takes it out of its environment at once, so nothing it
might start inherits it. The role arrives as these words only; the join code that earned it never leaves the
server. textual-serve
sets TEXTUAL_DRIVER in the environment, so the app draws to the browser through stdout, not to a terminal
(which is why this is not `tabletop play`, which insists on one).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .codes import CONTROL, OBSERVER, role_nation

if TYPE_CHECKING:
    from exercise.store import Location
    from exercise.ui.app import TtxApp
    from exercise.ui.config import AppConfig


DB_VARIABLE = "TABLETOP_SERVED_DB"


def console_argv(role: str, served_at: str | None = None) -> list[str]:
    """The command line of the console for a role as the cookie names it (codes.py: control, observer, team:…).
    It names no session: console_environment does, out of the process list."""
    nation = role_nation(role)
    if nation is not None:
        who = ["--team", nation]
    elif role in (CONTROL, OBSERVER):
        who = ["--facilitator" if role == CONTROL else "--observer"]
    else:  # a console is never started for a role nobody named (the server refuses such a cookie first)
        raise ValueError(f"no console for the role {role!r}")
    where = ["--served-at", served_at] if served_at is not None else []
    return [sys.executable, "-m", "exercise.serve.console", *who, *where]


def console_environment(db: Location) -> dict[str, str]:
    """What the console's environment adds to the server's: the session, a URL with any password it carries
    (the console connects on its own)."""
    return {DB_VARIABLE: str(db) if isinstance(db, Path) else db.url}


def served_app(config: AppConfig) -> TtxApp:
    """The app for one served role. Where the terminal app falls back to its launcher when the session does not
    open, this one stops: the launcher lists and opens every session under the server's folder, in any role,
    which is not for a browser that joined as one team."""
    from exercise.ui import app as ui_app
    from exercise.ui.app import TtxApp

    class ServedApp(TtxApp):
        # Textual reads a relative CSS_PATH from the folder of the class that names it: this one's is elsewhere.
        CSS_PATH = str(Path(ui_app.__file__).with_name("app.tcss"))

        def __init__(self, config: AppConfig) -> None:
            super().__init__(config)
            # Nothing slides here: each frame of an animation (the tabs' underline, a dozen of them a switch) is
            # drawn and sent to the browser, and one machine serves every console of the room.
            self.animation_level = "none"

        def _open_from_config(self) -> bool:
            if super()._open_from_config():
                return True
            self.exit(return_code=1, message="The console could not open the session: ask the facilitator.")
            return True  # no launcher

    return ServedApp(config)


ORPHAN_CHECK_SECONDS = 1.0
ORPHAN_GRACE_SECONDS = 5.0


def leave_with_the_server(app: TtxApp, server: int) -> None:
    """Stop this console when the server that started it is gone. A server stopped in the ordinary way ends its
    consoles itself; one killed outright (kill -9, a crash) cannot, and textual's web driver does not stop at the
    end of its input: the console would stay, marked present, until someone killed it."""
    def watch() -> None:
        while os.getppid() == server:
            time.sleep(ORPHAN_CHECK_SECONDS)
        # A quit saves and says goodbye; if that cannot finish (nobody reads our output now), leave anyway.
        threading.Timer(ORPHAN_GRACE_SECONDS, os._exit, (1,)).start()
        try:
            app.call_from_thread(app.exit, None, 1)
        except Exception:
            os._exit(1)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercise.serve.console",
                                     epilog=f"The session is read from {DB_VARIABLE} in the environment.")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--team", metavar="NATION")
    who.add_argument("--facilitator", action="store_true")
    who.add_argument("--observer", action="store_true")
    parser.add_argument("--served-at", metavar="URL")
    args = parser.parse_args(argv)
    given = os.environ.pop(DB_VARIABLE, "")
    if not given:
        print(f"no session: {DB_VARIABLE} is not set (tabletop serve starts this console)", file=sys.stderr)
        return 1
    from exercise.store import StoreError, locate

    try:
        db = locate(given)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    if isinstance(db, Path) and not db.is_file():
        print(f"{db}: no such session file", file=sys.stderr)
        return 1

    from exercise.ui.config import AppConfig

    server = os.getppid()
    if server == 1:  # the server died before this console got going
        return 1
    app = served_app(AppConfig(db=db, team=args.team, observer=args.observer, served_at=args.served_at,
                               workdir=Path.cwd()))
    leave_with_the_server(app, server)
    app.run()
    if app.failure is not None:
        print(app.failure, file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
