"""`--player NATION="name or role"`: who plays each nation, typed where a session starts on the command line,
stored in the session's SessionStarted for the report's participants."""

from __future__ import annotations

from typing import Any

import typer

from exercise.cli._app import fail


def player_option() -> Any:
    return typer.Option([], "--player", metavar='NATION="NAME OR ROLE"',
                        help="Who plays a nation (people's names or their roles), for the report; repeatable.")


def parse_players(given: list[str], nations: list[str], title: str) -> dict[str, str]:
    """`--player NATION=WHO`, each checked: nation -> who (spaces collapsed)."""
    out: dict[str, str] = {}
    for item in given:
        nation, eq, who = item.partition("=")
        nation, who = nation.strip(), " ".join(who.split())
        if not eq or not nation or not who:
            fail(f'--player {item}: give NATION="name or role", e.g. --player {nations[0]}="Ministry of Defence"')
        if nation not in nations:
            fail(f"--player {item}: '{nation}' is not a nation of {title} (nations: {', '.join(nations)})")
        if nation in out:
            fail(f"--player names {nation} twice")
        out[nation] = who
    return out
