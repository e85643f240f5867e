"""DOCX through python-docx (the optional extra `tabletop[docx]`): the report as an editable Word document.

The document is written from the report model, not from the HTML, so that every table is a real
table a planning team can edit (the improvement plan above all). Figures go in as PNG images, drawn
from the same figure descriptions as the SVG by `figure_drawing.to_png` with Pillow (also in the extra).
Every value from the model goes in through `t` (see `docx_blocks`): what a scenario or a player wrote stays
text, its right-to-left runs isolated from the report's own words around them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .docx_blocks import CellValue, Doc, Run, python_docx, t
from .sections import ObsView, Report

if TYPE_CHECKING:
    from docx.document import Document


class _Writer(Doc):
    def __init__(self, r: Report) -> None:
        super().__init__(t(r.title), f"{t(r.title)} · session of {r.overview.dates}", t(r.overview.facilitator),
                         f"tabletop; AAR/IP; {t(r.overview.scenario_id)}",
                         f"Scenario content hash {t(r.overview.scenario_hash)}; log head {t(r.digest.head_hash)}")
        self.r = r

    # -- the document ------------------------------------------------------------------------------
    def write(self) -> Document:
        self.cover()
        self.overview()
        self.summary()
        self.analysis()
        self.improvement_plan()
        self.record()
        return self.doc

    def cover(self) -> None:
        r, o = self.r, self.r.overview
        self.heading(t(r.title), 0)
        for i, warning in enumerate(r.warnings):
            self.runs([("b", ("Warning: " if i == 0 else "") + t(warning))])
        self.runs([("i", "After-action report and improvement plan · session of " + o.dates)])
        self.table(["", ""], [
            ["Scenario", f"{t(o.scenario_title)} ({t(o.scenario_id)})"],
            ["Scenario content hash", t(o.scenario_hash)],
            ["Outcome", t(o.ending_title)],
            ["Log", f"{r.digest.events} events, head {t(r.digest.head_hash[:12])}"
             + (" (chain verified)" if r.digest.chain_verified
                else f" (chain broken: {t(r.digest.chain_message)})" if r.digest.chain_verified is False else "")],
            ["Scenario copy", t(r.digest.copy_message)],
            ["Report dated", f"{r.generated} (the session's last event)"],
        ], [4.5, 12.5], 9)

    def overview(self) -> None:
        r, o = self.r, self.r.overview
        self.heading("1. Exercise overview", 1, page_break=True)
        self.table(["", ""], [
            ["Exercise name", t(o.title)],
            ["Dates", f"{o.dates} ({o.duration})"],
            *(_fact_row(label, value) for label, value in o.facts),
            ["Scenario", f"{t(o.scenario_title)} ({t(o.scenario_id)})" + (f": {t(o.summary)}" if o.summary else "")],
            ["Scenario content hash", t(o.scenario_hash)],
            ["Scenario time", t(o.span)],
            ["Mode and seed", f"{o.mode}, seed {o.seed}"],
            ["Facilitator", t(o.facilitator)],
            ["Participating nations", "; ".join(f"{t(n.name)}: {t(n.played_by)}" for n in o.nations)],
            ["Organisations", "; ".join(f"{t(g.name)} ({t(g.members)}; decides by {g.decides})"
                                        for g in o.organisations) or "none"],
            ["Outcome", t(o.ending_title)],
        ], [4.5, 12.5], 9)
        self.national_results()
        self.heading("Objectives and core capabilities", 2)
        self.table(["Objective", "Core capability", "Rating"], [
            [[("b", t(sec.id) + " "), ("", t(sec.text))], t(sec.capability),
             self._rating_runs(sec.rating, sec.rating_words)] for sec in r.objectives], [8.5, 4.5, 4])
        self.para("Ratings: " + "; ".join(f"{k} {v}" for k, v in r.rating_words.items()) + ".", italic=True, size=8.5)

    def national_results(self) -> None:
        o = self.r.overview
        if not o.results:
            return
        self.heading("Each nation's own result", 2)
        self.para(o.results_note, italic=True, size=8.5)
        self.table(["Nation", "Result", "What it means"], [
            [t(n.name), [("b" if n.reached else "i", t(n.title))], t(" ".join(n.text.split()))] for n in o.results],
            [3.5, 4, 9.5])

    def summary(self) -> None:
        r = self.r
        self.heading("2. Exercise summary", 1, page_break=True)
        for p in r.summary.paragraphs:
            self.para(t(" ".join(p.split())))
        self.heading("The state at the start and at the end", 2)
        self.table(["Value", "Start", "End", "Change", "Lowest", "Highest"], [
            [t(s.label) + (" (hidden from teams)" if s.hidden else ""), s.start, s.end,
             s.change + (f" ({s.judgement})" if s.judgement else ""), s.low, s.high] for s in r.summary.state],
            [6.5, 1.7, 1.7, 3.2, 1.9, 1.9])
        self.para(t(r.summary.change_legend), italic=True, size=8.5)
        for f in r.figures_in("state"):
            self.figure(f, 9.5)
        for f in r.figures_in("matrix"):
            self.figure(f, 15)
        if r.summary.moves:
            self.heading("The decisions that moved the state most", 2)
            self.table(["Team", "Inject", "Decision", "When", "Effect"],
                       [[t(mv.team), t(mv.inject), t(mv.option), f"turn {mv.turn} ({mv.time})", t(mv.changes)]
                        for mv in r.summary.moves], [3, 3.2, 4, 2.4, 4.4])
            self.para(t(r.summary.change_legend), italic=True, size=8.5)
        if r.summary.not_taken:
            self.heading("Paths not taken", 2)
            self.table(["Team", "Inject", "Decision", "Not chosen"],
                       [[t(p.team), t(p.inject), t(p.chosen), "; ".join(t(x) for x in p.others)]
                        for p in r.summary.not_taken], [3, 3.5, 4.5, 6])
        self.heading("Activity", 2)
        self.table(["", "Count"], [[label, str(c)] for label, c in r.summary.counts], [10, 3])

    def analysis(self) -> None:
        r = self.r
        self.heading("3. Analysis of objectives and capabilities", 1, page_break=True)
        self.para("Each objective's rating is the last one noted against it (a later judgement, such as the hot "
                  "wash's, replaces an earlier one). Observations rated P, or noted as strengths, are strengths; those "
                  "rated S, M or U, or noted as areas for improvement, are areas for improvement. Under each finding "
                  "are the injects and decisions on that objective that came before it.", italic=True, size=8.5)
        for sec in r.objectives:
            self.heading(f"{t(sec.id)}: {t(sec.capability)}", 2)
            self.para(t(sec.text))
            p = self.runs([("b", "Rating: ")])
            for kind, text in self._rating_runs(sec.rating, sec.rating_words):
                self.run(p, kind, text)
            if sec.ratings_note:
                self.run(p, "m", f" ({sec.ratings_note})")
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
                rows: list[list[CellValue]] = []
                for i in sec.injects:
                    dec: list[Run] = []
                    for k, d in enumerate(i.decisions):
                        dec.append(("", ("\n" if k else "") + f"#{d.seq} {t(d.team)}{' (vote)' if d.vote else ''}: "
                                    f"{t(d.option)}"))
                        if d.rationale:
                            dec.append(("i", f"\n“{t(d.rationale)}”"))
                    rows.append([f"{t(i.title)} ({t(i.id)})", i.released, t(i.expected), dec or "–"])
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
            parts: list[Run] = [("r", ob.rating + " ")] if ob.rating else []
            parts += [("b", f"{t(ob.objective)}: ")] if ob.objective else []
            self.runs([*parts, ("", t(ob.text))], style="List Bullet")
        self.heading("Decision-making", 2)
        for f in r.figures_in("latency") + r.figures_in("decisions"):
            self.figure(f)

    def improvement_plan(self) -> None:
        self.landscape(True)
        self.heading("4. Improvement plan", 1)
        self.para(t(self.r.plan_intro), italic=True, size=8.5)
        rows: list[list[CellValue]] = []
        for row in self.r.improvement_plan:
            rated: list[Run] = [("r", row.rating + " ")] if row.rating else []
            issue: list[Run] = [*rated, ("", t(row.issue)), ("m", "\n" + row.source)]
            said = row.actions or [row.action]
            action: list[Run] = [("", "\n".join(t(a) for a in said)), ("m", f"\n{t(row.recommendation)}")]
            owner: list[Run] = [("", t(row.responsible))]
            if row.responsible_suggested:
                owner.append(("m", "\nsuggested"))
            rows.append([str(row.number), t(row.capability) + (f" ({t(row.objective)})" if row.objective else ""),
                         [("", t(row.element)), ("m", "\n" + t(row.element_note))], issue,
                         [("", t(row.root_cause)), ("m", "\n" + t(row.root_cause_note))], action, owner,
                         t(row.poc), t(row.start), t(row.completion)])
        if not rows:
            rows = [["", "", "", "No area for improvement was recorded.", "", "", "", "", "", ""]]
        self.table(["#", "Core capability", "Capability element", "Issue / area for improvement", "Root cause",
                    "Corrective action", "Responsible organisation", "Point of contact", "Start", "Completion"], rows,
                   [0.8, 2.5, 2.0, 4.2, 3.1, 5.0, 2.5, 2.1, 1.9, 1.9], 8)  # 26 cm: within the landscape page's 26.1
        # width; 1.9 cm holds a date (2027-01-15) and 'Completion' on one line at 8 pt

    def record(self) -> None:
        r = self.r
        self.heading("5. Timeline", 1, page_break=True)
        self.para("Every event in scenario time, grouped by turn; wall-clock times in UTC. Retracted events are "
                  "marked and kept.", italic=True, size=8.5)
        rows: list[list[CellValue]] = []
        for block in r.timeline:
            rows.append([[("b", "")], [("b", f"Turn {block.turn}")], [("b", block.time)], "", ""])
            for trow in block.rows:
                what: list[Run] = [("", t(trow.summary))]
                if trow.detail:
                    what.append(("i", "\n“" + t(trow.detail) + "”"))
                rows.append([str(trow.seq), trow.wall, trow.kind + (" (retracted)" if trow.retracted else ""),
                             t(trow.actor), what])
        self.table(["#", "Wall", "Kind", "Who", "What"], rows, [1.1, 1.8, 2.4, 4.2, 16.2], 8)

        self.heading("Appendix A: Participants", 1, page_break=True)
        self.table(["Nation", "Played by", "Capabilities", "Decisions", "Votes", "Defaults", "Messages"],
                   [[f"{t(n.name)} ({t(n.id)})", t(n.played_by), t(n.capabilities), str(n.decisions), str(n.votes),
                     str(n.defaults), str(n.messages)] for n in r.participants.nations],
                   [5.5, 3.5, 6.5, 2.2, 2, 2, 2.2])
        if r.participants.organisations:
            self.table(["Organisation", "Members", "Decides by", "Decisions"],
                       [[f"{t(g.name)} ({t(g.id)})", t(g.members), g.decides, str(g.decisions)]
                        for g in r.participants.organisations], [6, 12, 3, 3])
        self.table([f"Control: {t(r.participants.facilitator)}", "Count"],
                   [[label, str(c)] for label, c in r.participants.control], [10, 3])

        self.heading("Appendix B: MSEL as played", 1, page_break=True)
        self.para("Every inject in the order it was released, then those never released: how it was delivered, its "
                  "text as the players read it when it was released (stored in the log at that moment), what the "
                  "players were expected to do, what they did, and the evaluators' observations that cite it.",
                  italic=True, size=8.5)
        self.table(["#", "Time", "Inject and delivery", "Inject text as released", "Expected player action",
                    "Objective / capability", "As played", "Evaluator notes"],
                   [[str(m.number), f"{m.time}\n{t(m.trigger)}",
                     [("b", t(m.description)), ("", f" {t(m.id)}"), ("m", f"\n{t(m.delivery)}")],
                     [("", t(m.text) if m.text else "not released"),
                      *((("", f"\n{t(who)} read: {t(words)}")) for who, words in m.variants)],
                     t(m.expected), f"{t(m.objective)}\n{t(m.capability)}" if m.objective else "",
                     "\n".join([m.status + (f", {m.released}" if m.released != "not released" else ""),
                                *(t(d) for d in m.decisions)]),
                     "\n".join(t(n) for n in m.notes) or "none"]
                    for m in r.msel], [0.8, 2.0, 3.6, 6.4, 3.6, 2.2, 3.6, 3.8], 7.5)

        self.landscape(False)
        self.heading("Appendix C: Event log digest and verification", 1)
        dg = r.digest
        self.table(["", ""], [
            ["Session file", t(dg.file)],
            ["Events", f"{dg.events} ({dg.live} in force, {dg.retracted} retracted)"],
            ["First and last event", f"{t(dg.first_wall)} – {t(dg.last_wall)}"],
            ["Hash of event 1", t(dg.first_hash)],
            [f"Head hash (event {dg.events})", t(dg.head_hash)],
            ["Chain check", t(dg.chain_message)],
            ["Scenario copy", t(dg.copy_message)],
            ["Scenario content hash", t(dg.scenario_hash) + (
                " (matches the stored scenario snapshot)" if dg.hash_matches
                else f" (does not match the stored snapshot {t(dg.snapshot_hash)})")],
        ], [4.5, 12.5], 8.5)
        self.table(["Event type", "Count"], [[t(kind), str(c)] for kind, c in dg.by_type], [8, 3])
        self.heading("How to verify this log", 2)
        self.para("Check the chain and the stored scenario copy with tabletop; it names the first broken event and "
                  "the changed files, if any:")
        self.para(f"tabletop verify {t(dg.file)}", style="Quote")
        self.para(f"Or check it without tabletop, from 'tabletop export {t(dg.file)} --format jsonl': each line holds "
                  "an event's seq, wall, payload and hash. An event's hash is the SHA-256 (hex) of the UTF-8 text "
                  "prev_hash + \"\\n\" + seq + \"\\n\" + wall + \"\\n\" + payload, where payload is the event as "
                  "canonical JSON (keys sorted, no spaces, non-ASCII kept as is) and prev_hash is the previous event's "
                  "hash (64 zeros for event 1). The last hash must equal the head hash above; a report quoting that "
                  "head hash describes exactly this log.")

    def _rating_runs(self, rating: str | None, words: str) -> list[Run]:
        if not rating:
            return [("m", "Not rated")]
        return [("r", rating), ("", f" {words}")]

    def _finding(self, f: ObsView) -> None:
        parts: list[Run] = [("r", f.rating + " ")] if f.rating else []
        self.runs([*parts, ("b", t(f.text))], style="List Bullet")
        when = "hot wash" if f.hotwash else f"turn {f.turn} ({f.time})"
        self.para(f"{t(f.by)}, {when}, event #{f.seq}" + (f", noted as {f.kind}" if f.kind != "observation" else ""),
                  italic=True, size=8.5)
        for e in f.evidence:
            p = self.runs([("m", f"↳ #{e.seq} turn {e.turn} ({e.time}): "), ("", t(e.summary))])
            if e.rationale:
                self.run(p, "i", f" “{t(e.rationale)}”")
            for run in p.runs:
                run.font.size = self.Pt(8.5)
            p.paragraph_format.left_indent = self.Cm(1.0)


def write_docx(r: Report, path: Path) -> Path:
    from ..engine.analysis import parse_wall

    writer = _Writer(r)
    writer.write()
    return writer.save(path, parse_wall(r.digest.last_wall))


def read_text(path: Path) -> str:
    """All the text of a DOCX (paragraphs and table cells), for tests and for checking a report."""
    docx = python_docx()
    doc = docx.Document(str(path))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out.extend(c.text for c in row.cells)
    return "\n".join(out)


def _fact_row(label: str, value: str) -> list[CellValue]:
    return [label, t(value) or "not stated in the scenario"]
