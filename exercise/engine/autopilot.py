"""The turn policy: what happens next when nobody is at the controls.

Solo play, the hot-seat, `tabletop simulate` and `tabletop run --bots` ask this one function, and the
facilitator's console its first part, so they cannot disagree about what comes next:

1. a bot nation's pending decision or vote (`bots.next_bot_move`), in every mode;
2. where no facilitator runs the session (solo play, simulation, `run --bots`), the stand-in's release of a
   manual inject due this turn (`bots.stand_in_release`);
3. the clock.

Each step is the entries of ONE command, so each is stored as its own transaction, and it is a function of
the state (and of `seen`) alone: a run killed between two steps resumes making exactly the moves an
uninterrupted one makes.

A decision the stand-in released for a person is that person's to take before the clock moves: the stand-in
acts after the player asked to end the turn, so its card would otherwise lapse in the same instant, unread.
"""

from __future__ import annotations

from .bots import bot_profile, next_bot_move, stand_in_release
from .session import Session
from .state import Entry, Pending, State

# Modes in which no facilitator runs the session, so the engine's stand-in releases the manual injects.
# A hot-seat has nobody at a control console either, but its teams share one screen and play the scenario's
# schedule as written.
STAND_IN_MODES = frozenset({"solo", "headless"})


def stands_in(state: State) -> bool:
    """Whether the engine releases this session's manual injects itself (there is no facilitator)."""
    return state.started is not None and state.started.mode in STAND_IN_MODES


def fresh_for_people(state: State, seen: int) -> list[Pending]:
    """Open decisions and votes of nations people play, on injects released after log position `seen`
    (what the people at the screen have not yet seen), oldest first."""
    return [p for p in state.pending() if bot_profile(state, p.team) is None
            and state.release_seq.get(p.inject, 0) > seen]


def next_step(session: Session, *, seen: int | None = None) -> list[Entry]:
    """The entries of the next command when nobody is at the controls: a bot's move, else the stand-in's
    release of a due manual inject (where there is no facilitator), else the clock's advance.

    `seen` is the last log position the people playing have seen (solo: where the log stood when the player
    ended the turn); the clock waits while a decision released after it is open to one of them. None: nobody
    is watching (a simulation, `run --bots`), and the clock never waits.

    [] when nothing is to be done now: the session has ended or is paused, or people are to decide first
    (`fresh_for_people` names what).
    """
    state = session.state
    if state.started is None or state.ended is not None or state.paused:
        return []
    move = next_bot_move(session)
    if move:
        return move
    if stands_in(state):
        released = stand_in_release(session)
        if released:
            return released
    if seen is not None and fresh_for_people(state, seen):
        return []
    return session.advance()
