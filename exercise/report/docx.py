"""DOCX through python-docx (the optional extra `tabletop[docx]`): the report as an editable Word document.

The document is written from the report model, not from the HTML, so that every table is a real
table a planning team can edit (the improvement plan above all). Figures go in as PNG images, drawn
from the same figure descriptions as the SVG by `figure_drawing.to_png` with Pillow (also in the extra).
Text goes in through python-docx's text API, which stores it as text: a player's markup stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .docx_blocks import Doc, clean, python_docx
from .sections import Report


class _Writer(Doc):
    def __init__(self, r: Report) -> None:
        super().__init__(r.title, f"{r.title} · session of {r.overview.dates}", r.overview.facilitator,
                         f"tabletop; AAR/IP; {r.overview.scenario_id}",
                         f"Scenario content hash {r.overview.scenario_hash}; log head {r.digest.head_hash}")
        self.r = r

    # -- the document ------------------------------------------------------------------------------
    def write(self) -> Any:
        r, o = self.r, self.r.overview
        self.doc.add_heading(clean(r.title), 0)
        self.runs([("i", "After-action report and improvement plan · session of " + o.dates)])
        self.table(["", ""], [
            ["Scenario", f"{o.scenario_title} ({o.scenario_id})"],
            ["Scenario content hash", o.scenario_hash],
            ["Outcome", o.ending_title],
            ["Log", f"{r.digest.events} events, head {r.digest.head_hash[:12]}"
             + (" (chain verified)" if r.digest.verified else " (chain broken)" if r.digest.verified is False else "")],
            ["Report dated", f"{r.generated} (the session's last event)"],
        ], [4.5, 12.5], 9)

        self.heading("1. Exercise overview", 1, page_break=True)
        self.table(["", ""], [
            ["Exercise name", o.title],
            ["Dates", f"{o.dates} ({o.duration})"],
            ["Scenario", f"{o.scenario_title} ({o.scenario_id})" + (f": {o.summary}" if o.summary else "")],
            ["Scenario content hash", o.scenario_hash],
            ["Scenario time", o.span],
            ["Mode and seed", f"{o.mode}, seed {o.seed}"],
            ["Facilitator", o.facilitator],
            ["Participating nations", "; ".join(f"{n.name} ({n.player})" for n in o.nations)],
            ["Organisations", "; ".join(f"{g.name} ({g.members}; decides by {g.decides})" for g in o.organisations)
             or "none"],
            ["Outcome", o.ending_title],
        ], [4.5, 12.5], 9)
        self.heading("Objectives and core capabilities", 2)
        self.table(["Objective", "Core capability", "Rating"], [
            [[("b", sec.id + " "), ("", sec.text)], sec.capability, self._rating_runs(sec.rating, sec.rating_words)]
            for sec in r.objectives], [8.5, 4.5, 4])
        self.para("Ratings: " + "; ".join(f"{k} {v}" for k, v in r.rating_words.items()) + ".", italic=True, size=8.5)

        self.heading("2. Exercise summary", 1, page_break=True)
        for p in r.summary.paragraphs:
            self.para(" ".join(p.split()))
        self.heading("The state at the start and at the end", 2)
        self.table(["Value", "Start", "End", "Change", "Lowest", "Highest"], [
            [s.label + (" (hidden from teams)" if s.hidden else ""), s.start, s.end,
             s.change + (f" ({s.judgement})" if s.judgement else ""), s.low, s.high] for s in r.summary.state],
            [6.5, 1.7, 1.7, 3.2, 1.9, 1.9])
        for f in r.figures_in("state"):
            self.figure(f, 9.5)
        for f in r.figures_in("matrix"):
            self.figure(f, 15)
        if r.summary.moves:
            self.heading("The decisions that moved the state most", 2)
            self.table(["Team", "Inject", "Decision", "When", "Effect"],
                       [[mv.team, mv.inject, mv.option, f"turn {mv.turn} ({mv.time})", mv.changes]
                        for mv in r.summary.moves], [3, 3.2, 4, 2.4, 4.4])
        if r.summary.not_taken:
            self.heading("Paths not taken", 2)
            self.table(["Team", "Inject", "Chosen", "Not chosen"],
                       [[p.team, p.inject, p.chosen, "; ".join(p.others)] for p in r.summary.not_taken],
                       [3, 3.5, 4.5, 6])
        self.heading("Activity", 2)
        self.table(["", "Count"], [[label, str(c)] for label, c in r.summary.counts], [10, 3])

        self.heading("3. Analysis of objectives and capabilities", 1, page_break=True)
        self.para("Each objective's rating is the last one noted against it (a later judgement, such as the hot "
                  "wash's, replaces an earlier one). Observations rated P, or noted as strengths, are strengths; those "
                  "rated S, M or U, or noted as areas for improvement, are areas for improvement. Under each finding "
                  "are the injects and decisions on that objective that came before it.", italic=True, size=8.5)
        for sec in r.objectives:
            self.heading(f"{sec.id}: {sec.capability}", 2)
            self.para(sec.text)
            p = self.runs([("b", "Rating: ")])
            for kind, text in self._rating_runs(sec.rating, sec.rating_words):
                self._run(p, kind, text)
            if len(sec.ratings) > 1:
                self._run(p, "m", " (ratings noted: " + "; ".join(f"{x} at {w}" for w, x in sec.ratings) + ")")
            for title, items in (("Strengths", sec.strengths), ("Areas for improvement", sec.improvements),
                                 ("Other observations", sec.notes)):
                if not items and title == "Other observations":
                    continue
                self.heading(title, 3)
                if not items:
                    self.para("None recorded.", italic=True)
                for ob in items:
                    self._finding(ob)
            self.heading("Injects and decisions on this objective", 3)
            if sec.injects:
                rows: list[list[Any]] = []
                for i in sec.injects:
                    dec: list[tuple[str, str]] = []
                    for k, d in enumerate(i.decisions):
                        extra = " (deadline default)" if d.by == "deadline" else " (bot)" if d.by == "bot" else ""
                        dec.append(("", ("\n" if k else "") + f"#{d.seq} {d.team}{' (vote)' if d.vote else ''}: "
                                    f"{d.option}{extra}"))
                        if d.rationale:
                            dec.append(("i", f"\n“{d.rationale}”"))
                    rows.append([f"{i.title} ({i.id})", i.released, i.expected, dec or "–"])
                self.table(["Inject", "Released", "Expected action", "Decisions"], rows, [3.5, 2.6, 4.6, 6.3])
            else:
                self.para("No inject in the scenario is tagged with this objective.", italic=True)
        if r.general:
            self.heading("Observations on no particular objective", 2)
            for ob in r.general:
                self._finding(ob)
        self.heading("Hot wash", 2)
        if not r.hotwash:
            self.para("No hot wash was recorded in the log.", italic=True)
        for ob in r.hotwash:
            parts = [("r", ob.rating + " ")] if ob.rating else []
            parts += [("b", f"{ob.objective}: ")] if ob.objective else []
            self.runs([*parts, ("", ob.text)], style="List Bullet")
        self.heading("Decision-making", 2)
        for f in r.figures_in("latency") + r.figures_in("decisions"):
            self.figure(f)

        self.landscape(True)
        self.heading("4. Improvement plan", 1)
        self.para("One row per area for improvement, prefilled from the log. Corrective actions marked 'suggested' are "
                  "drafts drawn from the exercise's debrief recommendations (dialogue forums, joint exercises, "
                  "civilian perspectives, education and training), and responsible organisations marked 'suggested' "
                  "are the "
                  "party most involved in the objective's decisions: the planning team confirms or replaces each, and "
                  "assigns points of contact and dates.", italic=True, size=8.5)
        rows = []
        for row in r.improvement_plan:
            rows.append([
                str(row.number), row.capability + (f" ({row.objective})" if row.objective else ""),
                [*([("r", row.rating + " ")] if row.rating else []), ("", row.issue), ("m", "\n" + row.source)],
                [("", row.action), ("m", f"\nsuggested ({row.recommendation})")],
                [("", row.responsible), *([("m", "\nsuggested")] if row.responsible_suggested else [])],
                row.poc, row.start, row.completion])
        if not rows:
            rows = [["", "", "No area for improvement was recorded.", "", "", "", "", ""]]
        self.table(["#", "Core capability", "Issue / area for improvement", "Corrective action",
                    "Responsible organisation", "Point of contact", "Start", "Completion"], rows,
                   [0.8, 3.4, 6.4, 6.4, 3.4, 2.4, 1.7, 1.7], 8.5)

        self.heading("5. Timeline", 1, page_break=True)
        self.para("Every event in scenario time, grouped by turn; wall-clock times in UTC. Retracted events are "
                  "marked and kept.", italic=True, size=8.5)
        rows = []
        for block in r.timeline:
            rows.append([[("b", "")], [("b", f"Turn {block.turn}")], [("b", block.time)], "", ""])
            for trow in block.rows:
                what: list[tuple[str, str]] = [("", trow.summary)]
                if trow.detail:
                    what.append(("i", "\n“" + trow.detail + "”"))
                rows.append([str(trow.seq), trow.wall, trow.kind + (" (retracted)" if trow.retracted else ""),
                             trow.actor, what])
        self.table(["#", "Wall", "Kind", "Who", "What"], rows, [1.1, 1.8, 2.4, 4.2, 16.2], 8)

        self.heading("Appendix A: Participants", 1, page_break=True)
        self.table(["Nation", "Played by", "Capabilities", "Decisions", "Votes", "Defaults", "Messages"],
                   [[f"{n.name} ({n.id})", n.player, n.capabilities, str(n.decisions), str(n.votes), str(n.defaults),
                     str(n.messages)] for n in r.participants.nations], [5.5, 3.5, 6.5, 2.2, 2, 2, 2.2])
        if r.participants.organisations:
            self.table(["Organisation", "Members", "Decides by", "Decisions"],
                       [[f"{g.name} ({g.id})", g.members, g.decides, str(g.decisions)]
                        for g in r.participants.organisations], [6, 12, 3, 3])
        self.table([f"Control: {r.participants.facilitator}", "Count"],
                   [[label, str(c)] for label, c in r.participants.control], [10, 3])

        self.heading("Appendix B: MSEL as played", 1, page_break=True)
        self.table(["#", "Time", "Inject", "Description", "Expected player action", "Objective / capability",
                    "As played"],
                   [[str(m.number), f"{m.time}\n{m.trigger}", f"{m.id}\n{m.kind}: {m.sender} → {m.to}", m.description,
                     m.expected, f"{m.objective}\n{m.capability}" if m.objective else "",
                     "\n".join([m.status + (f", {m.released}" if m.released != "not released" else ""), *m.decisions])]
                    for m in r.msel], [0.8, 2.6, 4.2, 4.4, 5.6, 3.4, 4.7], 7.5)

        self.landscape(False)
        self.heading("Appendix C: Event log digest and verification", 1)
        dg = r.digest
        self.table(["", ""], [
            ["Session file", dg.file],
            ["Events", f"{dg.events} ({dg.live} in force, {dg.retracted} retracted)"],
            ["First and last event", f"{dg.first_wall} – {dg.last_wall}"],
            ["Hash of event 1", dg.first_hash],
            [f"Head hash (event {dg.events})", dg.head_hash],
            ["Chain check", dg.verify_message],
            ["Scenario content hash", dg.scenario_hash + (
                " (matches the stored scenario snapshot)" if dg.hash_matches
                else f" (does not match the stored snapshot {dg.snapshot_hash})")],
        ], [4.5, 12.5], 8.5)
        self.table(["Event type", "Count"], [[t, str(c)] for t, c in dg.by_type], [8, 3])
        self.heading("How to verify this log", 2)
        self.para("Check the chain with tabletop; it names the first broken event, if any:")
        self.para(f"tabletop verify {dg.file}", style="Quote")
        self.para(f"Or check it without tabletop, from 'tabletop export {dg.file} --format jsonl': each line holds "
                  "an event's "
                  "seq, wall, payload and hash. An event's hash is the SHA-256 (hex) of the UTF-8 text "
                  "prev_hash + \"\\n\" + seq + \"\\n\" + wall + \"\\n\" + payload, where payload is the event as "
                  "canonical JSON (keys sorted, "
                  "no spaces, non-ASCII kept as is) and prev_hash is the previous event's hash (64 zeros for event 1). "
                  "The last hash must equal the head hash above; a report quoting that head hash describes exactly "
                  "this log.")
        return self.doc

    def _rating_runs(self, rating: str | None, words: str) -> list[tuple[str, str]]:
        if not rating:
            return [("m", "Not rated")]
        return [("r", rating), ("", f" {words}")]

    def _finding(self, f: Any) -> None:
        parts: list[tuple[str, str]] = [("r", f.rating + " ")] if f.rating else []
        self.runs([*parts, ("b", f.text)], style="List Bullet")
        when = "hot wash" if f.hotwash else f"turn {f.turn} ({f.time})"
        self.para(f"{f.by}, {when}, event #{f.seq}" + (f", noted as {f.kind}" if f.kind != "observation" else ""),
                  italic=True, size=8.5)
        for e in f.evidence:
            p = self.runs([("m", f"↳ #{e.seq} turn {e.turn} ({e.time}): "), ("", e.summary)])
            if e.rationale:
                self._run(p, "i", f" “{e.rationale}”")
            for run in p.runs:
                run.font.size = self.Pt(8.5)
            p.paragraph_format.left_indent = self.Cm(1.0)


def write_docx(r: Report, path: Path) -> Path:
    doc = _Writer(r).write()
    doc.save(str(path))
    return path


def write_comparison_docx(c: Any, path: Path) -> Path:
    """The session comparison (`compare.Comparison`) as a DOCX."""
    w = Doc(c.title, c.title, "tabletop", f"tabletop; comparison; {c.scenario_id}", "")
    w.doc.add_heading(clean(c.title), 0)
    w.para("Where the sessions' decisions diverged, and what that did to the state and the ending.", italic=True)
    w.heading("Sessions", 1)
    w.table(["", "Session file", "Played", "Teams", "Seed, mode", "Turns", "Ending", "Events"],
            [[s.letter + (" (baseline)" if i == 0 else ""), s.file, s.dates, s.players, f"{s.seed}, {s.mode}", s.turns,
              s.ending, str(s.events)] for i, s in enumerate(c.sessions)], [1.6, 2.6, 2.4, 3.4, 1.8, 1.2, 2.6, 1.4])
    for p in c.pairs:
        w.heading(f"{p.base.letter} and {p.other.letter}: {p.base.file} and {p.other.file}", 1, page_break=True)
        if not p.same_version:
            w.para("Note: these sessions played different versions of the scenario; differences may come from the "
                   "scenario as well as from the decisions.", bold=True)
        for line in p.headline:
            w.para(line)
        w.heading("Where the decisions diverged", 2)
        if p.diverged:
            def side(name: str, rationale: str, effect: str) -> list[tuple[str, str]]:
                out = [("b", name)]
                if rationale:
                    out.append(("i", f"\n“{rationale}”"))
                if effect:
                    out.append(("m", f"\n{effect}"))
                return out

            w.table(["When", "Inject", "Who", f"In {p.base.letter}", f"In {p.other.letter}"],
                    [[f"turn {d.turn} ({d.time})", d.inject, d.team + (" (vote)" if d.vote else ""),
                      side(d.base, d.base_rationale, d.base_effect), side(d.other, d.other_rationale, d.other_effect)]
                     for d in p.diverged], [2.2, 3, 2.8, 4.5, 4.5])
        else:
            w.para("No decision differed.", italic=True)
        w.heading("The state at the end", 2)
        w.table(["Value", p.base.letter, p.other.letter, f"{p.other.letter} against {p.base.letter}"],
                [[f.label, f.base, f.other, f.difference + (f" ({f.judgement})" if f.judgement else "")]
                 for f in p.final], [8, 2, 2, 5])
        w.para(f"Ending: {p.base.letter}: {p.ending_base}; {p.other.letter}: {p.ending_other}.", bold=True)
    w.heading("The state over scenario time", 1, page_break=True)
    for f in c.figures_in("state"):
        w.figure(f, 9.5)
    w.doc.save(str(path))
    return path


def read_text(path: Path) -> str:
    """All the text of a DOCX (paragraphs and table cells), for tests and for checking a report."""
    docx = python_docx()
    doc = docx.Document(str(path))
    out = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            out.extend(c.text for c in row.cells)
    return "\n".join(out)
