"""`tabletop serve`: the workshop in a browser.

    tabletop serve SCENARIO --db FILE [--bot NATION=PROFILE]... [--player NATION="NAME OR ROLE"]...
                                                                  a new facilitated session in FILE, served
    tabletop serve --db FILE                                      an existing facilitated session, served
        [--host 127.0.0.1] [--port 8000] [--codes FILE] [--new-codes]

Each role (the facilitator, each nation people play, the observer) has a join code, printed once here and
written to --codes FILE (mode 0600) when given; the session file keeps only their salted hashes. Served again,
the session keeps its codes (which cannot be printed again), unless --new-codes replaces them.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exercise.cli._app import PANEL_PLAY, app, display, fail, load, note
from exercise.cli._players import parse_players, player_option

if TYPE_CHECKING:
    from exercise.live import LiveSession
    from exercise.serve.codes import JoinCodes
    from exercise.store import Location

EXTRA = "tabletop serve needs the serve extra: pip install 'tabletop-exercise[serve]'"
README_SECTION = "README: Run a workshop over the network"


@app.command(rich_help_panel=PANEL_PLAY)
def serve(
    scenario: str | None = typer.Argument(
        None, metavar="SCENARIO", help="start a new facilitated session of this scenario (file, folder or id); "
        "without it, --db FILE is an existing session to serve"),
    db: str = typer.Option(..., "--db", metavar="DB", help="the session file, or postgresql://host/dbname#SESSION"),
    host: str = typer.Option("127.0.0.1", "--host", help="the address to listen on (another than 127.0.0.1: put "
                             "TLS in front, see the README)"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="the port to listen on"),
    codes: Path | None = typer.Option(None, "--codes", metavar="FILE",
                                      help="write the join codes to FILE as JSON (mode 0600)"),
    bot: list[str] = typer.Option([], "--bot", metavar="NATION=PROFILE",
                                  help="with SCENARIO: this nation is played by its bot with this profile "
                                  "(repeatable)"),
    new_codes: bool = typer.Option(False, "--new-codes", help="replace the session's join codes (the old ones, "
                                   "and browsers that joined with them, stop working)"),
    player: list[str] = player_option(),
) -> None:
    """The workshop in a browser: one console per connection, each role behind its own join code."""
    try:
        from exercise.serve.proctitle import hide_passwords
        from exercise.serve.server import Workshop, WorkshopServer
        from exercise.serve.spare import Spares

        hide_passwords()  # before anything slow: the process list shows the line as typed until then
    except ImportError:
        fail(EXTRA)
    from exercise.serve import stored
    from exercise.serve.bots import BotHost
    from exercise.serve.codes import JoinCodes
    from exercise.store import locate

    where = locate(db)
    if codes is not None and isinstance(where, Path) and codes.resolve() == where.resolve():
        fail("--codes FILE must not be the session file")
    if codes is not None and not codes.parent.is_dir():  # found before a new session is made, not after
        fail(f"--codes {display(codes)}: no such folder {display(codes.parent)}")
    _check_port(host, port)
    live = _new_session(scenario, where, bot, player) if scenario is not None else \
        _existing_session(where, bot, player)
    try:
        started = live.state.started
        assert started is not None
        people = [n for n in live.scenario.nations if started.teams.get(n, "human") == "human"]
        robots = sorted(n for n in live.scenario.nations if n not in people)
        url = _url(host, port)
        hashes = stored.stored_hashes(live)
        made: JoinCodes | None = None
        if new_codes or not hashes:
            made = JoinCodes.new(people)
            if codes is not None:
                _write_codes(codes, made.as_json(url))
            stored.replace_codes(live, made)
            hashes = stored.stored_hashes(live)
        elif codes is not None and not codes.exists():
            fail(f"--codes {display(codes)}: this session's join codes were made by an earlier serve and are kept "
                 "only as hashes, so they cannot be written again; add --new-codes to make new ones")
        key = stored.cookie_key(live)
        title, nations = live.scenario.title, {n: v.name for n, v in live.scenario.nations.items()}
    finally:
        live.close()

    _say_what_is_served(title, where, url, host, made, codes, robots, nations)
    server = WorkshopServer(Workshop(db=where, title=title, nations=nations, hashes=hashes, cookie_key=key, url=url),
                            host=host, port=port, spares=Spares())
    bots = BotHost(where) if robots else None
    if bots is not None:
        bots.start()
    try:
        server.serve()
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    finally:
        if bots is not None:
            bots.stop()
    typer.echo(f"stopped; the session is saved: tabletop serve --db {display(db)} serves it again")


def _new_session(scenario: str, db: Location, bot: list[str], player: list[str]) -> LiveSession:
    from exercise.cli.play import _bot_profiles
    from exercise.live import LiveSession
    from exercise.store import session_exists

    if session_exists(db):
        fail(f"{display(db)} already exists: a SCENARIO starts a new session in a new file "
             f"(tabletop serve --db {display(db)} serves this one)")
    compiled = load(scenario)
    bots = _bot_profiles(bot, list(compiled.nations), compiled.title)
    players = parse_players(player, list(compiled.nations), compiled.title)
    teams = {**{n: "human" for n in compiled.nations}, **{n: f"bot:{p}" for n, p in bots.items()}}
    seed = random.SystemRandom().randrange(1, 1_000_000)
    return LiveSession.create(db, compiled, seed=seed, teams=teams, mode="facilitated", players=players)


def _existing_session(db: Location, bot: list[str], player: list[str]) -> LiveSession:
    from exercise.live import LiveSession
    from exercise.store import session_exists

    if bot:
        fail("--bot chooses the bots of a new session: give the SCENARIO too (an existing session keeps the "
             "players it started with)")
    if player:
        fail("--player names who plays a new session's nations: give the SCENARIO too (an existing session keeps "
             "the names it started with)")
    if not (db.is_file() if isinstance(db, Path) else session_exists(db)):
        where = "file" if isinstance(db, Path) else "in this database"
        fail(f"{display(db)}: no such session {where}; give a SCENARIO to start a new session in it")
    live = LiveSession.open(db)
    started = live.state.started
    if started is None or started.mode != "facilitated":
        mode = started.mode if started is not None else "not started"
        live.close()
        fail(f"{display(db)} is a {mode} session: serve runs facilitated sessions (start one with "
             f"tabletop serve SCENARIO --db NEW_FILE)")
    return live


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _check_port(host: str, port: int) -> None:
    """Refuse a port that is taken before any code is made or printed."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.create_server((host, port), family=family, reuse_port=False):
            pass
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def _write_codes(path: Path, content: dict[str, object]) -> None:
    """Written whole or not at all, readable by its owner only from the first byte."""
    text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"--codes {display(path)}: {exc.strerror or exc}")


def _say_what_is_served(title: str, db: Location, url: str, host: str, made: JoinCodes | None, codes: Path | None,
                        robots: list[str], nations: dict[str, str]) -> None:
    from exercise.engine.text import visible

    typer.echo(visible(f"Serving {title} ({display(db)}) on {url}"))
    if made is not None:
        typer.echo("Join codes (shown this once; the session file keeps only their hashes):")
        rows = [("facilitator", made.facilitator),
                *((visible(f"{nations[nation]} ({nation})"), code) for nation, code in made.teams.items()),
                ("observer", made.observer)]
        width = max(len(label) for label, _ in rows)  # codes in one column: they are read aloud down the list
        for label, code in rows:
            typer.echo(f"  {label.ljust(width)}  {code}")
        if codes is not None:
            typer.echo(f"Written to {display(codes)} (readable by you only).")
    else:
        where = f" ({display(codes)} holds them if an earlier serve wrote them there)" if codes is not None else ""
        note("Join codes: the ones made by an earlier serve of this session still work; they are kept only as "
             f"hashes, so they cannot be shown again{where}. --new-codes makes new ones.")
    if robots:
        typer.echo(visible("Played by the server's bots: " + ", ".join(nations[n] for n in robots)))
    if not _loopback(host):
        note(f"Listening on {host} without TLS: anyone on the network path can read the codes and the exercise. "
             "Put a reverse proxy with TLS in front (Caddy or nginx) and give teams its https:// address; "
             f"{README_SECTION}.")
    typer.echo("Press Ctrl+C to stop.")
