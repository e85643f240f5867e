"""`--library-path DIR`: the folders a scenario may include inject libraries from, for every command that loads one."""

from __future__ import annotations

from typing import Any

import typer

HELP = ("A folder the scenario may include inject libraries from, besides its own folder and the injects/ folders "
        "beside it (repeatable; also TABLETOP_LIBRARY_PATH, separated by ':').")


def library_option() -> Any:
    return typer.Option([], "--library-path", metavar="DIR", show_default=False, help=HELP, exists=True,
                        file_okay=False)
