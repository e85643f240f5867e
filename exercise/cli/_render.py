"""Events told as a story, for `tabletop run` (and anything else that narrates a session in a terminal).

`Narrator.entries(state, entries)` prints the entries one command produced; texts are rendered the way
a team reads them (`{{ nation.name }}` as the first nation addressed). Colour only on a terminal: typer
strips the styles when stdout is a pipe or a file.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable

import typer

from exercise.engine.compile import CompiledScenario
from exercise.engine.events import (
    ClockAdvanced,
    DecisionTaken,
    InjectReleased,
    InjectWritten,
    OutcomeRolled,
    SessionEnded,
    SessionStarted,
    VoteCast,
)
from exercise.engine.state import Entry, State
from exercise.engine.templates import render
from exercise.engine.views import describe, text_context

Echo = Callable[[str], None]


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 100))


def _first_line(text: str, limit: int = 90) -> str:
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


class Narrator:
    def __init__(self, scenario: CompiledScenario, echo: Echo | None = None) -> None:
        self.sc = scenario
        self.echo: Echo = echo or (lambda s: typer.echo(s))
        self.width = _width()
        self.now = 1  # the scenario turn of the events being told

    # -- pieces ------------------------------------------------------------------------------------
    def _ctx(self, inject_id: str, turn: int) -> dict[str, object]:
        ci = self.sc.injects.get(inject_id)
        reader = ci.nations[0] if ci and ci.nations else None
        return text_context(self.sc, reader, turn, ci.params if ci else None)

    def _render(self, text: str, inject_id: str, turn: int) -> str:
        return render(text, self._ctx(inject_id, turn)).strip()

    def title(self, inject_id: str, turn: int) -> str:
        ci = self.sc.injects.get(inject_id)
        if ci is None:
            return inject_id
        return self._render(ci.model.title or _first_line(ci.model.text), inject_id, turn) or inject_id

    def label(self, inject_id: str, option: str | None, turn: int) -> str:
        if option is None:
            return "no decision"
        ci = self.sc.injects.get(inject_id)
        if ci is None or option not in ci.options:
            return option
        return self._render(ci.options[option].model.label, inject_id, turn)

    def wrap(self, text: str, indent: str = "    ") -> None:
        for para in text.strip().split("\n\n"):
            body = " ".join(para.split())
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
        self.echo(typer.style(self.rule(sc.title, "═"), bold=True))
        clock = sc.model.clock
        started = state.started
        seed = f"seed {started.seed} · " if started else ""
        self.echo(f"{seed}{sc.turns} turns of {clock.step} from {clock.start}")
        if started:
            for n, who in started.teams.items():
                played = "people" if who == "human" else f"bot ({who[4:]})"
                self.echo(f"  {sc.name_of(n)}: {played}")

    def turn(self, turn: int) -> None:
        self.echo("")
        self.echo(typer.style(self.rule(f"Turn {turn} of {self.sc.turns} · {self.sc.time_of(turn)}"), bold=True,
                              fg="cyan"))

    def entry(self, state: State, e: Entry) -> None:
        sc, ev = self.sc, e.event
        if isinstance(ev, ClockAdvanced):
            self.now = ev.turn
        turn = self.now
        match ev:
            case SessionStarted():
                self.header(state)
                self.turn(1)
            case ClockAdvanced():
                self.turn(ev.turn)
            case InjectReleased():
                self._released(ev, state)
            case InjectWritten():
                self.echo(typer.style(f"▶ {ev.title or ev.inject}", bold=True)
                          + f"  → {', '.join(sc.name_of(t) for t in ev.to)}  (written by {ev.sender})")
                self.wrap(ev.text)
            case DecisionTaken():
                self._decided(ev, turn)
            case OutcomeRolled():
                ci = sc.injects.get(ev.inject)
                text = ci.options[ev.option].outcomes[ev.outcome].text if ci else ""
                self.echo(f"    ↳ chance {ev.p:.0%} (rolled {ev.roll:.2f}):")
                if text.strip():
                    self.wrap(self._render(text, ev.inject, turn), "      ")
            case VoteCast():
                self.echo(f"  ☐ {sc.name_of(ev.nation)} votes in {sc.name_of(ev.org)} on "
                          f"“{self.title(ev.inject, turn)}”: {self.label(ev.inject, ev.option, turn)}")
                if ev.rationale:
                    self.echo(typer.style(f"      “{ev.rationale}”", dim=True))
            case SessionEnded():
                self._ended(ev, state)
            case _:
                self.echo(f"  · {describe(sc, ev)}")

    def _released(self, ev: InjectReleased, state: State) -> None:
        sc = self.sc
        ci = sc.injects.get(ev.inject)
        if ci is None:
            return  # an inject written by control: told with its InjectWritten
        m = ci.model
        to = ", ".join(sc.name_of(t) for t in ci.recipients) or "nobody"
        how = "" if ev.by == "schedule" else " (released by control)"
        self.echo("")
        self.echo(typer.style(f"▶ {self.title(ev.inject, ev.turn)}", bold=True) + f"  → {to}{how}")
        sender = self._render(m.from_, ev.inject, ev.turn)
        self.echo(typer.style(f"    {m.kind} from {sender}", dim=True))
        text = self._render(m.text, ev.inject, ev.turn)
        if text:
            lines = [ln for ln in text.splitlines() if ln.strip()]
            if m.title or len(lines) > 1:
                self.wrap(text.split("\n\n")[0])
        if m.decision:
            prompt = m.decision.prompt or "Decision"
            deadline = ev.turn + ci.deadline
            when = f"by turn {deadline}" + (f"; default: {self.label(ev.inject, ci.default, ev.turn)}"
                                             if ci.default else "")
            self.echo(textwrap.fill(f"{prompt} ({when})", self.width, initial_indent="    ",
                                    subsequent_indent="      "))
            for oid in ci.options:
                self.echo(f"      · {self.label(ev.inject, oid, ev.turn)}")

    def _decided(self, ev: DecisionTaken, turn: int) -> None:
        sc = self.sc
        title = self.title(ev.inject, turn)
        label = self.label(ev.inject, ev.option, turn)
        if ev.by == "deadline":
            self.echo(f"  ⏱ {sc.name_of(ev.team)} let the deadline pass on “{title}”" +
                      (f": default taken, {label}" if ev.option else ": no decision"))
        elif ev.by == "organisation":
            self.echo(typer.style(f"  ⚖ {sc.name_of(ev.team)} on “{title}”: {label}", bold=True))
            if ev.rationale:
                self.echo(typer.style(f"      {ev.rationale}", dim=True))
        else:
            who = sc.name_of(ev.team) + (" (bot)" if ev.by == "bot" else "")
            self.echo(typer.style(f"  ✔ {who} on “{title}”: {label}", bold=True))
            if ev.rationale:
                self.echo(typer.style(f"      “{ev.rationale}”", dim=True))
        ci = sc.injects.get(ev.inject)
        if ci is not None and ev.option in ci.options and ci.options[ev.option].model.text.strip():
            self.wrap(self._render(ci.options[ev.option].model.text, ev.inject, turn), "      ")

    def _ended(self, ev: SessionEnded, state: State) -> None:
        sc = self.sc
        ending = next((e for e in sc.endings if e.id == ev.ending), None)
        self.echo("")
        title = ending.model.title if ending else "no ending reached"
        self.echo(typer.style(self.rule(f"Ending: {title}", "═"), bold=True, fg="yellow"))
        if ending and ending.model.text.strip():
            self.wrap(render(ending.model.text, text_context(sc, None, ev.turn)), "  ")
        self.echo(typer.style(f"  ended at turn {ev.turn} ({sc.time_of(max(ev.turn, 1))})"
                              + (f": {ev.reason}" if ev.reason else ""), dim=True))
        self.final_state(state)

    def final_state(self, state: State) -> None:
        sc = self.sc
        shown = []
        for key, var, value in zip(sc.layout.keys, sc.layout.var_of, state.vals, strict=True):
            if var in sc.layout.per_pair:
                continue  # pairwise trust is too much for one screen; the report has it
            spec = sc.vars.get(var)
            label = spec.label if spec and spec.label else var.replace("_", " ").capitalize()
            if var in sc.layout.per_nation:
                nation = key[len(var) + 1:-1]
                label += f" ({sc.nations[nation].short or sc.nations[nation].name})" if nation in sc.nations else ""
            shown.append(f"{label} {value:g}")
        if shown:
            self.echo("")
            self.echo("  final state:")
            self.echo(textwrap.fill(" · ".join(shown), self.width, initial_indent="    ", subsequent_indent="    "))
