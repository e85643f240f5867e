"""Appendix B, the MSEL as played: each inject with how it was delivered, its text as the players read it
when it was released, the decisions on it and the evaluators' notes that cite it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import chronology, words
from ..engine.events import DecisionTaken, InjectReleased, InjectWritten, VoteCast
from ..engine.inject_words import CONTROL
from ..engine.text import reflow
from .outside import block, line, part, sentence
from .sections import MselPlayed

if TYPE_CHECKING:
    from .model import _Builder


def msel(b: _Builder) -> list[MselPlayed]:
    sc, st = b.sc, b.state
    decided: dict[str, list[str]] = {}
    released_by: dict[str, str] = {}
    written: set[str] = set()
    inject_of: dict[int, str] = {}
    for e in b.live:
        ev = e.event
        if isinstance(ev, DecisionTaken):
            decided.setdefault(ev.inject, []).append(
                f"{part(sc.name_of(ev.team))}: {sentence(words.decision(st, ev).line)}, turn {b.turns[e.seq]}")
        if isinstance(ev, (InjectReleased, DecisionTaken, VoteCast)):
            inject_of[e.seq] = ev.inject
        if isinstance(ev, InjectReleased):
            released_by.setdefault(ev.inject, ev.by)
        elif isinstance(ev, InjectWritten):
            written.add(ev.inject)
    notes: dict[str, list[str]] = {}
    for o in b.observations:
        cited = {inject_of[s] for s in o.evidence if s in inject_of}
        view = b.obs(o)
        said = (f"{view.rating} " if view.rating else "") + f"{view.text} ({view.by}, " + \
            ("hot wash" if view.hotwash else f"turn {view.turn}") + f", event #{view.seq})"
        for inject in sorted(cited):
            notes.setdefault(inject, []).append(said)
    rows = []
    for r in chronology.msel(b.session):
        text, variants = _text_as_released(b, r.id)
        rows.append(MselPlayed(
            r.number, line(r.id), r.time, sentence(r.trigger), line(r.kind), line(r.sender), sentence(r.to),
            block(r.description), block(r.expected.strip()), line(r.objective), line(r.capability), r.status,
            b.when(r.released_turn) if r.released_turn is not None else "not released", decided.get(r.id, []),
            delivery=_delivery(b, r, released_by.get(r.id), r.id in written), text=text, variants=variants,
            notes=_few(notes.get(r.id, []))))
    return rows


NOTES_SHOWN = 5


def _few(notes: list[str]) -> list[str]:
    """The evaluators' notes on one inject, the first five and how many more: a long workshop cites an inject in
    hundreds, which ran the MSEL to seventy pages of one narrow column. Each is in section 3, under its objective."""
    if len(notes) <= NOTES_SHOWN + 1:
        return notes
    more = len(notes) - NOTES_SHOWN
    return [*notes[:NOTES_SHOWN], f"… and {more} more observations that cite it (section 3 gives each under its "
                                  "objective)"]


def _delivery(b: _Builder, r: chronology.MselRow, by: str | None, written: bool) -> str:
    """How the inject reached the players: its kind and sender, the consoles it went to, and who released it."""
    head = f"{part(r.kind).capitalize()} from {part(r.sender)} to {part(r.to)}, on the team consoles"
    delayed = b.state.delays.get(r.id, 0)
    later = f", delayed {delayed} turn{'s' if delayed != 1 else ''} by control" if delayed else ""
    if written:
        return f"{head}; written and released by control during play"
    if by == "control":
        return f"{head}; released by control{later}"
    if by == "schedule":
        return f"{head}; released on schedule ({sentence(r.trigger)}){later}"
    return f"{head}; not released{later}"


def _text_as_released(b: _Builder, inject_id: str) -> tuple[str, list[tuple[str, str]]]:
    """(control's text, [(nation, its text)] for the readers whose words differed): the words stored in the log at
    release, never the scenario's templates rendered again."""
    said = b.state.words.get(inject_id)
    if not said:
        return "", []
    main = said.get(CONTROL) or next(iter(said.values()))
    # Reflowed: a YAML block keeps the author's line breaks, which a narrow column broke again mid-line.
    variants = [(line(b.sc.name_of(reader)), block(reflow(w.text))) for reader, w in said.items()
                if reader != CONTROL and w.text.strip() != main.text.strip()]
    return block(reflow(main.text)), variants
