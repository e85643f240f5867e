"""The words people read for what a session is made of: state values, their changes, who plays a nation, who
decided and how, and how a vote went. The one place: the screens, `tabletop run` and `tabletop log`, and the
report all take these words from here (events as sentences are `views.describe`, built on them).

Every outside value (a label, a name, an option's label) is isolated where it is put in (`text.isolate`), as
`describe` does: a report keeps the marks, a terminal takes them out (`text.without_isolates`).

The forms, chosen once:
- a value: 'Alliance cohesion'; a nation's: 'Public support at home, Norvald'; a pair's 'Trust, Norvald → Estrava'
  (how far Norvald trusts Estrava: the row trusts the column, as the scenario's `trust[a][b]` reads);
- a change: '+8' or '−3' (a true minus), and 'better' or 'worse' by the value's `good` (`CHANGE_LEGEND`);
- a decision: its label; 'X (bot, cautious)'; 'deadline passed, default taken: X'; 'no decision (deadline
  passed)'; an organisation's 'X (carried 2-1 by a majority of 3 members)', 'X (by consensus of all 3 members)',
  'no consensus (2 for X, 1 did not vote), default taken: Y';
- a vote: 'majority of 3 members: X carried 2-1', 'consensus reached: all 3 members for X',
  'no majority of 4 members (2 for X, 2 for Y), default taken: Z'.
"""

from __future__ import annotations

from dataclasses import dataclass

from .compile import CompiledScenario
from .events import DecisionTaken, InjectWords, VoteCast
from .inject_words import CONTROL, words_for
from .state import State
from .text import isolate
from .votes import Tally, tally

MINUS = "\u2212"  # a true minus: '−3' cannot be read as a dash, nor taken for a formula by a spreadsheet

# Said wherever changes are shown (the debrief, the report; the state panel has a short form of its own).
CHANGE_LEGEND = ("Changes: + raises a value, − lowers it; better or worse says what that means for the coalition, or "
                 "for the nation whose value it is (for some values, such as tension, lower is better).")


# -- injects and options -------------------------------------------------------------------------------------

def words_of(state: State, inject_id: str, reader: str | None = None) -> InjectWords:
    """An inject's words as `reader` (a nation, or None for control) reads them: those stored when it was
    released, or, for one not yet released, as they would read if it were released now (a preview)."""
    words = state.words.get(inject_id)
    if words is None:
        words = words_for(state.scenario, state.written, inject_id, max(state.turn, 1))
    return words.get(reader or CONTROL) or words[CONTROL]


def option_label(state: State, inject_id: str, option: str | None, reader: str | None = None) -> str:
    """An option in the words `reader` (the nation or organisation that took it) was shown; isolated."""
    if not option:
        return "no decision"
    said = words_of(state, inject_id, reader).options.get(option)
    return isolate(said.label if said is not None else option)


# -- names and state values ----------------------------------------------------------------------------------

def readable(ident: str) -> str:
    """An id made readable, for a value the scenario gave no label: 'water_stress' -> 'Water stress'."""
    return ident.replace("_", " ").capitalize()


def short_name(sc: CompiledScenario, who: str) -> str:
    """A nation's or organisation's short name (else its name), as the scenario wrote it."""
    if who in sc.nations:
        return sc.nations[who].short or sc.nations[who].name
    if who in sc.orgs:
        return sc.orgs[who].short or sc.orgs[who].name
    return sc.name_of(who)


def variable_label(sc: CompiledScenario, var: str) -> str:
    """A state variable's label, else its id made readable; isolated."""
    spec = sc.vars.get(var)
    return isolate(spec.label if spec is not None and spec.label else readable(var))


def key_parts(sc: CompiledScenario, key: str) -> tuple[str, list[str]]:
    """'trust[a][b]' -> ('trust', ['a', 'b']); a key the scenario lacks gives its own text and no nations."""
    slot = sc.layout.slot(key)
    if slot is None:
        return key, []
    var = sc.layout.var_of[slot]
    inner = key.replace(" ", "")[len(var):].strip("[]")
    return var, inner.split("][") if inner else []


def variable(sc: CompiledScenario, key: str) -> str:
    """A state value in words: 'Alliance cohesion', 'Public support at home, Norvald', 'Trust, Norvald → Estrava'."""
    if key in sc.vars:
        return variable_label(sc, key)
    var, nations = key_parts(sc, key)
    if var not in sc.vars:
        return isolate(key)
    label = variable_label(sc, var)
    if not nations:
        return label
    return f"{label}, {' → '.join(isolate(short_name(sc, n)) for n in nations)}"


def number(value: float) -> str:
    """48, 2.5: a value as it is read (no '48.0')."""
    return f"{value:g}" if value != int(value) else str(int(value))


def signed(amount: float) -> str:
    """A change: '+8', '−3' (a true minus), '±0'."""
    if abs(amount) < 1e-9:
        return "±0"
    return ("+" if amount > 0 else MINUS) + number(round(abs(amount), 6))


def judgement(sc: CompiledScenario, key: str, amount: float) -> str:
    """'better' or 'worse' for a change of `amount` in `key`, by its variable's `good`; '' for no change."""
    if abs(amount) < 1e-9:
        return ""
    var = key if key in sc.vars else key_parts(sc, key)[0]
    spec = sc.vars.get(var)
    low = spec is not None and spec.good == "low"
    return "better" if (amount > 0) != low else "worse"


def change(sc: CompiledScenario, key: str, amount: float) -> str:
    """'Public support at home, Norvald −6 (worse)'."""
    judged = judgement(sc, key, amount)
    return f"{variable(sc, key)} {signed(amount)}" + (f" ({judged})" if judged else "")


def changes(sc: CompiledScenario, moved: dict[str, float] | list[tuple[str, float]]) -> str:
    """Several changes, largest first, each as `change` says it, separated by semicolons (a value's words hold a
    comma); 'no change' when none moved."""
    items = list(moved.items()) if isinstance(moved, dict) else list(moved)
    shown = [(k, v) for k, v in sorted(items, key=lambda kv: -abs(kv[1])) if abs(v) > 1e-9]
    return "; ".join(change(sc, k, v) for k, v in shown) or "no change"


# -- who plays, who decided --------------------------------------------------------------------------------

def player(who: str) -> str:
    """Who plays a nation, from `SessionStarted.teams`: 'people', 'bot (cautious)'."""
    if who == "human":
        return "people"
    if who.startswith("bot:"):
        return f"bot ({isolate(who[4:])})" if who[4:] else "bot"
    return isolate(who)


def bot(state: State, team: str) -> str:
    """'bot (cautious)': the bot that plays `team`, with its profile when the session names one."""
    who = state.started.teams.get(team, "") if state.started else ""
    return player(who) if who.startswith("bot:") else "bot"


def bot_tag(state: State, team: str) -> str:
    """`bot` as it reads inside brackets after a name or a label: 'Norvald (bot, cautious)'."""
    return _bracketed(bot(state, team))


def player_tag(who: str) -> str:
    """`player` as it reads inside brackets after a name: 'Norvald (people)', 'Estrava (bot, cautious)'."""
    return _bracketed(player(who))


def _bracketed(how: str) -> str:
    return how.replace(" (", ", ", 1).removesuffix(")") if how.startswith("bot (") else how


@dataclass(frozen=True)
class Decision:
    """A decision in words: `who` took it, `how` ('' when the team chose it itself), its option's `label` and
    the `line` a reader reads ('deadline passed, default taken: Wait')."""

    who: str
    how: str
    label: str
    line: str
    default: bool  # the inject's default was taken: the deadline passed, or a vote carried nothing

    @property
    def by(self) -> str:
        """Who decided: 'Norvald', 'Norvald (bot, cautious)', 'deadline default', 'Compact by vote: 2 of 3 for it'."""
        if not self.how:
            return self.who
        if self.how.startswith("bot"):
            return f"{self.who} ({_bracketed(self.how)})"
        if self.how.startswith("by "):
            return f"{self.who} {self.how}"
        if self.how.startswith("no consensus") or self.how.startswith("no majority"):
            return f"{self.who}: {self.how}"
        return self.how  # the deadline's: nobody decided


def decision(state: State, ev: DecisionTaken, reader: str | None = None) -> Decision:
    """A decision as everyone reads it; its option in the words of `reader` (by default the decider)."""
    sc = state.scenario
    label = option_label(state, ev.inject, ev.option, reader or ev.team)
    who = isolate(sc.name_of(ev.team))
    if ev.by == "bot":
        return Decision(who, bot(state, ev.team), label, f"{label} ({bot_tag(state, ev.team)})", False)
    if ev.by == "deadline":
        if ev.option is None:
            return Decision(who, "no decision (deadline passed)", label, "no decision (deadline passed)", True)
        return Decision(who, "deadline default", label, f"deadline passed, default taken: {label}", True)
    if ev.by == "organisation" and ev.team in sc.orgs:
        t = vote_tally(state, ev.team, ev.inject)
        outcome = vote_outcome(state, ev.team, ev.inject, ev.option, reader or ev.team)
        if ev.option is not None and t.carried == ev.option:
            how = "by consensus" if t.rule == "consensus" else \
                f"by vote: {t.votes_for(ev.option)} of {len(t.members)} for it"
            return Decision(who, how, label, f"{label} ({_carried(t, ev.option)})", False)
        reason = "no consensus" if t.rule == "consensus" else "no majority"
        tail = "default taken" if ev.option is not None else "no decision"
        return Decision(who, f"{reason}, {tail}", label, outcome, True)
    return Decision(who, "", label, label, False)


def _carried(t: Tally, option: str) -> str:
    """How a vote carried `option`, for after its label: 'carried 2-1 by a majority of 3 members'."""
    m = len(t.members)
    if t.rule == "consensus":
        return f"by consensus of all {m} members"
    pro = t.votes_for(option)
    said = f"carried {pro}-{t.cast - pro} by a majority of {m} members"
    return said + (f"; {len(t.abstained)} did not vote" if t.abstained else "")


def decision_of(state: State, inject_id: str, team: str, reader: str | None = None) -> Decision | None:
    """The decision `team` (a nation or an organisation) took on an inject, None while it is open."""
    seq = state.decided_seq.get((inject_id, team))
    ev = state.log[seq - 1].event if seq is not None else None
    return decision(state, ev, reader) if isinstance(ev, DecisionTaken) else None


def vote(state: State, ev: VoteCast, reader: str | None = None) -> str:
    """A member's vote: its option's label, and '(bot, cautious)' when a bot cast it."""
    label = option_label(state, ev.inject, ev.option, reader or ev.nation)
    return f"{label} ({bot_tag(state, ev.nation)})" if ev.by == "bot" else label


def votes_cast(state: State, org: str, inject_id: str, reader: str | None = None) -> dict[str, str]:
    """Each member's vote so far in words, by its short name: {'Vittmark': 'Pass summaries (bot, cautious)'}."""
    cast = {}
    for nation, seq in state.vote_seq.get((org, inject_id), {}).items():
        ev = state.log[seq - 1].event
        if isinstance(ev, VoteCast):
            cast[short_name(state.scenario, nation)] = vote(state, ev, reader)
    return cast


# -- how a vote went ----------------------------------------------------------------------------------------

def vote_tally(state: State, org: str, inject_id: str) -> Tally:
    return tally(state.scenario.orgs[org], state.votes.get((org, inject_id), {}))


def vote_counts(state: State, org: str, inject_id: str, reader: str | None = None) -> str:
    """'2 of 3 voted for X; 1 for Y; 1 did not vote', or 'no votes cast'."""
    t = vote_tally(state, org, inject_id)
    if not t.votes:
        return "no votes cast"
    parts = []
    for i, (option, n) in enumerate(t.counts):
        label = option_label(state, inject_id, option, reader)
        parts.append(f"{n} of {len(t.members)} voted for {label}" if i == 0 else f"{n} for {label}")
    if t.abstained:
        parts.append(f"{len(t.abstained)} did not vote")
    return "; ".join(parts)


def vote_result(state: State, org: str, inject_id: str, reader: str | None = None) -> str:
    """How a vote came out under the organisation's rule, or how it stands while it is open:
    'majority of 3 members: X carried 2-1', 'consensus reached: all 3 members for X',
    'no consensus (2 for X, 1 did not vote), default taken: Y', '1 of 3 members have voted so far (1 for X)'."""
    if (inject_id, org) not in state.chosen:
        t = vote_tally(state, org, inject_id)
        return f"{t.cast} of {len(t.members)} members have voted so far" + (
            f" ({_split(state, t, inject_id, reader)})" if t.votes else "")
    return vote_outcome(state, org, inject_id, state.chosen[(inject_id, org)] or None, reader)


def _split(state: State, t: Tally, inject_id: str, reader: str | None) -> str:
    """'2 for X, 1 for Y, 1 did not vote'."""
    parts = [f"{n} for {option_label(state, inject_id, o, reader)}" for o, n in t.counts]
    if t.abstained:
        parts.append(f"{len(t.abstained)} did not vote")
    return ", ".join(parts)


def vote_outcome(state: State, org: str, inject_id: str, chosen: str | None, reader: str | None = None) -> str:
    """How the vote came out when it ended in `chosen` (the option carried, or the default taken)."""
    t = vote_tally(state, org, inject_id)
    m = len(t.members)

    def label(option: str | None) -> str:
        return option_label(state, inject_id, option, reader)

    if chosen and chosen == t.carried:
        if t.rule == "consensus":
            return f"consensus reached: all {m} members for {label(chosen)}"
        others = [f"{n} for {label(o)}" for o, n in t.counts if o != chosen]
        rest = others if len(others) > 1 else []  # with one other option, '2-1' says it all
        if t.abstained:
            rest.append(f"{len(t.abstained)} did not vote")
        against = t.cast - t.votes_for(chosen)
        return f"majority of {m} members: {label(chosen)} carried {t.votes_for(chosen)}-{against}" + (
            f" ({', '.join(rest)})" if rest else "")
    reason = "no consensus" if t.rule == "consensus" else f"no majority of {m} members"
    return f"{reason} ({_split(state, t, inject_id, reader) if t.votes else 'no votes cast'}), " + (
        f"default taken: {label(chosen)}" if chosen else "no decision")
