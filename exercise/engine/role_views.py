"""What each role may see: the read models of views.py, filtered by who reads them.

A team reads its own brief, the injects released to it (without control's notes on them: the expected action,
the objectives they test), the messages it sent or that were addressed to it (directly, to everyone, or to an
organisation it belongs to), the state values not marked `hidden`, and what its partners did that it may know
(`chronology.visible_to`). Never another team's brief or private messages, nor control-only fields: the scenario's
hidden variables, injects addressed to control only or not yet released, MSEL notes (`expected`), observations.
An observer reads the public picture: what was addressed to everyone and the values not hidden. Control reads all.

A console of a role reads through these functions only, so what it cannot show it never holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .chronology import TimelineItem, timeline, visible_to
from .events import MessageSent
from .roles import Actor
from .session import Session
from .state import Entry, Pending, State
from .views import InjectView, inject_view, visible_keys

ALL = "all"


def _nation(actor: Actor) -> str:
    assert actor.nation is not None  # a team actor always names its nation (Actor checks it)
    return actor.nation


def sees_message(state: State, actor: Actor, message: MessageSent) -> bool:
    """Whether `actor` may read this message: control every one; a team those it sent or that reach it (directly,
    through 'all' or through an organisation it belongs to); an observer those sent to everyone."""
    if actor.role == "control":
        return True
    if actor.role == "observer":
        return ALL in message.to
    nation = _nation(actor)
    if message.sender == nation or nation in message.to or ALL in message.to:
        return True
    orgs = state.scenario.orgs
    return any(nation in orgs[o].members for o in message.to if o in orgs)


def messages_for(state: State, actor: Actor) -> list[Entry]:
    """The messages `actor` may read, oldest first (retracted ones left out)."""
    return [e for e in state.messages() if isinstance(e.event, MessageSent) and sees_message(state, actor, e.event)]


def injects_for(state: State, actor: Actor) -> list[str]:
    """The released injects `actor` may read, in order of release: a team's inbox; for an observer those
    addressed to every nation; for control all of them."""
    if actor.role == "team":
        return state.inbox(_nation(actor))
    if actor.role == "control":
        return list(state.released)
    everyone = set(state.scenario.nations)
    return [i for i in state.released if everyone <= set(_recipients(state, i))]


def _recipients(state: State, inject_id: str) -> tuple[str, ...]:
    ci = state.scenario.injects.get(inject_id)
    if ci is not None:
        return tuple(ci.recipients)
    return tuple(state.written[inject_id].to)


def inject_for(session: Session, actor: Actor, inject_id: str) -> InjectView | None:
    """An inject as `actor` may read it, or None when it may not read it at all (not released to it yet, or
    addressed to others). Control's notes on an inject (the expected action, the objectives) stay with control."""
    state = session.state
    if actor.role == "control":
        return inject_view(session, inject_id, None)
    if inject_id not in injects_for(state, actor):
        return None
    view = inject_view(session, inject_id, actor.nation)
    return replace(view, expected=None, objectives=[])


def values_for(state: State, actor: Actor) -> dict[str, float]:
    """The state values `actor` may read: control all of them, anyone else those not marked `hidden`."""
    values = state.values()
    if actor.role == "control":
        return values
    return {k: values[k] for k in visible_keys(state.scenario)}


def briefs_for(state: State, actor: Actor) -> dict[str, str]:
    """The private briefs `actor` may read, by nation: a team its own, control every one, an observer none."""
    nations = state.scenario.nations
    if actor.role == "control":
        return {n: spec.brief for n, spec in nations.items()}
    if actor.role == "team":
        return {_nation(actor): nations[_nation(actor)].brief}
    return {}


def feed_for(state: State, actor: Actor, since: int = 0) -> list[TimelineItem]:
    """What `actor` may see happen (messages have their own view): a team what its partners did that reaches
    it; control the whole timeline; an observer the injects released to everyone."""
    if actor.role == "team":
        return visible_to(state, _nation(actor), since)
    if actor.role == "control":
        return [i for i in timeline(state) if i.seq > since]
    public = set(injects_for(state, actor))
    return [i for i in timeline(state) if i.seq > since and i.type == "InjectReleased"
            and _released_inject(state, i.seq) in public]


def _released_inject(state: State, seq: int) -> str | None:
    return getattr(state.log[seq - 1].event, "inject", None)


def pending_for(state: State, actor: Actor) -> list[Pending]:
    """The open decisions and votes `actor` sees: a team its own, control all, an observer none."""
    if actor.role == "team":
        return state.pending(_nation(actor))
    return state.pending() if actor.role == "control" else []


@dataclass
class RoleView:
    """Everything a role may read of a session at one moment, in one value (what a console for that role holds)."""

    actor: Actor
    situation: str  # the scenario's brief, which every role reads
    briefs: dict[str, str]
    injects: list[InjectView]
    messages: list[MessageSent]
    values: dict[str, float]
    feed: list[TimelineItem]
    pending: list[Pending] = field(default_factory=list)


def role_view(session: Session, actor: Actor) -> RoleView:
    """The whole of what `actor` may read now (see the module's note for what each role sees)."""
    state = session.state
    injects = [v for i in injects_for(state, actor) if (v := inject_for(session, actor, i)) is not None]
    messages = [e.event for e in messages_for(state, actor) if isinstance(e.event, MessageSent)]
    return RoleView(actor, state.scenario.model.brief, briefs_for(state, actor), injects, messages,
                    values_for(state, actor), feed_for(state, actor), pending_for(state, actor))
