"""What a team can see the other nations, organisations and control do: the Coalition tab's feed, and
the one-line "Meanwhile" of solo play after the bots have moved.

Plain functions returning Rich `Text` or a string, like `team_texts`; the team console decides when
to redraw.
"""

from __future__ import annotations

from rich.text import Text

from ...engine import words
from ...engine.chronology import TimelineItem
from ...engine.events import DecisionTaken, Event, VoteCast
from ...engine.role_views import feed_for
from ..controller import SessionController
from ..text import plain

FEED_LIMIT = 200  # the coalition feed shows this many of the latest items


def feed_text(controller: SessionController, nation: str) -> Text:
    """The Coalition tab: what this nation can see the others (and control) do, newest last."""
    items = feed_for(controller.state, controller.reader(nation))
    t = Text()
    t.append("What you can see the others do", style="bold underline")
    t.append("\nDecisions on injects you also received, votes and resolutions in your organisations, "
             "adjudications by control and injects released to you.\n", style="dim")
    if len(items) > FEED_LIMIT:
        t.append(f"(showing the last {FEED_LIMIT} of {len(items)})\n", style="dim")
        items = items[-FEED_LIMIT:]
    if not items:
        t.append("\nNothing yet.", style="italic")
    turn = None
    for item in items:
        if item.turn != turn:
            turn = item.turn
            t.append(f"\nTurn {item.turn} · {item.time}\n", style="bold")
        t.append(f"  {_feed_mark(item)} ")
        t.append(plain(item.summary))
        if item.rationale:
            t.append(plain(f"\n      why: {item.rationale}", style="dim"))
        t.append("\n")
    return t


def meanwhile(controller: SessionController, nation: str, since: int) -> str:
    """One line: what the other nations visibly decided or voted since log position `since` ('' if nothing)."""
    st = controller.state
    parts = []
    for item in feed_for(st, controller.reader(nation), since):
        ev = st.log[item.seq - 1].event
        if isinstance(ev, (DecisionTaken, VoteCast)):
            parts.append(_short(controller, ev))
    return "; ".join(parts)


def _feed_mark(item: TimelineItem) -> str:
    return {"DecisionTaken": "◆", "VoteCast": "✎", "OutcomeRolled": "⚄", "Adjudicated": "⚖",
            "InjectReleased": "✉"}.get(item.type, "·")


def _short(controller: SessionController, ev: Event) -> str:
    """'Kessland chose Share now', 'Aldmark voted Act together (bot, cautious)', 'Tarvos: deadline passed, default
    taken: Wait', in the engine's words (`words.decision`), the option as the actor was shown it."""
    st = controller.state
    if isinstance(ev, VoteCast):
        return f"{words.short_name(st.scenario, ev.nation)} voted {words.vote(st, ev)}"
    assert isinstance(ev, DecisionTaken)
    said = words.decision(st, ev)
    name = words.short_name(st.scenario, ev.team)
    if ev.by == "organisation":
        return f"{name} resolved: {said.line}"
    return f"{name}: {said.line}" if said.default else f"{name} chose {said.line}"
