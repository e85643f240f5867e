"""What a team reads besides its injects: its private brief and capabilities, and its own history.

Plain functions returning Rich `Text`, so the team console, the hot-seat handover and the debrief
say these things the same way.
"""

from __future__ import annotations

from rich.text import Text

from ...engine.chronology import timeline
from ...engine.events import DecisionTaken, MessageSent, VoteCast
from ...engine.role_views import briefs_for
from ...engine.roles import Actor
from ...engine.state import State
from ..text import one_line, plain, plain_line, reflow

CAP_MAX = 5


def brief_text(state: State, reader: Actor) -> Text:
    """A team's private brief, as `reader` (that team) may read it (`role_views.briefs_for`)."""
    sc = state.scenario
    nation = reader.nation or ""
    n = sc.nations[nation]
    t = Text()
    t.append(plain(f"{one_line(n.name)}: private brief\n", style="bold underline"))
    t.append("(for your team only)\n\n", style="dim")
    t.append(plain(reflow(briefs_for(state, reader).get(nation) or "No private brief for this nation.") + "\n"))
    caps = {one_line(c): v for (who, c), v in state.capabilities.items() if who == nation}
    t.append("\nCapabilities ", style="bold")
    t.append(f"(0 to {CAP_MAX})\n", style="dim")
    if not caps:
        t.append("  none listed\n")
    width = max((len(c) for c in caps), default=0)
    for cap, value in sorted(caps.items()):
        t.append(f"  {cap.ljust(width)}  {'■' * int(value)}{'□' * (CAP_MAX - int(value))}  {value}\n")
    orgs = [o for o in sc.orgs.values() if nation in o.members]
    if orgs:
        t.append("\nMember of\n", style="bold")
        for o in orgs:
            others = ", ".join(sc.name_of(m) for m in o.members if m != nation)
            t.append("  ")
            t.append(plain_line(f"{o.name} (decides by {o.decides}; with {others})"))
            t.append("\n")
    if sc.model.brief:
        t.append("\nThe situation (every team reads this)\n", style="bold")
        t.append(plain(reflow(sc.model.brief) + "\n"))
    if state.started:
        bots = [f"{sc.name_of(n)} ({who[4:]})" for n, who in state.started.teams.items() if who.startswith("bot:")]
        if bots:
            t.append("\nPlayed by the computer: ", style="bold")
            t.append(plain_line(", ".join(bots)))
            t.append("\n")
    return t


def history_text(state: State, nation: str) -> Text:
    """What this nation did (decisions, votes, messages) and why, turn by turn."""
    sc = state.scenario
    t = Text()
    items = []
    by_seq = {e.seq: e.event for e in state.live_entries()}
    for item in timeline(state):
        ev = by_seq.get(item.seq)
        if item.retracted or ev is None:
            continue
        if ((isinstance(ev, DecisionTaken) and ev.team == nation) or (isinstance(ev, VoteCast) and ev.nation == nation)
                or (isinstance(ev, MessageSent) and ev.sender == nation)):
            items.append((item, ev))
    if not items:
        return Text("Nothing yet: your decisions, votes and messages will be listed here, with your reasons.",
                    style="italic")
    turn = None
    for item, ev in items:
        if item.turn != turn:
            turn = item.turn
            t.append(f"\nTurn {turn} · {sc.time_of(turn)}\n", style="bold")
        mark = "✉" if isinstance(ev, MessageSent) else "✓"
        if isinstance(ev, DecisionTaken) and ev.by == "deadline":
            mark = "◷"
        t.append(plain(f"  {mark} {item.summary}\n"))
        why = item.rationale  # the reason a person or a bot gave: none for a default or a vote's resolution
        if why:
            t.append("      Why: ", style="dim")
            t.append(plain(why + "\n"))
    return t
