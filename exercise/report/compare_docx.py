"""The comparison of sessions (`compare.Comparison`) as a DOCX, on the blocks in `docx_blocks`; every value from
the model goes in through `t`, as in the report's DOCX."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .docx_blocks import Doc, Run, t

if TYPE_CHECKING:
    from .compare import Comparison


def _side(name: str, rationale: str, effect: str) -> list[Run]:
    out: list[Run] = [("b", t(name))]
    if rationale:
        out.append(("i", f"\n“{t(rationale)}”"))
    if effect:
        out.append(("m", f"\n{t(effect)}"))
    return out


def write_comparison_docx(c: Comparison, path: Path) -> Path:
    w = Doc(t(c.title), t(c.title), "tabletop", f"tabletop; comparison; {t(c.scenario_id)}", "",
            subject="Comparison of sessions")
    w.heading(t(c.title), 0)
    for i, warning in enumerate(c.warnings):
        w.para(("Warning: " if i == 0 else "") + t(warning), bold=True)
    w.para("Where the sessions' decisions diverged, and what that did to the state and the ending.", italic=True)
    w.heading("Sessions", 1)
    w.table(["", "Session file", "Played", "Teams", "Seed, mode", "Turns", "Ending", "Events"],
            [[s.letter + (" (baseline)" if i == 0 else ""), t(s.file), s.dates, t(s.players), f"{s.seed}, {s.mode}",
              s.turns, t(s.ending), str(s.events)] for i, s in enumerate(c.sessions)],
            [1.6, 2.6, 2.4, 3.4, 1.8, 1.2, 2.6, 1.4])
    for p in c.pairs:
        w.heading(f"{p.base.letter} and {p.other.letter}: {t(p.base.file)} and {t(p.other.file)}", 1, page_break=True)
        if not p.same_version:
            w.para("Note: these sessions played different versions of the scenario; differences may come from the "
                   "scenario as well as from the decisions.", bold=True)
        for line in p.headline:
            w.para(t(line))
        w.heading("Where the decisions diverged", 2)
        if p.diverged:
            w.table(["When", "Inject", "Who", f"In {p.base.letter}", f"In {p.other.letter}"],
                    [[f"turn {d.turn} ({d.time})", t(d.inject), t(d.team) + (" (vote)" if d.vote else ""),
                      _side(d.base, d.base_rationale, d.base_effect), _side(d.other, d.other_rationale, d.other_effect)]
                     for d in p.diverged], [2.2, 3, 2.8, 4.5, 4.5])
        else:
            w.para("No decision differed.", italic=True)
        w.heading("The state at the end", 2)
        w.table(["Value", p.base.letter, p.other.letter, f"{p.other.letter} against {p.base.letter}"],
                [[t(f.label), f.base, f.other, f.difference + (f" ({f.judgement})" if f.judgement else "")]
                 for f in p.final], [8, 2, 2, 5])
        w.para(f"Ending: {p.base.letter}: {t(p.ending_base)}; {p.other.letter}: {t(p.ending_other)}.", bold=True)
        if p.results:
            w.heading("Each nation's own result", 2)
            w.table(["Nation", f"In {p.base.letter}", f"In {p.other.letter}"],
                    [[t(nation), t(base), [("i", "the same")] if other == base else [("b", t(other))]]
                     for nation, base, other in p.results], [5, 6, 6])
    w.heading("The state over scenario time", 1, page_break=True)
    for f in c.figures_in("state"):
        w.figure(f, 9.5)
    try:
        when = datetime.strptime(c.generated, "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
    except ValueError:  # 'unknown': a session without wall times
        when = None
    w.save(path, when)
    return path
