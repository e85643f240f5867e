"""The flagships are dilemmas, measured the way an author measures them: `tabletop simulate --json`.

Cooperation carries a domestic price (mean end support at home lower under the cooperative profile than under
the self-interested one, for at least half the nations); no bot profile reaches one ending in more than three
games in four; every inject, option, ending and national outcome is reached by some profile; no dead ends.
A fixed seed and 120 games a profile: stable to a few points, a few seconds a scenario.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from harness import in_process

from exercise.engine.models import BOT_PROFILES
from exercise.engine.session import Refused, Session

FLAGSHIPS = ["northern-shield", "dry-river"]
GAMES = 120


@cache
def simulated(scenario: str, profile: str) -> dict[str, Any]:
    done = in_process("simulate", scenario, "-n", GAMES, "--seed", 11, "--bots", profile, "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("scenario", FLAGSHIPS)
def test_cooperation_costs_support_at_home(scenario: str) -> None:
    coop, selfish = simulated(scenario, "cooperative")["ranges"], simulated(scenario, "self-interested")["ranges"]
    support = [k for k in coop if k.startswith("support[")]
    cheaper = [k for k in support if coop[k]["mean"] < selfish[k]["mean"]]
    assert len(cheaper) * 2 >= len(support), {k: (coop[k]["mean"], selfish[k]["mean"]) for k in support}


@pytest.mark.parametrize("scenario", FLAGSHIPS)
@pytest.mark.parametrize("profile", BOT_PROFILES)
def test_no_profile_reaches_one_ending_in_more_than_three_games_in_four(scenario: str, profile: str) -> None:
    got = simulated(scenario, profile)
    assert got["dead_ends"] == 0
    top, count = max(got["endings"].items(), key=lambda kv: kv[1])
    assert count <= 0.75 * got["games"], f"{profile} reaches '{top}' in {count} of {got['games']} games"


@pytest.mark.parametrize("scenario", FLAGSHIPS)
def test_every_inject_option_ending_and_outcome_is_reached_by_some_profile(scenario: str) -> None:
    runs = [simulated(scenario, p) for p in BOT_PROFILES]
    for kind in ("injects", "options", "endings", "outcomes"):
        never = [k for k in runs[0][kind] if not any(r[kind][k] for r in runs)]
        assert not never, f"{kind} never reached: {never}"


def test_host_consent_gates_dry_rivers_deployment() -> None:
    from exercise.engine.compile import load_scenario
    from exercise.resources import data_dir

    sc = load_scenario(data_dir("scenarios") / "dry-river")
    s = Session(sc)
    s.start(3, {})
    s.advance()
    s.advance()
    s.advance()
    s.decide("sorvane", "mission-consent", "decline", "no foreign troops in the north")
    s.advance()
    # A majority would carry the mandate; without the host's consent no member may vote for a mission at all.
    for nation in ("hadra", "kerizi", "ondara"):
        with pytest.raises(Refused, match="declined its consent"):
            s.decide(nation, "mission-vote", "protection-mission", "protect civilians")
        with pytest.raises(Refused, match="declined its consent"):
            s.decide(nation, "mission-vote", "observer-mission", "watch")
    while s.state.ended is None:
        s.advance()
    assert s.state.vals[sc.layout.slot("mission_strength")] == 0
