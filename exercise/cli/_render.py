"""Events told as a story, for `tabletop run` (and anything else that narrates a session in a terminal).

`Narrator.entries(state, entries)` prints the entries one command produced, in the words control was shown
(stored when each inject was released: `views.words_of`), so the story, the screens and the report say the
same. Colour only on a terminal: typer strips the styles when stdout is a pipe or a file.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from typing import Any

import typer

from exercise.engine import words
from exercise.engine.compile import CompiledScenario
from exercise.engine.events import (
    ClockAdvanced,
    DecisionTaken,
    InjectReleased,
    InjectWords,
    InjectWritten,
    OutcomeRolled,
    SessionEnded,
    SessionStarted,
    VoteCast,
)
from exercise.engine.inject_words import CONTROL, ended_text, released_words
from exercise.engine.state import Entry, State
from exercise.engine.text import visible, without_isolates
from exercise.engine.views import describe, words_of

Echo = Callable[[str], None]


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 100))


def _shown(text: str) -> str:
    """Scenario, facilitator and player text as a terminal may print it: control characters (an ESC that
    would recolour or clear the screen) as pictures, and without the direction isolates a sentence puts around
    right-to-left names (a terminal draws them as junk)."""
    return visible(without_isolates(text))


def _styled(text: str, **style: Any) -> str:
    """Our own colours around text that is shown as text."""
    return typer.style(_shown(text), **style)


class Narrator:
    def __init__(self, scenario: CompiledScenario, echo: Echo | None = None) -> None:
        self.sc = scenario
        self.echo: Echo = echo or (lambda s: typer.echo(s))
        self.width = _width()
        self.now = 1  # the scenario turn of the events being told

    # -- pieces ------------------------------------------------------------------------------------
    def said(self, state: State, inject_id: str, reader: str | None = None) -> InjectWords:
        """An inject's words as `reader` (the nation acting, say; None for control) was shown them."""
        return words_of(state, inject_id, reader)

    def title(self, state: State, inject_id: str, reader: str | None = None) -> str:
        return self.said(state, inject_id, reader).title

    def wrap(self, text: str, indent: str = "    ") -> None:
        for para in text.strip().split("\n\n"):
            body = " ".join(_shown(para).split())
            if body:
                self.echo(textwrap.fill(body, self.width, initial_indent=indent, subsequent_indent=indent))

    def rule(self, text: str, char: str = "─") -> str:
        head = f"{char * 2} {text} "
        return head + char * max(3, self.width - len(head))

    # -- events ------------------------------------------------------------------------------------
    def entries(self, state: State, entries: list[Entry]) -> None:
        for e in entries:
            self.entry(state, e)

    def header(self, state: State) -> None:
        sc = self.sc
        self.echo(_styled(self.rule(sc.title, "═"), bold=True))
        clock = sc.model.clock
        started = state.started
        seed = f"seed {started.seed} · " if started else ""
        self.echo(_shown(f"{seed}{sc.turns} turns of {clock.step} from {clock.start}"))
        if started:
            for n, who in started.teams.items():
                self.echo(_shown(f"  {sc.name_of(n)}: {words.player(who)}"))

    def turn(self, turn: int) -> None:
        self.echo("")
        self.echo(_styled(self.rule(f"Turn {turn} of {self.sc.turns} · {self.sc.time_of(turn)}"), bold=True,
                              fg="cyan"))

    def entry(self, state: State, e: Entry) -> None:
        sc, ev = self.sc, e.event
        if isinstance(ev, ClockAdvanced):
            self.now = ev.turn
        match ev:
            case SessionStarted():
                self.header(state)
                self.turn(1)
            case ClockAdvanced():
                self.turn(ev.turn)
            case InjectReleased():
                self._released(ev, state)
            case InjectWritten():
                self.echo(_styled(f"▶ {ev.title or ev.inject}", bold=True)
                          + _shown(f"  → {', '.join(sc.name_of(t) for t in ev.to)}  (written by {ev.sender})"))
                self.wrap(ev.text)
            case DecisionTaken():
                self._decided(ev, state)
            case OutcomeRolled():
                said = self.said(state, ev.inject, ev.team).options.get(ev.option)
                text = said.outcomes[ev.outcome] if said and ev.outcome < len(said.outcomes) else ""
                self.echo(f"    ↳ chance {ev.p:.0%} (rolled {ev.roll:.2f}):")
                if text:
                    self.wrap(text, "      ")
            case VoteCast():
                self.echo(_shown(f"  ☐ {sc.name_of(ev.nation)} votes in {sc.name_of(ev.org)} on "
                                 f"“{self.title(state, ev.inject, ev.nation)}”: {words.vote(state, ev)}"))
                if ev.rationale:
                    self.echo(_styled(f"      “{ev.rationale}”", dim=True))
            case SessionEnded():
                self._ended(ev, state)
            case _:
                self.echo(_shown(f"  · {describe(sc, ev, state.written, words=state.words)}"))

    def _released(self, ev: InjectReleased, state: State) -> None:
        sc = self.sc
        ci = sc.injects.get(ev.inject)
        if ci is None:
            return  # an inject written by control: told with its InjectWritten
        # The event's own words: those of a release since retracted are no longer in the state.
        said = released_words(sc, state.written, ev)[CONTROL]
        to = ", ".join(sc.name_of(t) for t in ci.recipients) or "nobody"
        how = "" if ev.by == "schedule" else " (released by control)"
        self.echo("")
        self.echo(_styled(f"▶ {said.title}", bold=True) + _shown(f"  → {to}{how}"))
        self.echo(_styled(f"    {ci.model.kind} from {said.sender}", dim=True))
        if said.text:
            lines = [ln for ln in said.text.splitlines() if ln.strip()]
            if ci.model.title or len(lines) > 1:
                self.wrap(said.text.split("\n\n")[0])
        if ci.model.decision:
            prompt = said.prompt or "Decision"
            deadline = ev.turn + ci.deadline
            default = said.options[ci.default].label if ci.default in said.options else None
            when = f"by turn {deadline}" + (f"; default: {default}" if default else "")
            self.echo(textwrap.fill(_shown(f"{prompt} ({when})"), self.width, initial_indent="    ",
                                    subsequent_indent="      "))
            for o in said.options.values():
                self.echo(_shown(f"      · {o.label}"))

    def _decided(self, ev: DecisionTaken, state: State) -> None:
        sc = self.sc
        title = self.title(state, ev.inject, ev.team)
        said = words.decision(state, ev)  # the engine's words: who decided and how, as every screen says it
        if ev.by == "deadline":
            self.echo(_shown(f"  ◷ {sc.name_of(ev.team)} on “{title}”: {said.line}"))
        elif ev.by == "organisation":
            self.echo(_styled(f"  ⚖ {sc.name_of(ev.team)} on “{title}”: {said.label}", bold=True))
            if ev.team in sc.orgs:
                self.echo(_styled(f"      {words.vote_outcome(state, ev.team, ev.inject, ev.option)}", dim=True))
        else:
            self.echo(_styled(f"  ✔ {said.by} on “{title}”: {said.label}", bold=True))
            if ev.rationale:
                self.echo(_styled(f"      “{ev.rationale}”", dim=True))
        option = self.said(state, ev.inject, ev.team).options.get(ev.option or "")
        if option is not None and option.text:
            self.wrap(option.text, "      ")

    def _ended(self, ev: SessionEnded, state: State) -> None:
        sc = self.sc
        ending = next((e for e in sc.endings if e.id == ev.ending), None)
        self.echo("")
        title = ending.model.title if ending else "no ending reached"
        self.echo(_styled(self.rule(f"Ending: {title}", "═"), bold=True, fg="yellow"))
        text = ended_text(sc, ev)
        if text:
            self.wrap(text, "  ")
        self.echo(_styled(f"  ended at turn {ev.turn} ({sc.time_of(max(ev.turn, 1))})"
                              + (f": {ev.reason}" if ev.reason else ""), dim=True))
        self.final_state(state)

    def final_state(self, state: State) -> None:
        sc = self.sc
        shown = []
        for key, var, value in zip(sc.layout.keys, sc.layout.var_of, state.vals, strict=True):
            if var in sc.layout.per_pair:
                continue  # pairwise trust is too much for one screen; the report has it
            shown.append(f"{words.variable(sc, key)} {words.number(value)}")
        if shown:
            self.echo("")
            self.echo("  final state:")
            self.echo(textwrap.fill(_shown(" · ".join(shown)), self.width, initial_indent="    ",
                                    subsequent_indent="    "))
