"""`tabletop play`: the terminal UI.

    tabletop play                              the launcher: scenarios, modes, sessions to resume
    tabletop play SCENARIO                     the launcher with SCENARIO chosen
    tabletop play SCENARIO --solo NATION       play NATION alone; bots play the others (--seed N repeats a game)
    tabletop play --db FILE                    resume a session: the facilitator console, the solo game, hot-seat
    tabletop play --db FILE --team NATION      join a session as NATION's team console
    tabletop play SCENARIO --db FILE           start a new session in FILE (launcher to pick the mode)
    tabletop play SCENARIO --db FILE --facilitate [--bot NATION=PROFILE]... [--player NATION="NAME OR ROLE"]...
                                               the facilitator's console on a new session in FILE; the nations
                                               named by --bot are played by bots, the others join with --team;
                                               --player names who plays a nation, for the report
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exercise.cli._app import PANEL_PLAY, app, db_location, display, err, fail, load, note, scenario_path
from exercise.cli._library import library_option
from exercise.cli._players import parse_players, player_option

if TYPE_CHECKING:
    from exercise.store import Location
    from exercise.ui.app import TtxApp


@app.command(rich_help_panel=PANEL_PLAY)
def play(
    scenario: str | None = typer.Argument(
        None, metavar="SCENARIO", help="a scenario file, a folder holding scenario.yaml, or a scenario id"),
    db: str | None = typer.Option(
        None, "--db", metavar="DB", help="the session file (or postgresql://host/dbname#SESSION): resumed or joined "
        "if it exists, else created"),
    team: str | None = typer.Option(None, "--team", metavar="NATION", help="join the session as this nation"),
    solo: str | None = typer.Option(None, "--solo", metavar="NATION",
                                    help="play this nation alone; bots play the others"),
    seed: int | None = typer.Option(None, "--seed", metavar="N", help="the seed of a new session (repeatable)"),
    facilitate: bool = typer.Option(False, "--facilitate",
                                    help="open the facilitator's console on a new session in --db FILE, without "
                                    "the launcher; teams join it with --db FILE --team NATION"),
    bot: list[str] = typer.Option([], "--bot", metavar="NATION=PROFILE",
                                  help="with --facilitate: this nation is played by its bot with this profile "
                                  "(repeatable)"),
    library_path: list[Path] = library_option(),
    player: list[str] = player_option(),
) -> None:
    """The terminal UI: with no scenario, a launcher listing the scenarios and the sessions to resume."""
    from exercise.ui.app import make_app
    from exercise.ui.config import AppConfig

    where: Location | None = None if db is None else db_location(db)
    if team and solo:
        fail("--team joins a running session and --solo starts a new one: give one of them")
    if bot and not facilitate:
        fail("--bot chooses the bots of a new facilitated session: give --facilitate too")
    if player and not facilitate:
        fail("--player names who plays a new facilitated session's nations: give --facilitate too (the launcher's "
             "set-up asks for them in every mode)")
    if facilitate:
        _check_facilitate(scenario, where, team, solo)
    existing = where is not None and (where.is_file() and where.stat().st_size > 0 if isinstance(where, Path)
                                      else _session_exists(where))
    if team and not existing:
        fail("--team joins a session: give its file with --db FILE" if db is None else
             f"{display(db)}: no such session file (the facilitator creates it; then join with --db FILE --team "
             f"{team})")
    path: Path | None = None
    bots: dict[str, str] = {}
    players: dict[str, str] = {}
    if existing:
        assert where is not None
        _check_session(where, team)
        if scenario:
            note(f"resuming {display(db)}: the scenario stored in the session is used, not {scenario}")
        if solo:
            note(f"resuming {display(db)}: --solo applies only to a new session")
        if seed is not None:
            note(f"resuming {display(db)}: --seed applies only to a new session")
        if library_path:
            note(f"resuming {display(db)}: --library-path applies only to a new session (the session keeps a "
                 "copy of its scenario and libraries)")
        solo = None
    elif scenario:
        path = scenario_path(scenario)
        compiled = load(scenario, library_path)  # a broken scenario is reported here, with every problem, not in the UI
        if solo and solo not in compiled.nations:
            fail(f"'{solo}' is not a nation of {compiled.title} (nations: {', '.join(compiled.nations)})")
        bots = _bot_profiles(bot, list(compiled.nations), compiled.title)
        players = parse_players(player, list(compiled.nations), compiled.title)
    elif solo:
        fail("--solo starts a new game: give the SCENARIO to play (tabletop scenarios lists them)")
    elif db is not None:
        fail(f"{display(db)}: no such session file; give a SCENARIO to start a new session in it")
    # Textual draws on stderr: with stderr sent to a file, the screen would go there and the terminal stay blank.
    if not (sys.stdin.isatty() and sys.stdout.isatty() and sys.stderr.isatty()):
        fail("tabletop play needs a terminal on stdin, stdout and stderr (for headless sessions use `tabletop run`)")
    # The terminal's own size (ioctl) is the truth: an exported COLUMNS/LINES (tmux sets them for a server
    # started without a terminal; some shells export them) would pin Textual to a stale size.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    config = AppConfig(scenario=path, db=where, team=team, solo=solo, seed=seed, workdir=Path.cwd(),
                       library=library_path, facilitate=facilitate, bots=bots, players=players)
    run_in_terminal(make_app(config))


def run_in_terminal(app: TtxApp) -> None:
    """Run the app until it stops. A quit returns (exit 0); anything else must not look like one: an app
    stopped by an unexpected error, or by SIGINT/SIGTERM, exits non-zero with one line on stderr, after
    Textual has given the terminal back."""
    received: list[int] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()

        def stop(signum: int) -> None:
            if received:  # asked again: the app has not managed to stop, so stop the way the signal means
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)
                return
            received.append(signum)
            app.exit(return_code=128 + signum)  # restores the terminal; the session was saved as it went

        # Without these, SIGTERM kills the process with the terminal still in Textual's modes (alternate
        # screen, mouse reporting), and asyncio turns SIGINT into a cancellation that ends like a quit.
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop, signum)
        await app.run_async()

    asyncio.run(run())
    code = app.return_code or 0
    if app.failure is not None:
        err(app.failure)
    elif received:
        back = _session_hint(app)
        err(f"tabletop stopped by {signal.Signals(received[0]).name}" + (f": {back}" if back else ""))
    elif code:
        err(f"tabletop stopped with status {code}")
    elif app.farewell is not None:  # a quit with a session open: where it is kept, and the command back to it
        from exercise.engine.text import visible

        typer.echo(visible(app.farewell))
    if code:
        raise typer.Exit(code)


def _session_hint(app: TtxApp) -> str | None:
    command = app.resume_command()
    return None if command is None else f"the session is saved; `{command}` returns to it"


def _check_facilitate(scenario: str | None, db: Location | None, team: str | None, solo: str | None) -> None:
    """`--facilitate` starts a new session in a new file: one line for each way the line cannot."""
    if team or solo:
        fail(f"--facilitate opens the facilitator's console; {'--team' if team else '--solo'} opens a team's: "
             "give one of them")
    if not scenario:
        fail("--facilitate starts a new session: give the SCENARIO to run (tabletop scenarios lists them)")
    if db is None:
        fail("--facilitate needs the new session's file: --db FILE (the teams join with tabletop play --db FILE "
             "--team NATION)")
    if db.exists() or db.is_symlink() if isinstance(db, Path) else _session_exists(db):
        fail(f"{display(db)} already exists: --facilitate starts a new session in a new file "
             f"(tabletop play --db {display(db)} returns to this one)")


def _bot_profiles(given: list[str], nations: list[str], title: str) -> dict[str, str]:
    """`--bot NATION=PROFILE`, each checked: nation -> profile."""
    from exercise.engine.models import BOT_PROFILES

    out: dict[str, str] = {}
    for item in given:
        nation, eq, profile = (part.strip() for part in item.partition("="))
        if not eq or not nation or not profile:
            fail(f"--bot {item}: give NATION=PROFILE, e.g. --bot {nations[0]}=cautious")
        if nation not in nations:
            fail(f"--bot {item}: '{nation}' is not a nation of {title} (nations: {', '.join(nations)})")
        if profile not in BOT_PROFILES:
            fail(f"--bot {item}: '{profile}' is not a bot profile (profiles: {', '.join(BOT_PROFILES)})")
        if nation in out:
            fail(f"--bot names {nation} twice")
        out[nation] = profile
    return out


def _session_exists(db: Location) -> bool:
    from exercise.store import session_exists

    return session_exists(db)


def _check_session(db: Location, team: str | None) -> None:
    """Fail with one clear line when the session file cannot be used, before the screen is taken over."""
    from exercise.live import LiveSession

    live = LiveSession.open(db)  # SessionFileError is reported by the CLI as one line
    try:
        if team is not None and team not in live.scenario.nations:
            fail(f"'{team}' is not a nation of {live.scenario.title} (nations: {', '.join(live.scenario.nations)})")
    finally:
        live.close()
