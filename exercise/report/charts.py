"""The report's figures: which charts a session gets and what each says in words, drawn with `figures`."""

from __future__ import annotations

from ..engine import analysis, views
from ..engine.compile import CompiledScenario
from ..engine.events import DecisionTaken, InjectReleased, VoteCast
from ..engine.state import State
from . import figures as fg
from .outside import part
from .wording import duration, key_label, num, short_name, step_words, var_label


def build_figures(sc: CompiledScenario, state: State) -> list[fg.Figure]:
    figs: list[fg.Figure] = []
    played = max(state.turn, 1)
    x_labels = ["start"] + [str(t) for t in range(1, played + 1)]
    x_title = f"turn ({step_words(sc.step_minutes)} each; turn 1 = {sc.time_of(1)})"
    for var, spec in sc.vars.items():
        label = var_label(sc, var)
        titled = part(label) + (" (hidden from teams)" if spec.hidden else "")  # the label inside sentences
        direction = "lower is better" if spec.good == "low" else "higher is better"
        if spec.per == "global":
            slot = sc.layout.slot(var)
            assert slot is not None
            values = [sc.start[slot], *views.series(state, var)]
            lo_i = min(range(len(values)), key=lambda i: values[i])
            hi_i = max(range(len(values)), key=lambda i: values[i])
            desc = (f"{titled} ({direction}, scale {num(spec.min)} to {num(spec.max)}): {num(values[0])} at the "
                    f"start, {num(values[-1])} at the end of turn {played}; lowest {num(values[lo_i])} "
                    f"({x_labels[lo_i] if lo_i == 0 else 'turn ' + x_labels[lo_i]}), highest {num(values[hi_i])} "
                    f"({x_labels[hi_i] if hi_i == 0 else 'turn ' + x_labels[hi_i]}).")
            top = fg.axis_top(spec.min, spec.max, max(values))
            fig = fg.line_chart(f"fig-{var}", titled, desc, x_labels, [fg.Series(label, values)],
                                spec.min, top, x_title, _y_title(label, spec.min, spec.max, top, direction))
        elif spec.per == "nation":
            series = []
            parts = []
            for nid in sc.nations:
                key = f"{var}[{nid}]"
                slot = sc.layout.slot(key)
                assert slot is not None
                values = [sc.start[slot], *views.series(state, key)]
                series.append(fg.Series(short_name(sc, nid), values))
                parts.append(f"{part(short_name(sc, nid))} {num(values[0])} to {num(values[-1])}")
            top = fg.axis_top(spec.min, spec.max, max(v for x in series for v in x.values))
            desc = (f"{titled} per nation ({direction}, scale {num(spec.min)} to {num(spec.max)}"
                    + (f", axis drawn to {num(top)}" if top < spec.max else "")
                    + f"), start to end of turn {played}: " + "; ".join(parts) + ".")
            fig = fg.line_chart(f"fig-{var}", titled, desc, x_labels, series, spec.min, top, x_title,
                                _y_title(label, spec.min, spec.max, top, direction))
        else:
            continue
        fig.group = "state"
        figs.append(fig)
    for var, spec in sc.vars.items():
        if spec.per != "pair":
            continue
        ids = list(sc.nations)
        label = part(var_label(sc, var))

        def matrix(values: list[float], var: str = var, ids: list[str] = ids) -> list[list[float | None]]:
            return [[None if a == b else values[sc.layout.slot(f"{var}[{a}][{b}]") or 0] for b in ids]
                    for a in ids]

        start, end = matrix(list(sc.start)), matrix(list(state.vals))
        changed = []
        for i, a in enumerate(ids):
            for j, b in enumerate(ids):
                s0, s1 = start[i][j], end[i][j]
                if s0 is not None and s1 is not None and abs(s1 - s0) > 1e-9:
                    changed.append((abs(s1 - s0), f"{key_label(sc, f'{var}[{a}][{b}]')} {num(s0)} to {num(s1)}"))
        changed.sort(key=lambda x: -x[0])
        desc = (f"{label} between each pair of nations at the start and at the end (row: who trusts; column: whom; "
                f"scale {num(spec.min)} to {num(spec.max)}). " +
                ("Largest changes: " + "; ".join(t for _, t in changed[:4]) + "." if changed else "No value changed."))
        fig = fg.matrix_chart(f"fig-{var}-matrix", f"{label} between nations, start and end", desc,
                              [short_name(sc, x) for x in ids], start, end, spec.min, spec.max)
        fig.group = "matrix"
        figs.append(fig)
    lat = latency_figure(sc, state)
    if lat is not None:
        figs.append(lat)
    tl = decision_timeline_figure(sc, state)
    if tl is not None:
        figs.append(tl)
    for i, f in enumerate(figs, 1):
        f.number = i
    return figs


def _y_title(label: str, lo: float, hi: float, top: float, direction: str) -> str:
    """The value axis's title: what it measures, its scale, and where it was cut short."""
    cut = f", axis to {num(top)}" if top < hi else ""
    return f"{label} (scale {num(lo)}–{num(hi)}{cut}; {direction})"


# Wall-time units for the latency axis, by the longest latency drawn: a bot's or a script's session decides in
# milliseconds, and minutes would draw every mark on 0 with ticks '0, 0.0, 0.0'.
LATENCY_UNITS = ((120.0, 60.0, "minutes"), (1.0, 1.0, "seconds"), (0.0, 0.001, "milliseconds"))


def latency_figure(sc: CompiledScenario, state: State) -> fg.Figure | None:
    groups = analysis.latency_by_team(state)
    have_wall = any(x.seconds is not None for g in groups for x in g.decided)
    longest = max((x.seconds for g in groups for x in g.decided if x.seconds is not None), default=0.0)
    per, unit_name = next((per, name) for floor, per, name in LATENCY_UNITS if longest >= floor)
    rows = []
    parts = []
    for g in groups:
        if not g.items:
            continue
        if have_wall:
            values = [((x.seconds or 0.0) / per, x.by) for x in g.decided if x.seconds is not None]
            med = g.median_seconds / per if g.median_seconds is not None else None
        else:
            values = [(float(x.turns), x.by) for x in g.decided]
            med = None
        if g.decided:
            turns = g.mean_turns or 0.0
            lag = "same turn" if turns < 1e-9 else f"{num(round(turns, 1))} turn{'s' if abs(turns - 1) > 1e-9 else ''}"
            median = f"median {duration(g.median_seconds)} · " if have_wall else ""
            note = f"{median}{lag} · {len(g.decided)} decided"
        else:
            note = "none decided"
        if g.defaults:
            note += f", {g.defaults} by deadline"
        rows.append(fg.LatencyRow(short_name(sc, g.team), values, med, note))
        parts.append(f"{part(sc.name_of(g.team))}: {note}")
    if not rows:
        return None
    unit = f"{unit_name} of wall time from the inject's release to the decision" if have_wall else \
        "turns from the inject's release to the decision"
    desc = ("Decision latency per team, from an inject's release to the team's decision or vote. "
            + "; ".join(parts) + ".")
    fig = fg.latency_chart("fig-latency", "Decision latency per team", desc, rows, unit)
    fig.group = "latency"
    return fig


def decision_timeline_figure(sc: CompiledScenario, state: State) -> fg.Figure | None:
    turns_of = analysis.turns_by_seq(state)
    deciders: list[str] = []
    items = []
    releases = []
    for e in state.live_entries():
        ev = e.event
        by: str
        if isinstance(ev, DecisionTaken):
            who, by = ev.team, ev.by
        elif isinstance(ev, VoteCast):
            who, by = ev.nation, ("bot-vote" if ev.by == "bot" else "vote")
        elif isinstance(ev, InjectReleased):
            releases.append((turns_of[e.seq], e.seq))
            continue
        else:
            continue
        items.append((turns_of[e.seq], e.seq, who, by))
    if not items:
        return None
    for nid in sc.nations:
        if any(i[2] == nid for i in items):
            deciders.append(nid)
    for oid in sc.orgs:
        if any(i[2] == oid for i in items):
            deciders.append(oid)
    for i in items:
        if i[2] not in deciders:
            deciders.append(i[2])
    per_turn: dict[int, list[int]] = {}
    for t, seq, _, _ in items:
        per_turn.setdefault(t, []).append(seq)
    marks = []
    for t, seq, who, by in items:
        seqs = per_turn[t]
        marks.append(fg.Mark(deciders.index(who), t, seqs.index(seq), len(seqs), by, f"#{seq}"))
    rel_turn: dict[int, list[int]] = {}
    for t, seq in releases:
        rel_turn.setdefault(t, []).append(seq)
    rel = [(t, rel_turn[t].index(seq), len(rel_turn[t]), f"#{seq}") for t, seq in releases]
    played = max(state.turn, 1)
    counts: dict[str, int] = {}
    for _, _, who, _ in items:
        counts[who] = counts.get(who, 0) + 1
    desc = (f"Decisions and votes by turn, turns 1 to {played}: " +
            "; ".join(f"{part(sc.name_of(w))} {counts[w]}" for w in deciders) +
            f". {len(releases)} inject releases are marked on the top row; numbers refer to the timeline.")
    fig = fg.decision_timeline("fig-decisions", "Decision timeline", desc, [short_name(sc, w) for w in deciders],
                               played, [sc.time_of(t) for t in range(1, played + 1)], marks, rel)
    fig.group = "decisions"
    return fig
