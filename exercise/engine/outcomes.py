"""Each nation's own result: the read model of its `outcomes:`, judged against its brief.

The coalition's ending says how the alliance fared; a nation's outcome says how that government fared by its
own goals and red lines (re-elected, forced into a climb-down, sheltering a quarter of a million people...).
The two can differ: a nation may do well at home while the coalition strains, and the reverse. An outcome is
a pure read of the final state, so a replay gives the same results and no event records them.

The debrief and the after-action report read these words; a team's console asks for its own (`reader`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .inject_words import text_context
from .rules import national_outcome
from .state import State
from .templates import render


@dataclass(frozen=True)
class NationResult:
    nation: str  # nation id
    name: str  # the nation's name, from the scenario
    outcome: str | None  # the outcome's id, or None where none of its outcomes holds
    title: str  # the outcome's title in words ('no result reached' where none holds)
    text: str  # the outcome's text, rendered for that nation


NO_RESULT = "no result reached"


def national_results(state: State, reader: str | None = None) -> list[NationResult]:
    """The result of every nation that has outcomes, in scenario order, as things stand (or as they ended);
    `reader` a nation id: only that nation's own (a team does not read how its partners judge themselves)."""
    sc = state.scenario
    out: list[NationResult] = []
    turn = state.ended.turn if state.ended else max(state.turn, 1)
    for nation, compiled in sc.outcomes.items():
        if reader is not None and nation != reader:
            continue
        got = national_outcome(sc, state, nation)
        picked = next((o for o in compiled if o.id == got), None)
        if picked is None:
            out.append(NationResult(nation, sc.name_of(nation), None, NO_RESULT, ""))
            continue
        text = render(picked.model.text, text_context(sc, nation, turn)).strip() if picked.model.text else ""
        out.append(NationResult(nation, sc.name_of(nation), picked.id, picked.model.title, text))
    return out
