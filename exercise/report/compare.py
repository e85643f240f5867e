"""Comparing sessions of one scenario (two syndicates, or a solo run against a workshop).

The first session is the baseline; each other one is compared with it through `engine.comparison.divergence`:
which decisions differed (and the first that did), what each of those choices did to the state, how the
state stood at the end, and which ending each reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine import analysis, comparison, views, words
from ..engine.compile import CompiledScenario
from ..engine.events import DecisionTaken, VoteCast
from ..engine.outcomes import national_results
from ..engine.state import State
from . import figures as fg
from . import record
from .errors import ReportError
from .outside import block, guard_tree, line, part, sentence
from .wording import (
    change_words,
    delta,
    duration,
    key_label,
    num,
    player_tag_words,
    player_words,
    short_name,
    var_label,
    wall_date,
    wall_stamp,
)

if TYPE_CHECKING:
    from ..live import LiveSession

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class SessionInfo:
    letter: str
    file: str
    dates: str
    seed: int
    mode: str
    players: str
    turns: str
    ending: str
    events: int
    head: str
    scenario_hash: str


@dataclass
class ChoiceRow:
    turn: int
    time: str
    inject: str
    team: str
    vote: bool
    base: str  # the option taken in the baseline, in words
    other: str
    base_rationale: str
    other_rationale: str
    same: bool
    base_effect: str
    other_effect: str


@dataclass
class FinalRow:
    label: str
    base: str
    other: str
    difference: str
    judgement: str  # how the other session stands against the baseline: 'better' | 'worse' | ''


@dataclass
class Pair:
    base: SessionInfo
    other: SessionInfo
    same_version: bool
    headline: list[str]
    first: ChoiceRow | None
    diverged: list[ChoiceRow]
    agreed: list[ChoiceRow]
    final: list[FinalRow]
    released_only_base: list[str]
    released_only_other: list[str]
    ending_base: str
    ending_other: str
    # Each nation's own result in the two sessions (`engine.outcomes`): (nation, in the baseline, in the other)
    results: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Comparison:
    title: str
    scenario_title: str
    scenario_id: str
    generated: str
    sessions: list[SessionInfo]
    pairs: list[Pair]
    figures: list[fg.Figure]
    # What `tabletop verify` found wrong with any of the session files (a changed scenario copy, a broken chain),
    # one paragraph a session: shown first, above everything, in every format.
    warnings: list[str] = field(default_factory=list)

    def figures_in(self, group: str) -> list[fg.Figure]:
        return [f for f in self.figures if f.group == group]


# Outside text enters the comparison here, shown on one line (rationales keep their lines); see outside.py.
# Titles, labels and endings are the words each session stored when it showed them, never the scenario's templates.
def _title(state: State, inject_id: str) -> str:
    return line(views.words_of(state, inject_id).title)


def _label(state: State, inject_id: str, option: str | None, reader: str | None) -> str:
    if not option:
        return "no decision"
    said = views.words_of(state, inject_id, reader).options.get(option)
    return line(said.label if said is not None else option)


def _ending(sc: CompiledScenario, state: State) -> str:
    if state.ended is None:
        return f"not ended (turn {state.turn} of {sc.turns})"
    return line(views.ending_words(state)[0])


def _info(letter: str, live: LiveSession) -> SessionInfo:
    sc, st = live.scenario, live.state
    rows = live.store.read()
    first, last = (rows[0].wall, rows[-1].wall) if rows else (None, None)
    teams = st.started.teams if st.started else {}
    named = st.started.players if st.started else {}
    # Who was named at set-up comes first, as in each session's own report: 'Norvald: Cdr. Ada (bot, hawkish)'.
    players = "; ".join(f"{part(short_name(sc, n))}: " + (f"{part(named[n])} ({player_tag_words(who)})" if named.get(n)
                                                           else player_words(who))
                        for n, who in teams.items() if n in sc.nations)
    return SessionInfo(letter, line(live.store.path.name),
                       f"{wall_date(first)} ({duration(analysis.seconds_between(first, last))})",
                       st.seed, st.started.mode if st.started else "", players,
                       f"{max(st.turn, 1)} of {sc.turns}", _ending(sc, st), len(rows),
                       rows[-1].hash[:12] if rows else "", st.started.scenario_hash if st.started else "")


def _effect(sc: CompiledScenario, c: comparison.Choice | None) -> str:
    if c is None:
        return ""
    if c.vote:
        return "(a vote: the organisation's decision carries the effect)"
    return change_words(sc, list(c.effects))


def _rationale(c: comparison.Choice | None) -> str:
    if c is None or c.by in ("bot", "deadline", "organisation"):  # their notes say nothing the decision does not
        return ""
    return block(c.rationale)


def _choice_row(sc: CompiledScenario, a: State, b: State, d: comparison.ChoiceDiff) -> ChoiceRow:
    turn = d.turn

    def word(c: comparison.Choice | None, state: State) -> str:
        """The decision or vote in the engine's words: 'deadline passed, default taken: Wait', 'X (bot, cautious)'."""
        if c is None:
            return "not decided"
        ev = state.log[c.seq - 1].event
        if isinstance(ev, DecisionTaken):
            return sentence(words.decision(state, ev).line)
        if isinstance(ev, VoteCast):
            return sentence(words.vote(state, ev))
        return _label(state, d.inject, c.option, d.team)

    return ChoiceRow(turn, sc.time_of(turn), _title(a, d.inject), line(sc.name_of(d.team)), d.vote,
                     word(d.a, a), word(d.b, b), _rationale(d.a), _rationale(d.b), d.same, _effect(sc, d.a),
                     _effect(sc, d.b))


def _pair(base: SessionInfo, other: SessionInfo, a: LiveSession, b: LiveSession) -> Pair:
    sc = a.scenario
    div = comparison.divergence(a.state, b.state)
    rows = [_choice_row(sc, a.state, b.state, d) for d in div.choices]
    diverged = [r for r in rows if not r.same]
    agreed = [r for r in rows if r.same]
    first = _choice_row(sc, a.state, b.state, div.first) if div.first else None
    final = []
    gaps: list[tuple[float, FinalRow]] = []
    for key, va, vb in div.final:
        slot = sc.layout.slot(key)
        spec = sc.vars[sc.layout.var_of[slot]] if slot is not None else None
        d = vb - va
        judgement = words.judgement(sc, key, d) if spec is not None else ""
        final.append(FinalRow(key_label(sc, key), num(va), num(vb), delta(d), judgement))
        gaps.append((abs(d), final[-1]))
    headline = []
    if first is not None:
        how = "voted" if first.vote else "chose"
        headline.append(f"The sessions first diverged at turn {first.turn} ({first.time}) on “{part(first.inject)}”: "
                        f"{part(first.team)} {how} “{part(first.base)}” in {base.letter} and “{part(first.other)}” "
                        f"in {other.letter}.")
    else:
        headline.append(f"Every decision taken in both sessions was the same ({len(agreed)} in all).")
    headline.append(f"{len(diverged)} of {len(rows)} decisions and votes differed.")
    gaps.sort(key=lambda x: -x[0])
    big = [f"{r.label} {r.base} in {base.letter}, {r.other} in {other.letter}" for g, r in gaps[:3] if g > 1e-9]
    if big:
        headline.append("The largest differences at the end: " + "; ".join(big) + ".")
    same_end = div.ending_a == div.ending_b
    headline.append(f"Both ended \u201c{part(base.ending)}\u201d." if same_end else
                    f"{base.letter} ended \u201c{part(base.ending)}\u201d; {other.letter} ended "
                    f"\u201c{part(other.ending)}\u201d.")
    theirs = {r.nation: r.title for r in national_results(b.state)}
    results = [(part(r.name), line(r.title), line(theirs.get(r.nation, ""))) for r in national_results(a.state)]
    return Pair(base, other, div.same_version, headline, first, diverged, agreed, final,
                [_title(a.state, i) for i in div.released_only_a],
                [_title(b.state, i) for i in div.released_only_b], base.ending, other.ending, results)


def _figures(lives: list[LiveSession], infos: list[SessionInfo]) -> list[fg.Figure]:
    sc = lives[0].scenario
    figs = []
    played = max(max(live.state.turn for live in lives), 1)
    x_labels = ["start"] + [str(t) for t in range(1, played + 1)]
    for var, spec in sc.vars.items():
        if spec.per != "global":
            continue
        label = var_label(sc, var)
        series = []
        parts = []
        for live, info in zip(lives, infos, strict=True):
            slot = live.scenario.layout.slot(var)
            if slot is None:
                continue
            values = [live.scenario.start[slot], *views.series(live.state, var)]
            values += [values[-1]] * (len(x_labels) - len(values))
            series.append(fg.Series(info.letter, values))
            parts.append(f"{info.letter} {num(values[0])} to {num(values[-1])}")
        desc = f"{part(label)} over scenario time in each session: " + "; ".join(parts) + "."
        fig = fg.line_chart(f"cmp-{var}", f"{part(label)}, session by session", desc, x_labels, series, spec.min,
                            spec.max, "turn")
        fig.group = "state"
        figs.append(fig)
    for i, f in enumerate(figs, 1):
        f.number = i
    return figs


def _warnings(lives: list[LiveSession], infos: list[SessionInfo]) -> list[str]:
    """Per session whose file does not verify (`LiveSession.verify`: its chain, its stored scenario copy), what is
    wrong, as the report of that session says it."""
    from ..live import SessionFileError

    out = []
    for live, info in zip(lives, infos, strict=True):
        try:
            found = record.warnings(live.verify(), live.copy_problems, info.file)
        except SessionFileError as exc:
            raise ReportError(str(exc)) from None
        if found:
            out.append(f"Session {info.letter}: " + " ".join(found))
    return out


def build_comparison(lives: list[LiveSession]) -> Comparison:
    if len(lives) < 2:
        raise ReportError("--compare needs at least two session files")
    ids = {live.scenario.id for live in lives}
    if len(ids) > 1:
        names = ", ".join(f"{line(live.store.path.name)}: {live.scenario.id}" for live in lives)
        raise ReportError(f"--compare needs sessions of the same scenario ({names})")
    infos = [_info(LETTERS[i % 26] + ("" if i < 26 else str(i // 26)), live) for i, live in enumerate(lives)]
    pairs = [_pair(infos[0], infos[i], lives[0], lives[i]) for i in range(1, len(lives))]
    last = max((live.store.read()[-1].wall for live in lives if live.store.last_seq()), default=None)
    sc = lives[0].scenario
    result = Comparison(f"Session comparison: {part(sc.title)}", line(sc.title), sc.id, wall_stamp(last), infos,
                        pairs, _figures(lives, infos), _warnings(lives, infos))
    guard_tree(result)
    return result


def compare_sessions(db_paths: list[str | Path]) -> Comparison:
    from ..live import LiveSession, SessionFileError

    lives = []
    try:
        for p in db_paths:
            try:
                lives.append(LiveSession.open(p, readonly=True))  # read, never written: read-only media too
            except SessionFileError as exc:
                raise ReportError(str(exc)) from None
        return build_comparison(lives)
    finally:
        for live in lives:
            live.close()


def comparison_stem(db_paths: list[str | Path]) -> str:
    from ..store import locate

    stems = [locate(p).stem for p in db_paths]
    return "-vs-".join(stems) + "-comparison" if len(stems) <= 3 else f"{stems[0]}-vs-{len(stems) - 1}-comparison"


def write_comparison(db_paths: list[str | Path], formats: list[str], out_dir: Path,
                     template_dir: str | Path | None = None) -> list[Path]:
    from urllib.parse import quote

    from .render import MdSafe, render

    cmp = compare_sessions(db_paths)
    stem = comparison_stem(db_paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        if fmt == "md":
            fig_dir = out_dir / f"{stem}-figures"
            fig_dir.mkdir(exist_ok=True)
            files = {}
            for f in cmp.figures:
                (fig_dir / f"{f.id}.svg").write_text(f.svg + "\n", encoding="utf-8")
                files[f.id] = MdSafe(quote(f"{stem}-figures/{f.id}.svg"))
            path = out_dir / f"{stem}.md"
            path.write_text(render("md", "compare.md.j2", {"c": cmp, "figure_files": files}, template_dir),
                            encoding="utf-8")
        elif fmt == "html":
            path = out_dir / f"{stem}.html"
            path.write_text(render("html", "compare.html.j2", {"c": cmp}, template_dir), encoding="utf-8")
        elif fmt == "pdf":
            from .pdf import write_pdf

            path = write_pdf(render("print", "compare.html.j2", {"c": cmp}, template_dir), out_dir / f"{stem}.pdf")
        elif fmt == "docx":
            from .compare_docx import write_comparison_docx

            path = write_comparison_docx(cmp, out_dir / f"{stem}.docx")
        else:
            raise ReportError(f"unknown report format '{fmt}'")
        written.append(path)
    return written


def _register() -> None:
    from .render import register_data_types

    register_data_types(SessionInfo, ChoiceRow, FinalRow, Pair)


_register()
