"""`tabletop simulate`: thousands of headless games, to find what an author missed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from exercise.cli._app import PANEL_AUTHOR, app, fail, load
from exercise.cli._library import library_option

if TYPE_CHECKING:
    from exercise.engine.compile import CompiledScenario
    from exercise.engine.simulate import SimResult

Profile = Literal["mixed", "scenario", "cautious", "cooperative", "self-interested", "hawkish", "random"]


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:5.1f}%" if total else "   - "


def _bar(n: int, total: int, width: int = 20) -> str:
    filled = round(width * n / total) if total else 0
    return "█" * filled + "·" * (width - filled)


@app.command(rich_help_panel=PANEL_AUTHOR)
def simulate(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help="Scenario file, folder or id."),
    n: int = typer.Option(200, "-n", "--games", min=1, metavar="N", help="Number of games."),
    seed: int = typer.Option(0, "--seed", metavar="S", help="Seed of the first game (game i uses seed + i)."),
    bots: Profile = typer.Option("mixed", "--bots", metavar="PROFILE",
                             help="Who plays: mixed (rotates each nation's own profile and every profile, "
                             "random included), scenario (each nation's own profile), or one of cautious, "
                             "cooperative, self-interested, hawkish, random for every nation."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object: games, injects, options, endings, "
                                 "dead_ends, per_second, …"),
    library_path: list[Path] = library_option(),
) -> None:
    """Play N headless games with bots: coverage of injects, options and endings, state ranges, dead ends."""
    from exercise.engine.simulate import simulate as run_simulation

    sc = load(scenario, library_path)
    try:
        result = run_simulation(sc, n, seed=seed, bots=bots)
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    _report(sc, result, seed, bots)


def _report(sc: CompiledScenario, res: SimResult, seed: int, bots: str) -> None:
    echo = typer.echo
    g = res.games
    head = typer.style

    echo(head(f"{sc.title}: {g} games", bold=True) + f"  (seed {seed}, bots: {bots})")
    echo(f"  {res.seconds:.2f} s · {res.per_second:,.0f} games/s · {res.decisions_per_second:,.0f} decisions/s · "
         f"{res.decisions / g if g else 0:.1f} decisions a game")

    echo("")
    echo(head("Endings", bold=True))
    titles = {e.id: e.model.title for e in sc.endings}
    wid = max([len(i) for i in res.endings] + [len("(no ending)")])
    for eid, count in res.endings.items():
        flag = "  ⚠ never reached" if count == 0 else ""
        echo(f"  {eid:<{wid}}  {count:>6}  {_pct(count, g)}  {_bar(count, g)}  {titles.get(eid, '')}{flag}")
    if res.dead_ends:
        echo(head(f"  {'(no ending)':<{wid}}  {res.dead_ends:>6}  {_pct(res.dead_ends, g)}  {_bar(res.dead_ends, g)}"
                  "  ⚠ dead ends: games that stopped with no ending", fg="red"))

    if len(res.by_profile) > 1 or bots != "scenario":
        echo("")
        echo(head("Endings by profile", bold=True))
        cols = [*res.endings, "(none)"]
        pw = max(len(p) for p in res.by_profile) if res.by_profile else 8
        cw = [max(len(c), 6) for c in cols]
        heads = "  ".join(f"{c:>{w}}" for c, w in zip(cols, cw, strict=True))
        echo("  " + f"{'profile':<{pw}}  {'games':>6}  " + heads)
        for prof, per in res.by_profile.items():
            total = sum(per.values())
            cells = [f"{_pct(per.get(c, 0), total).strip():>{w}}" for c, w in zip(cols, cw, strict=True)]
            echo("  " + f"{prof:<{pw}}  {total:>6}  " + "  ".join(cells))

    if res.outcomes:
        echo("")
        echo(head("Each nation's own result", bold=True))
        titles = {f"{n}/{o.id}": o.model.title for n, got in sc.outcomes.items() for o in got}
        ow = max(len(k) for k in res.outcomes)
        for key, count in res.outcomes.items():
            flag = "  ⚠ never reached" if count == 0 else ""
            echo(f"  {key:<{ow}}  {count:>6}  {_pct(count, g)}  {titles.get(key, '')}{flag}")

    echo("")
    reached = sum(1 for v in res.injects.values() if v)
    echo(head(f"Injects: {reached} of {len(res.injects)} released in at least one game", bold=True))
    iw = max([len(i) for i in res.injects] + [10])
    for iid, count in res.injects.items():
        flag = "  ⚠ never released" if count == 0 else ""
        echo(f"  {iid:<{iw}}  {count:>6}  {_pct(count, g)}{flag}")

    echo("")
    reached = sum(1 for v in res.options.values() if v)
    echo(head(f"Options: {reached} of {len(res.options)} chosen in at least one game", bold=True))
    ow = max([len(o) for o in res.options] + [10])
    for oid, count in res.options.items():
        flag = "  ⚠ never chosen" if count == 0 else ""
        echo(f"  {oid:<{ow}}  {count:>6}  {_pct(count, g)}{flag}")

    echo("")
    echo(head("State ranges (lowest … highest seen; mean at the end; start; bounds)", bold=True))
    start = dict(zip(sc.layout.keys, sc.start, strict=True))
    kw = max([len(k) for k in res.ranges] + [10])
    for slot, (key, (lo, hi)) in enumerate(res.ranges.items()):
        var = sc.layout.var_of[sc.layout.index[key]]
        spec = sc.vars[var]
        pinned = "  (never moved)" if lo == hi else ""
        edge = "  hits the floor" if lo <= spec.min < hi else ""
        edge += "  hits the ceiling" if hi >= spec.max > lo else ""
        echo(f"  {key:<{kw}}  {lo:>6g} … {hi:<6g}  mean {res.mean(slot):<6g}  start {start[key]:g}; "
             f"{spec.min:g}..{spec.max:g}{pinned}{edge}")

    unreached = res.unreached()
    echo("")
    if unreached or res.dead_ends:
        echo(head("Needs a look", bold=True, fg="yellow"))
        for u in unreached:
            echo(f"  ⚠ {u}: never reached in {g} games")
        if res.dead_ends:
            echo(f"  ⚠ {res.dead_ends} dead end(s): give the last ending no 'when' so every game ends somewhere")
    else:
        echo(head("Every inject, option and ending was reached; no dead ends.", fg="green"))
