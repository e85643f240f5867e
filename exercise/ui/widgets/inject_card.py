"""An inject as its reader sees it (from `views.inject_view`): who sent it, when, its text, and what was decided.

The kind is written in brackets and a decision's state in words with a marker ("✓ Decided", "● Decision
needed"), so nothing depends on colour.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from ...engine.chronology import own_rationale
from ...engine.events import DecisionTaken, VoteCast
from ...engine.state import State
from ...engine.views import InjectView
from ..text import plain, plain_line, reflow

NEEDS = "● Decision needed"
DONE = "✓ Decided"


def rationale_of(state: State, inject: str, who: str) -> str:
    """The reason given with a decision (or, through an organisation, with this nation's vote); none for a default
    the deadline took or an organisation's resolution, whose own words say what happened."""
    seq = state.decided_seq.get((inject, who))
    if seq is not None:
        ev = state.log[seq - 1].event
        if isinstance(ev, DecisionTaken):
            return own_rationale(ev)
    for e in reversed(state.live_entries()):
        ev = e.event
        if isinstance(ev, VoteCast) and ev.inject == inject and ev.nation == who:
            return ev.rationale
    return ""


def vote_of(state: State, org: str, inject: str, nation: str) -> str | None:
    return state.votes.get((org, inject), {}).get(nation)


def inject_header(view: InjectView) -> Text:
    t = Text()
    t.append(f"[{view.kind.upper()}] ", style="bold")
    t.append(plain_line(view.title, style="bold"))
    t.append("\nFrom: ", style="dim")
    t.append(plain_line(view.sender))
    t.append(" · To: ", style="dim")
    t.append(plain_line(", ".join(view.to)))
    if view.turn is not None:
        t.append(" · Arrived: ", style="dim")
        t.append(f"turn {view.turn} ({view.time})")
    return t


class InjectCard(Static):
    """The text of one inject and, once decided, the decision and its result."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text(encoding="utf-8")

    def show(self, view: InjectView | None, *, state: State | None = None, reader: str | None = None) -> None:
        if view is None:
            self._shown(Text("Nothing has arrived yet. Injects appear here as the exercise clock runs.",
                             style="italic"))
            return
        t = inject_header(view)
        t.append("\n\n")
        t.append(plain(reflow(view.text)))
        if view.prompt:
            t.append("\n\n")
            t.append(plain(view.prompt, style="bold"))
        if view.options and (view.decided is not None or view.decision is not None):
            label = next((o.label for o in view.options if o.id == view.decided), view.decided or "no decision")
            who = f" by {state.scenario.name_of(view.via)}" if view.via and state is not None else ""
            t.append(plain(f"\n\n{DONE}{who}: ", style="bold"))
            # The engine's words: a default the deadline took, a bot's choice and a vote say so (the decision
            # panel below has the vote in full).
            t.append(plain(view.decision or label))
            if state is not None and reader is not None:
                why = rationale_of(state, view.id, view.via or reader)
                if why:
                    t.append("\nWhy: ", style="bold")
                    t.append(plain(why))
            if view.result:
                t.append("\n")
                t.append(plain(view.result))
            if view.outcome:
                t.append("\nChance outcome: ", style="bold")
                t.append(plain(view.outcome))
        self._shown(t)

    def _shown(self, text: Text) -> None:
        # The console shows its card again after every change to the session; most leave this inject as it was,
        # and an update lays the screen out again.
        if self.content != text:
            self.update(text)
