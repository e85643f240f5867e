"""The commands the command-line contract (../shared/design.md) promises, for the tests that check them in
this checkout (test_cli_commands.py) and in an installed wheel (test_wheel.py)."""

from __future__ import annotations

CONTRACT = frozenset({"play", "scenarios", "validate", "schema", "simulate", "run", "serve", "log", "verify", "copy",
                      "test", "new", "msel", "report", "export"})
GROUPS = {"msel": frozenset({"export", "import"})}


def every_invocation() -> list[tuple[str, ...]]:
    """Each command, and each subcommand of a group, as the words that name it."""
    return [(name,) for name in sorted(CONTRACT)] + [(g, sub) for g, subs in GROUPS.items() for sub in sorted(subs)]
