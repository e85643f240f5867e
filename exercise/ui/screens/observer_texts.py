"""What an observer's console says: the situation every role reads, the public timeline, and the status line.

Plain functions returning Rich `Text`, each reading through `engine/role_views.py` as the reader it is given (an
observer's console passes `Actor.observer()`), so nothing private reaches them: no nation's brief, no private
message, no hidden value, none of control's notes.
"""

from __future__ import annotations

from rich.text import Text

from ...engine.events import ClockAdvanced, MessageSent
from ...engine.role_views import feed_for, messages_for, role_view
from ...engine.roles import Actor
from ...engine.session import Session
from ...engine.state import State
from ..text import plain, plain_line, reflow

FEED_LIMIT = 200  # the timeline shows this many of the latest items


def situation_text(session: Session, reader: Actor) -> Text:
    """The scenario's own brief (the situation every role reads), and who takes part: names only."""
    sc = session.scenario
    t = Text()
    t.append(plain_line(sc.title, style="bold underline"))
    t.append("\nThe situation (every role reads this)\n\n", style="dim")
    situation = role_view(session, reader).situation
    t.append(plain(reflow(situation) if situation else "The scenario gives no general brief."))
    t.append("\n\nNations\n", style="bold")
    for nation in sc.nations.values():
        t.append("  ")
        t.append(plain_line(nation.name))
        t.append("\n")
    if sc.orgs:
        t.append("\nOrganisations\n", style="bold")
        for org in sc.orgs.values():
            members = ", ".join(sc.name_of(m) for m in org.members)
            t.append("  ")
            t.append(plain_line(f"{org.name} (decides by {org.decides}; {members})"))
            t.append("\n")
    t.append("\nAs an observer you read the public picture: the injects and messages addressed to everyone, the "
             "values not kept for control, and the clock. You give no commands.", style="dim italic")
    return t


def timeline_text(state: State, reader: Actor) -> Text:
    """The public timeline, newest last: the injects released to everyone and the messages sent to everyone,
    turn by turn."""
    sc = state.scenario
    items: list[tuple[int, int, str, str, Text]] = [(i.seq, i.turn, i.time, "✉", plain(i.summary))
                                                    for i in feed_for(state, reader)]
    turn_at = _TurnAt(state)
    for entry in messages_for(state, reader):
        ev = entry.event
        assert isinstance(ev, MessageSent)
        turn = turn_at(entry.seq)
        said = Text.assemble(plain_line(f"{sc.name_of(ev.sender)} to everyone", style="bold"), ": ", plain(ev.text))
        items.append((entry.seq, turn, sc.time_of(turn), "◀", said))
    items.sort(key=lambda item: item[0])
    t = Text()
    t.append("The public timeline", style="bold underline")
    t.append("\nInjects released to everyone and messages sent to everyone.\n", style="dim")
    if len(items) > FEED_LIMIT:
        t.append(f"(showing the last {FEED_LIMIT} of {len(items)})\n", style="dim")
        items = items[-FEED_LIMIT:]
    if not items:
        t.append("\nNothing public yet.", style="italic")
    shown_turn = None
    for _seq, turn, time, mark, said in items:
        if turn != shown_turn:
            shown_turn = turn
            t.append(f"\nTurn {turn} · {time}\n", style="bold")
        t.append(f"  {mark} ")
        t.append_text(said)
        t.append("\n")
    return t


class _TurnAt:
    """seq -> the turn it happened in, from the clock's moves (public: every role sees the clock)."""

    def __init__(self, state: State) -> None:
        self._moves = [(e.seq, e.event.turn) for e in state.log
                       if isinstance(e.event, ClockAdvanced) and e.seq not in state.retracted]

    def __call__(self, seq: int) -> int:
        turn = 1
        for at, moved_to in self._moves:
            if at > seq:
                break
            turn = moved_to
        return turn


def status_text(state: State) -> Text:
    """'Turn 2/6 · D+0 12:00 · ▶ Running · observer: read-only' (or paused by control, or ended)."""
    sc = state.scenario
    t = Text()
    t.append(f"Turn {min(state.turn, sc.turns)}/{sc.turns}", style="bold")
    t.append(f" · {sc.time_of(state.turn)} · ")
    if state.ended is not None:
        t.append("■ The exercise has ended", style="bold")
    elif state.paused:
        t.append("‖ Paused by control", style="bold")
    else:
        t.append("▶ Running")
    t.append(" · observer: read-only", style="dim")
    return t
