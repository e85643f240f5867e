"""`tabletop run`: a headless session stored in a session file, driven by a script or by the bots.

Durability: every command (a bot's decision, a clock advance, a script step) is one `LiveSession.execute`,
so one transaction: after a crash the log ends at a command boundary, never inside one.

Resume: running the same command on the same file continues where the log ends.
- `--bots` needs nothing stored: the state says what is pending, and a bot's choice depends only on
  (seed, position in the log), so the resumed process makes exactly the choices the killed one would have.
- `--script` works out how many steps are done from the log itself: it replays the script in memory
  from the stored `SessionStarted` and counts the steps whose events are all in the log. No progress
  counter is stored (a counter written in a separate transaction could disagree with the log after a
  kill), and the replay doubles as a check: a script edited since, or events appended by someone else,
  are reported instead of being silently mixed.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exercise.cli._app import PANEL_PLAY, CliError, app, display, fail, load, note
from exercise.cli._library import library_option
from exercise.cli._players import parse_players, player_option

if TYPE_CHECKING:
    from exercise.cli._render import Narrator
    from exercise.cli._script import Script
    from exercise.engine.compile import CompiledScenario
    from exercise.live import LiveSession


# -- the command -----------------------------------------------------------------------------------

def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def _open_or_create(db: str, ref: str, teams: dict[str, str] | None, seed: int | None,
                    default_seed: int | None, library: list[Path],
                    players: list[str] | None = None) -> tuple[LiveSession, bool]:
    """(session, resumed). A file with events is resumed from its own snapshot; else a session starts."""
    from exercise.engine.diagnostics import ScenarioError
    from exercise.live import LiveSession
    from exercise.store import PgLocation, holds_events, locate

    where = locate(db)
    # Not a session, or one whose creation was interrupted (an empty database): `create` below takes over the
    # latter and refuses anything else, without touching it.
    if holds_events(where):
            live = LiveSession.open(where)
            given: CompiledScenario | None
            try:
                given = load(ref, library)
            except (ScenarioError, CliError):
                given = None
                note(f"note: {ref} does not load now; continuing with the scenario stored in {display(db)}")
            started = live.state.started
            if given is not None:
                if given.id != live.scenario.id:
                    live.close()
                    fail(f"{display(db)} holds a session of '{live.scenario.id}', not of '{given.id}' "
                         "(choose another --db to start a new session)")
                if started is not None and given.hash != started.scenario_hash:
                    note(f"note: {ref} has changed since this session started; continuing with the version "
                         "stored in the session file")
            if seed is not None and started is not None and seed != started.seed:
                note(f"note: this session was started with seed {started.seed}; --seed {seed} is ignored")
            if players:
                note("note: who plays each nation was stored when this session started; --player is ignored")
            return live, True
    scenario = load(ref, library)
    named = parse_players(players or [], list(scenario.nations), scenario.title)
    chosen = seed if seed is not None else default_seed if default_seed is not None else secrets.randbelow(1_000_000)
    existed = isinstance(where, PgLocation) or where.exists()
    try:
        live = LiveSession.create(where, scenario, seed=chosen, teams=teams or {}, mode="headless",
                                 players=named)
    except BaseException:
        if not existed:  # a session that could not even start leaves no file behind
            for suffix in ("", "-wal", "-shm"):
                # On read-only media the unlink fails too: the store's own message is the one to show.
                with contextlib.suppress(OSError):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
        raise
    return live, False


def _resumed_banner(narrator: Narrator, live: LiveSession, extra: str = "") -> None:
    state = live.state
    narrator.header(state)
    narrator.now = max(state.turn, 1)
    narrator.echo("")
    narrator.echo(typer.style(narrator.rule(
        f"resumed at turn {state.turn} of {live.scenario.turns} · {live.scenario.time_of(max(state.turn, 1))} "
        f"· {len(state.log)} events already stored{extra}"), bold=True, fg="magenta"))


def _already_ended(live: LiveSession, db: str) -> None:
    ended = live.state.ended
    assert ended is not None
    title = next((e.model.title for e in live.scenario.endings if e.id == ended.ending), "no ending reached")
    typer.echo(f"the session in {display(db)} already ended at turn {ended.turn}: {title}")


@app.command(rich_help_panel=PANEL_PLAY)
def run(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help="Scenario file, folder or id."),
    db: str = typer.Option(..., "--db", metavar="DB",
                           help="Session file (or postgresql://host/dbname#SESSION): created, or resumed when it "
                           "already holds a session."),
    script: Path | None = typer.Option(None, "--script", metavar="FILE",
                                       help="YAML script: optional seed and teams, then steps (the same steps "
                                       "as a scenario's tests)."),
    bots: bool = typer.Option(False, "--bots", help="Every nation is played by its bot (the profile the scenario "
                              "gives it) until the exercise ends; manual injects are released as in solo play."),
    seed: int | None = typer.Option(None, "--seed", metavar="N",
                                    help="Seed of a new session (default: the script's, else random)."),
    pace: float = typer.Option(0.0, "--pace", min=0.0, metavar="SECONDS",
                               help="Seconds to wait between turns (a quarter of it between decisions), for demos."),
    library_path: list[Path] = library_option(),
    player: list[str] = player_option(),
) -> None:
    """Run a headless session into a session file: a script of control and team commands, or the bots.

    Events are printed as they happen and stored as they are taken.

    Run the same command again on the same --db: it resumes where the log ends and finishes as an uninterrupted run.
    """
    from exercise.cli._render import Narrator
    from exercise.cli._script import load_script

    if script is not None and bots:
        fail("give either --script FILE or --bots, not both")
    if script is None and not bots:
        fail("give --script FILE (scripted commands) or --bots (every nation played by its bot)")
    parsed = load_script(script)[0] if script is not None else None
    teams = dict(parsed.teams) if parsed else {}
    default_seed = (parsed.seed if parsed.seed is not None else 1) if parsed else None
    live, resumed = _open_or_create(db, scenario, teams, seed, default_seed, library_path, player)
    narrator = Narrator(live.scenario)
    try:
        if parsed is not None:
            _run_script(live, parsed, script, db, narrator, resumed, pace)  # type: ignore[arg-type]
        else:
            _run_bots(live, db, narrator, resumed, pace)
    except KeyboardInterrupt:
        typer.echo("", err=True)
        fail("interrupted; every event so far is stored: run the same command again to resume", 130)
    finally:
        live.close()


def _run_bots(live: LiveSession, db: str, narrator: Narrator, resumed: bool, pace: float) -> None:
    from exercise.engine.commands import NextStep

    if resumed:
        if live.state.ended is not None:
            _already_ended(live, db)
            return
        _resumed_banner(narrator, live)
    else:
        narrator.entries(live.state, live.state.log)
    told_end = False
    while live.state.ended is None:
        # One transaction decides on the latest state, by the turn policy every mode uses: a bot's decision
        # if one is pending, else the stand-in's release of a due manual inject, else the clock. Deciding
        # "nothing left, advance" in the same transaction keeps two runners on one file (or a facilitator
        # acting meanwhile) from skipping a turn's decisions.
        entries = live.execute(NextStep())
        if not entries and live.state.ended is None:
            # Only a pause stops the policy when nobody is watching: someone paused the session meanwhile.
            fail(f"the session in {display(db)} is paused; resume it in its console (tabletop play --db "
                 f"{display(db)}), then run this command again")
        narrator.entries(live.state, entries)
        told_end = any(e.event.type == "SessionEnded" for e in entries)
        turned = told_end or any(e.event.type == "ClockAdvanced" for e in entries)
        if live.state.ended is None:
            _sleep(pace if turned else pace / 4)
    if not told_end:  # finished by another process writing to the same file
        end = next(e for e in reversed(live.state.log) if e.event.type == "SessionEnded")
        narrator.echo("")
        narrator.echo(f"(another process sharing {display(db)} ended the session)")
        narrator.entry(live.state, end)
    note(f"stored in {display(db)}: tabletop log {display(db)} lists the events")


def _run_script(live: LiveSession, parsed: Script, script: Path, db: str, narrator: Narrator, resumed: bool,
                pace: float) -> None:
    from exercise.cli._script import ScriptMismatch, load_script, steps_done
    from exercise.engine.commands import ScriptStep
    from exercise.engine.session import Refused

    steps = parsed.steps
    positions = load_script(script)[1]
    start = 0
    if resumed:
        try:
            start = steps_done(live, steps)
        except ScriptMismatch as exc:
            fail(f"{display(db)} was not made by this script, or the script has changed: {exc}")
        if start == len(steps):
            if live.state.ended is not None:
                _already_ended(live, db)
            else:
                typer.echo(f"the script's {len(steps)} steps are all done; the session has not ended "
                           f"(turn {live.state.turn} of {live.scenario.turns})")
            return
        _resumed_banner(narrator, live, f" · step {start + 1} of {len(steps)} next")
    else:
        narrator.entries(live.state, live.state.log)
    for k in range(start, len(steps)):
        step = steps[k]
        _sleep(pace if step.advance or step.end else pace / 4)
        try:
            entries = live.execute(ScriptStep(step))
        except Refused as exc:
            mark = positions.at(("steps", k))
            raise Refused(f"{mark.file}:{mark.line}:{mark.col}: step {k + 1}: {exc}") from None
        narrator.entries(live.state, entries)
    if live.state.ended is None:
        typer.echo("")
        typer.echo(f"end of script ({len(steps)} steps) at turn {live.state.turn} of {live.scenario.turns}; "
                   "the session has not ended")
    note(f"stored in {display(db)}: tabletop log {display(db)} lists the events")
