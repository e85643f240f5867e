"""Commands: what control, a team or a bot asks for, checked against the state, answered with events.

A command either raises `Refused` (nothing happens) or emits events. Each emitted event is folded into
the state at once, so the events a command emits later (the consequences of a clock advance, say) are
computed against the state the earlier ones produced: exactly what a replay will see.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Callable

from . import rules, votes, words
from .compile import CompiledScenario, file_hashes
from .compile_injects import CInject
from .events import (
    Adjudicated,
    ClockAdvanced,
    DecisionTaken,
    Event,
    EventRetracted,
    InjectDelayed,
    InjectReleased,
    InjectWritten,
    MessageSent,
    ObservationNoted,
    OutcomeRolled,
    Rating,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
    VoteCast,
)
from .inject_words import ending_text, inject_words, written_words
from .models import BOT_PROFILES
from .state import Entry, State
from .text import without_isolates
from .typed import MAX_BODY, MAX_NAME, MAX_OPTIONS, MAX_REASON, SEED_LIMIT, TooLong, bounded


class Refused(Exception):
    """A command that the current state does not allow; the message is for the person who gave it."""


def draw(seed: int, seq: int, salt: str = "") -> float:
    """A uniform number in [0, 1) from (seed, position in the log): a resumed process draws the same."""
    digest = hashlib.blake2b(f"{seed}:{seq}:{salt}".encode(), digest_size=8).digest()
    return float(struct.unpack(">Q", digest)[0] >> 11) / float(1 << 53)


def _bounded(what: str, text: str, limit: int) -> None:
    try:
        bounded(what, text, limit)
    except TooLong as exc:
        raise Refused(str(exc)) from None


class Session:
    """A scenario, its event log and the state folded from it; commands append to the log."""

    def __init__(self, scenario: CompiledScenario, entries: list[Entry] | None = None) -> None:
        self.scenario = scenario
        self.state = State.fold(scenario, entries or [])
        self._out: list[Entry] | None = None

    # -- plumbing ----------------------------------------------------------------------------
    def _emit(self, event: Event) -> int:
        seq = self.state.next_seq
        entry = Entry(seq, event)
        self.state.apply(entry)
        if self._out is not None:
            self._out.append(entry)
        return seq

    def run(self, command: Callable[[], None]) -> list[Entry]:
        """Run one command and return the entries it emitted (to be stored in one transaction)."""
        self._out = []
        try:
            command()
            return self._out
        finally:
            self._out = None

    def catch_up(self, entries: list[Entry]) -> None:
        """Fold events appended by others (another terminal) since we last looked."""
        for e in entries:
            if e.seq != self.state.next_seq:
                raise ValueError(f"log out of order: expected seq {self.state.next_seq}, got {e.seq}")
            self.state.apply(e)

    def _live(self, *, allow_paused: bool = False, allow_ended: bool = False) -> None:
        s = self.state
        if s.started is None:
            raise Refused("the session has not started")
        if s.ended is not None and not allow_ended:
            raise Refused("the session has ended")
        if s.paused and not allow_paused:
            raise Refused("the session is paused: resume it first")

    # -- control -----------------------------------------------------------------------------
    def start(self, seed: int, teams: dict[str, str], mode: str = "headless",
              facilitator: str = "Exercise Control", players: dict[str, str] | None = None) -> list[Entry]:
        def cmd() -> None:
            if self.state.started is not None:
                raise Refused("the session has already started")
            _bounded("the facilitator's name", facilitator, MAX_NAME)
            if not -SEED_LIMIT <= seed < SEED_LIMIT:
                raise Refused(f"the seed must be a whole number from {-SEED_LIMIT} to {SEED_LIMIT - 1}")
            sc = self.scenario
            for nation, who in teams.items():
                if nation not in sc.nations:
                    raise Refused(f"unknown nation '{nation}'")
                if who != "human" and not (who.startswith("bot:") and who[4:] in BOT_PROFILES):
                    raise Refused(f"'{who}' is neither 'human' nor 'bot:<{'|'.join(BOT_PROFILES)}>'")
            named = {n: " ".join(who.split()) for n, who in (players or {}).items() if who.strip()}
            for nation, who in named.items():
                if nation not in sc.nations:
                    raise Refused(f"unknown nation '{nation}' among the players")
                _bounded(f"who plays {nation}", who, MAX_NAME)
            full = {n: teams.get(n, f"bot:{sc.nations[n].bot.profile}") for n in sc.nations}
            seq = self._emit(SessionStarted(scenario_id=sc.id, scenario_title=sc.title, scenario_hash=sc.hash,
                                            source_hashes=file_hashes(sc.sources),
                                            seed=seed, mode=mode, teams=full, facilitator=facilitator,
                                            players=named))
            self._release_due(seq)

        return self.run(cmd)

    def advance(self) -> list[Entry]:
        """Move the clock one turn: lapsed deadlines take their defaults, due injects are released.
        Advancing from the last turn ends the exercise."""

        def cmd() -> None:
            self._live()
            s = self.state
            final = s.turn >= self.scenario.turns
            if final:
                self._take_defaults(s.turn + 1, None)
                self._finish("the last turn ended", None)
                return
            seq = self._emit(ClockAdvanced(turn=s.turn + 1))
            self._take_defaults(s.turn, seq)
            for ending in self.scenario.endings:
                if ending.early and ending.when is not None and ending.when(s, -1):
                    self._emit(SessionEnded(ending=ending.id, turn=s.turn, reason="an early ending was reached",
                                            text=ending_text(self.scenario, ending.id, s.turn), cause=seq))
                    return
            self._release_due(seq)

        return self.run(cmd)

    def release(self, inject_id: str) -> list[Entry]:
        def cmd() -> None:
            self._live()
            s = self.state
            if inject_id not in self.scenario.injects:
                raise Refused(f"unknown inject '{inject_id}'")
            if inject_id in s.released:
                raise Refused(f"'{inject_id}' has already been released")
            seq = self._emit(InjectReleased(inject=inject_id, turn=s.turn, by="control",
                                            words=inject_words(self.scenario, self.scenario.injects[inject_id],
                                                               s.turn)))
            self._release_due(seq)

        return self.run(cmd)

    def delay(self, inject_id: str, turns: int = 1) -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True)
            if inject_id not in self.scenario.injects:
                raise Refused(f"unknown inject '{inject_id}'")
            if inject_id in self.state.released:
                raise Refused(f"'{inject_id}' has already been released")
            if turns < 1:
                raise Refused("a delay is at least one turn")
            self._emit(InjectDelayed(inject=inject_id, turns=turns))

        return self.run(cmd)

    def write_inject(self, inject_id: str, to: list[str], text: str, *, title: str = "", kind: str = "event",
                     sender: str = "Exercise Control", objective: str | None = None,
                     options: list[dict[str, str]] | None = None) -> list[Entry]:
        def cmd() -> None:
            self._live()
            sc, s = self.scenario, self.state
            _bounded("the inject id", inject_id, MAX_NAME)
            if not inject_id or inject_id in sc.injects or inject_id in s.written:
                raise Refused(f"inject id '{inject_id}' is empty or taken")
            if not text.strip():
                raise Refused("an inject needs some text")
            _bounded("the inject's text", text, MAX_BODY)
            for what, value in (("title", title), ("sender", sender), ("kind", kind)):
                _bounded(f"the inject's {what}", value, MAX_NAME)
            if len(options or []) > MAX_OPTIONS:
                raise Refused(f"an inject written in play has at most {MAX_OPTIONS} options")
            for o in options or []:
                for key, value in o.items():
                    _bounded(f"an option's {key}", value, MAX_NAME)
            if len(to) > len(sc.nations) + len(sc.orgs) + 2:
                raise Refused("the same recipient is named more than once")
            for who in to:
                if who not in sc.nations and who not in sc.orgs and who not in ("all", "control"):
                    raise Refused(f"unknown recipient '{who}'")
            if objective is not None and objective not in {o.id for o in sc.model.objectives}:
                raise Refused(f"unknown objective '{objective}'")
            recipients = list(sc.nations) if "all" in to else to
            written = InjectWritten(inject=inject_id, to=recipients, text=text, title=title, kind=kind, sender=sender,
                                    objective=objective, options=options or [])
            seq = self._emit(written)
            self._emit(InjectReleased(inject=inject_id, turn=s.turn, by="control", words=written_words(written),
                                      cause=seq))

        return self.run(cmd)

    def adjudicate(self, target: str, change: float, reason: str, *, mode: str = "add",
                   by: str = "control") -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True)
            if self.scenario.layout.slot(target) is None:
                raise Refused(f"'{target}' is not a state value")
            if not math.isfinite(change):  # '1e999' typed into a dialog reads as infinity
                raise Refused(f"{change} is not a finite number")
            if not reason.strip():
                raise Refused("an adjudication needs a reason")
            _bounded("the reason", reason, MAX_REASON)
            self._emit(Adjudicated(by=by, target=target, change=change, mode=mode, reason=reason))

        return self.run(cmd)

    def observe(self, objective: str | None, text: str, rating: Rating | None = None, *, kind: str = "observation",
                by: str = "control") -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True, allow_ended=True)
            if objective is not None and objective not in {o.id for o in self.scenario.model.objectives}:
                raise Refused(f"unknown objective '{objective}'")
            if not text.strip():
                raise Refused("an observation needs some text")
            _bounded("the observation", text, MAX_BODY)
            self._emit(ObservationNoted(objective=objective, rating=rating, text=text, by=by, kind=kind))

        return self.run(cmd)

    def pause(self, reason: str = "") -> list[Entry]:
        def cmd() -> None:
            self._live()
            _bounded("the reason", reason, MAX_REASON)
            self._emit(SessionPaused(reason=reason))

        return self.run(cmd)

    def resume(self) -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True)
            if not self.state.paused:
                raise Refused("the session is not paused")
            self._emit(SessionResumed())

        return self.run(cmd)

    def retract(self, reason: str) -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True, allow_ended=True)
            target = self.state.retractable()
            if target is None:
                raise Refused("there is nothing to retract")
            if not reason.strip():
                raise Refused("a retraction needs a reason")
            _bounded("the reason", reason, MAX_REASON)
            self._emit(EventRetracted(seq=target.seq, reason=reason))

        return self.run(cmd)

    def end(self, reason: str = "ended by control") -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True)
            _bounded("the reason", reason, MAX_REASON)
            self._finish(reason, None)

        return self.run(cmd)

    # -- teams -------------------------------------------------------------------------------
    def send(self, sender: str, to: list[str], text: str, channel: str = "direct") -> list[Entry]:
        def cmd() -> None:
            self._live(allow_paused=True)
            sc = self.scenario
            if sender != "control" and sender not in sc.nations:
                raise Refused(f"unknown sender '{sender}'")
            if not to:
                raise Refused("a message needs at least one recipient")
            if len(to) > len(sc.nations) + len(sc.orgs) + 2:
                raise Refused("the same recipient is named more than once")
            for who in to:
                if who not in sc.nations and who not in sc.orgs and who not in ("control", "all"):
                    raise Refused(f"unknown recipient '{who}'")
            if not text.strip():
                raise Refused("the message is empty")
            _bounded("the message", text, MAX_BODY)
            _bounded("the channel", channel, MAX_NAME)
            self._emit(MessageSent(sender=sender, to=to, text=text, channel=channel))

        return self.run(cmd)

    def decide(self, team: str, inject_id: str, option: str, rationale: str, *, by: str = "team",
               roll: float | None = None) -> list[Entry]:
        """A nation's choice; for an inject addressed to an organisation, its member's vote."""

        def cmd() -> None:
            self._live()
            s = self.state
            if inject_id not in s.released:
                raise Refused(f"'{inject_id}' has not been released")
            deciders = s.deciders(inject_id)
            if team in deciders:
                if (inject_id, team) in s.chosen:
                    raise Refused(f"{self.scenario.name_of(team)} has already decided on '{inject_id}'")
                self._check_option(team, inject_id, option, rationale, by)
                seq = self._emit(DecisionTaken(team=team, inject=inject_id, option=option, rationale=rationale,
                                               by=by))
                self._roll(team, inject_id, option, seq, roll)
                return
            org = next((o for o in deciders if o in self.scenario.orgs and team in self.scenario.orgs[o].members),
                       None)
            if org is None:
                raise Refused(f"'{inject_id}' asks no decision of {self.scenario.name_of(team)}")
            if (inject_id, org) in s.chosen:
                raise Refused(f"{self.scenario.name_of(org)} has already decided on '{inject_id}'")
            if team in s.votes.get((org, inject_id), {}):
                raise Refused(f"{self.scenario.name_of(team)} has already voted on '{inject_id}'")
            self._check_option(team, inject_id, option, rationale, by)
            seq = self._emit(VoteCast(org=org, inject=inject_id, nation=team, option=option, rationale=rationale,
                                      by="bot" if by == "bot" else "team"))
            members = self.scenario.orgs[org].members
            if all(m in s.votes.get((org, inject_id), {}) for m in members):
                self._resolve_vote(org, inject_id, seq, roll)

        return self.run(cmd)

    def available(self, team: str, inject_id: str) -> dict[str, str | None]:
        """Each option of an inject for a nation: None when it may be taken, else the reason it may not."""
        return rules.available(self.scenario, self.state, team, inject_id)

    def _check_option(self, team: str, inject_id: str, option: str, rationale: str, by: str) -> None:
        avail = self.available(team, inject_id)
        if option not in avail:
            raise Refused(f"'{inject_id}' has no option '{option}' (options: {', '.join(avail)})")
        reason = avail[option]
        if reason is not None:
            raise Refused(reason)
        if by == "team" and not rationale.strip():
            raise Refused("say why: a decision needs a rationale")
        _bounded("the rationale", rationale, MAX_BODY)

    def _roll(self, team: str, inject_id: str, option: str, cause: int, roll: float | None) -> None:
        ci = self.scenario.injects.get(inject_id)
        if ci is None:
            return
        outcomes = ci.options[option].outcomes
        if not outcomes:
            return
        r = roll if roll is not None else draw(self.state.seed, self.state.next_seq, "outcome")
        acc = 0.0
        pick = len(outcomes) - 1
        for i, out in enumerate(outcomes):
            acc += out.p
            if r < acc:
                pick = i
                break
        self._emit(OutcomeRolled(team=team, inject=inject_id, option=option, roll=r, outcome=pick,
                                 p=outcomes[pick].p, cause=cause))

    def _resolve_vote(self, org: str, inject_id: str, cause: int | None, roll: float | None) -> None:
        s = self.state
        ci = self.scenario.injects.get(inject_id)
        carried = votes.tally(self.scenario.orgs[org], s.votes.get((org, inject_id), {})).carried
        chosen = carried if carried is not None else (ci.default if ci else None)
        # The note says how the vote went, in the words the members were shown; screens and the report say it
        # again from the votes themselves (`words.decision`), so an older log's note in ids is never shown.
        note = without_isolates(words.vote_outcome(s, org, inject_id, chosen))
        seq = self._emit(DecisionTaken(team=org, inject=inject_id, option=chosen, rationale=note, by="organisation",
                                       cause=cause))
        if chosen is not None:
            self._roll(org, inject_id, chosen, seq, roll)

    # -- the clock's consequences --------------------------------------------------------------
    def _take_defaults(self, turn: int, cause: int | None) -> None:
        s = self.state
        for p in s.pending():
            if p.deadline_turn > turn or (p.inject, p.org or p.team) in s.chosen:
                continue
            if p.org is not None:
                self._resolve_vote(p.org, p.inject, cause, None)
                continue
            ci = self.scenario.injects.get(p.inject)
            default = ci.default if ci else None
            seq = self._emit(DecisionTaken(team=p.team, inject=p.inject, option=default, by="deadline",
                                           rationale="the deadline passed", cause=cause))
            if default is not None:
                self._roll(p.team, p.inject, default, seq, None)

    def due(self) -> list[CInject]:
        """Scheduled injects whose time has come and whose condition holds, in scenario order."""
        return rules.due(self.scenario, self.state)

    def _release_due(self, cause: int) -> None:
        # Releasing one inject may make another due ('after: x' with no offset), so repeat until quiet.
        while True:
            due = self.due()
            if not due:
                return
            turn = self.state.turn
            for ci in due:
                self._emit(InjectReleased(inject=ci.id, turn=turn, by="schedule",
                                          words=inject_words(self.scenario, ci, turn), cause=cause))

    def ending(self) -> str | None:
        return rules.ending(self.scenario, self.state)

    def _finish(self, reason: str, cause: int | None) -> None:
        ending, turn = self.ending(), self.state.turn
        self._emit(SessionEnded(ending=ending, turn=turn, reason=reason, text=ending_text(self.scenario, ending, turn),
                                cause=cause))
