"""Computer-played nations: each profile weighs what an option would do to the state, then picks.

A bot reads the same compiled effects the engine applies, so it needs no scenario-specific code.
Its draws come from (seed, position in the log, nation): a resumed session's bots choose the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .effects import Effect, compile_effect
from .session import Session, draw
from .state import Entry, State
from .views import words_of


@dataclass(frozen=True)
class Profile:
    shared: float  # global values (cohesion, stability)
    own: float  # this nation's values (its public support, resources)
    others: float  # other nations' values
    trust_in_me: float  # pairs where others trust this nation
    my_trust: float  # pairs where this nation trusts others
    risk: float  # negative: avoids chance outcomes and big swings; positive: seeks them
    temperature: float  # how far a bot strays from its best-scoring option


PROFILES: dict[str, Profile] = {
    "cooperative": Profile(shared=1.2, own=0.5, others=0.6, trust_in_me=0.8, my_trust=0.6, risk=-0.1, temperature=0.6),
    "self-interested": Profile(shared=0.15, own=1.6, others=-0.3, trust_in_me=0.3, my_trust=0.0, risk=0.0,
                               temperature=0.6),
    "cautious": Profile(shared=0.7, own=0.9, others=0.2, trust_in_me=0.4, my_trust=0.3, risk=-0.6, temperature=0.4),
    "hawkish": Profile(shared=0.6, own=1.0, others=-0.2, trust_in_me=0.2, my_trust=-0.1, risk=0.5, temperature=0.8),
}


def _weights(state: State, me: int, profile: Profile, agenda: dict[str, float]) -> list[float]:
    sc = state.scenario
    lay = sc.layout
    n = len(lay.nations)
    w = [0.0] * len(lay.keys)
    for var, spec in sc.vars.items():
        sign = -1.0 if spec.good == "low" else 1.0
        span = max(spec.max - spec.min, 1e-9) / 100.0  # weigh a point of a 0..10 scale like ten of a 0..100
        if var in lay.globals:
            w[lay.globals[var]] = sign * profile.shared / span
        elif var in lay.per_nation:
            base = lay.per_nation[var]
            for i in range(n):
                w[base + i] = sign * (profile.own if i == me else profile.others) / span
        else:
            for i in range(n):
                for j in range(n):
                    if i != j:
                        k = lay.pair_slot(var, i, j)
                        wt = profile.trust_in_me if j == me else profile.my_trust if i == me else profile.shared * 0.3
                        w[k] = sign * wt / span
    for target, extra in agenda.items():
        try:
            eff, _ = compile_effect(target, 0, _scope(state))
        except Exception:  # an agenda naming nothing is a lint, not a crash
            continue
        for slot in eff.slots(me):
            w[slot] += extra
    return w


def _scope(state: State):  # type: ignore[no-untyped-def]
    from .expressions import Scope

    return Scope(state.scenario.layout)


def _deltas(state: State, effects: list[Effect], me: int, into: dict[int, float], scale: float) -> None:
    vals, mins, maxs = state.vals, state.scenario.mins, state.scenario.maxs
    for eff in effects:
        amount = float(eff.amount(state, me))
        for slot in eff.slots(me):
            old = vals[slot] + into.get(slot, 0.0)
            new = amount if eff.mode == "set" else old + amount
            new = min(max(new, mins[slot]), maxs[slot])
            into[slot] = into.get(slot, 0.0) + (new - old) * scale


def score_options(session: Session, team: str, inject_id: str, profile_name: str) -> dict[str, float]:
    """Each available option's value to this nation under a profile (higher is better)."""
    state = session.state
    sc = session.scenario
    ci = sc.injects.get(inject_id)
    avail = [o for o, why in session.available(team, inject_id).items() if why is None]
    if ci is None or profile_name == "random" or not avail:
        return {o: 0.0 for o in avail}
    profile = PROFILES.get(profile_name, PROFILES["cautious"])
    me = state.me(team)
    nation = sc.nations.get(team)
    cache = sc.cache.setdefault("bot-weights", {})
    weights = cache.get((me, profile_name))
    if weights is None:  # depends on the scenario only, so computed once per nation and profile
        weights = cache[(me, profile_name)] = _weights(state, me, profile, nation.bot.agenda if nation else {})
    scores: dict[str, float] = {}
    for oid in avail:
        opt = ci.options[oid]
        base: dict[int, float] = {}
        _deltas(state, opt.effects, me, base, 1.0)
        value = sum(weights[k] * d for k, d in base.items())
        if opt.outcomes:
            branch_values = []
            for out in opt.outcomes:
                d: dict[int, float] = {}
                _deltas(state, out.effects, me, d, 1.0)
                branch_values.append(sum(weights[k] * x for k, x in d.items()))
            mean = sum(o.p * v for o, v in zip(opt.outcomes, branch_values, strict=True))
            spread = math.sqrt(sum(o.p * (v - mean) ** 2 for o, v in zip(opt.outcomes, branch_values, strict=True)))
            value += mean + profile.risk * spread
        else:
            value += profile.risk * 0.1 * sum(abs(x) for x in base.values())
        scores[oid] = value
    return scores


def choose(session: Session, team: str, inject_id: str, profile_name: str) -> tuple[str, str] | None:
    """(option, rationale) for a bot nation, None when no option is open to it (the deadline decides);
    seeded, so the same log gives the same choice."""
    scores = score_options(session, team, inject_id, profile_name)
    if not scores:
        return None
    state = session.state
    seq = state.next_seq
    if profile_name == "random":
        options = sorted(scores)
        pick = options[int(draw(state.seed, seq, f"bot:{team}") * len(options))]
        return pick, "random play"
    profile = PROFILES.get(profile_name, PROFILES["cautious"])
    spread = (max(scores.values()) - min(scores.values())) or 1.0
    best, best_val = "", -math.inf
    for oid in sorted(scores):  # sorted: the choice must not depend on dict order
        u = min(max(draw(state.seed, seq, f"bot:{team}:{oid}"), 1e-12), 1 - 1e-12)
        gumbel = -math.log(-math.log(u))
        val = scores[oid] / spread + profile.temperature * gumbel
        if val > best_val:
            best, best_val = oid, val
    # The rationale goes into the log: it names the option in the words this nation was shown (a templated
    # label rendered for it), not the scenario's template source.
    said = words_of(state, inject_id, team).options.get(best)
    return best, f"{profile_name} bot: {said.label if said else best}"


def bot_profile(state: State, team: str) -> str | None:
    """The profile playing a nation in this session, or None when people play it."""
    who = state.started.teams.get(team, "human") if state.started else "human"
    return who[4:] if who.startswith("bot:") else None


def bots_waiting(state: State) -> bool:
    """Whether a bot nation has a decision or vote open: a cheap look at the state, before asking for the
    store's write lock to let it move (`next_bot_move` then decides on the latest state)."""
    if state.ended is not None or state.paused:
        return False
    return any(bot_profile(state, p.team) is not None for p in state.pending())


def next_bot_move(session: Session, only: set[str] | None = None) -> list[Entry]:
    """The first pending bot decision or vote, taken; [] when no bot can act.

    A function of the state alone (what is pending, the seed, the log's length), so a resumed run, a
    simulation, `tabletop run --bots`, solo play and the facilitator's console all make the same moves from
    the same log. The first step of the turn policy (autopilot.py).
    """
    state = session.state
    if state.ended is not None or state.paused:
        return []
    for p in state.pending():
        if only is not None and p.team not in only:
            continue
        profile = bot_profile(state, p.team)
        if profile is None or (p.inject, p.org or p.team) in state.chosen:
            continue
        choice = choose(session, p.team, p.inject, profile)
        if choice is None:
            continue  # no option is open to it: the deadline's default decides
        return session.decide(p.team, p.inject, choice[0], choice[1], by="bot")
    return []


def stand_in_release(session: Session) -> list[Entry]:
    """Stand in for a facilitator where there is none (solo play, simulation, `run --bots`): a manual inject is
    released at a turn drawn from the seed, about once in two games, so solo players meet those
    cards too. One inject per call; [] when none is due this turn."""
    state = session.state
    if state.ended is not None or state.paused:
        return []
    turns = session.scenario.turns
    for inject_id, ci in session.scenario.injects.items():
        if ci.manual and inject_id not in state.released and \
                draw(state.seed, state.turn, "control:" + inject_id) < 1.0 / turns:
            return session.release(inject_id)
    return []


def play_bots(session: Session, only: set[str] | None = None) -> list[list[Entry]]:
    """Let every bot nation (or those in `only`) take its pending decisions and votes, one command each."""
    batches = []
    while batch := next_bot_move(session, only):
        batches.append(batch)
    return batches
