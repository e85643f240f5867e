"""The debrief at the end of a session: the ending reached, the decisions that moved the state most, the
paths not taken, and the after-action report (written from here when the report package offers
`write_report`, otherwise the command that writes it).

`DebriefScreen(controller, nation)`: a nation's debrief (its own decisions and those of its
organisations), or with `nation=None` everyone's (hot-seat, control).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from ...engine import words
from ...engine.outcomes import national_results
from ...engine.views import biggest_moves, ending_words, inject_view, paths_not_taken, visible_keys
from ..commands import Action, bindings
from ..controller import SessionController
from ..errors import one_line as error_line
from ..reports import Location, full, report_command, report_dir
from ..text import Hanging, Lines, one_line, plain, plain_line, reflow
from ..widgets.gauges import Palette, number
from ..widgets.header import console_header

if TYPE_CHECKING:
    from ...engine.compile import CompiledScenario


def key_label(sc: CompiledScenario, key: str) -> str:
    """A state value in the engine's words ('Public support at home, Maren'), on one line with control characters
    shown (labels and names come from the scenario)."""
    return one_line(words.variable(sc, key))


def judged(sc: CompiledScenario, key: str, amount: float, palette: Palette) -> Text:
    """'+5 (better)' in the colour of its judgement: the word says it, the colour repeats it."""
    verdict = words.judgement(sc, key, amount)
    colour = palette.good if verdict == "better" else palette.bad if verdict == "worse" else palette.muted
    return Text(f"{words.signed(amount)} ({verdict})" if verdict else words.signed(amount), style=colour)


def legend(palette: Palette) -> Text:
    return Text(words.CHANGE_LEGEND, style=palette.muted)


class DebriefScreen(Screen[None]):
    CSS_PATH = "debrief.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Write report", "write_report", "Write the after-action report (Markdown and HTML)", key="w"),
        Action("Back to the console", "back", "Return to the console behind the debrief", key="escape",
               footer="Back"),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, controller: SessionController, nation: str | None) -> None:
        super().__init__()
        self.controller = controller
        self.nation = nation
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        yield console_header()
        with VerticalScroll(id="debrief-body"):
            yield Static(id="ending", classes="debrief-section")
            yield Static(id="national", classes="debrief-section")
            yield Static(id="moves", classes="debrief-section")
            yield Static(id="not-taken", classes="debrief-section")
            yield Static(id="report", classes="debrief-section")
        yield Footer()

    def on_mount(self) -> None:
        sc = self.controller.scenario
        who = sc.name_of(self.nation) if self.nation else "all nations"
        self.title = "Debrief"
        self.sub_title = one_line(f"{sc.title} · {who}")
        self.refresh_all()
        self.query_one("#debrief-body").focus()

    @property
    def db_path(self) -> Location:
        return self.controller.path

    @property
    def out_dir(self) -> Path:
        return report_dir(self.db_path)

    def _whose(self) -> set[str] | None:
        """The deciders this debrief is about: the nation and its organisations (None: everyone)."""
        if self.nation is None:
            return None
        sc = self.controller.scenario
        return {self.nation, *(o for o, spec in sc.orgs.items() if self.nation in spec.members)}

    def refresh_all(self) -> None:
        for selector, text in (("#ending", self.ending_text()), ("#national", self.national_text()),
                               ("#moves", self.moves_text()),
                               ("#not-taken", self.not_taken_text()), ("#report", self.report_text())):
            if isinstance(text, Text):
                text.rstrip()
            static = self.query_one(selector, Static)
            static.update(text)
            static.display = bool(str(text))  # a scenario without national outcomes shows no empty section

    def ending_text(self) -> Text:
        st, sc = self.controller.state, self.controller.scenario
        t = Text()
        ended = st.ended
        if ended is None:
            t.append("The exercise is still running.", style="bold")
            return t
        title, text = ending_words(st)  # the text as rendered when the session ended, kept in the log
        t.append("The ending reached\n", style="bold underline")
        t.append(plain(f"■ {title if ended.ending else 'No ending reached'}\n", style="bold"))
        if text:
            t.append(plain(reflow(text) + "\n"))
        t.append(plain(f"Ended at turn {ended.turn} ({sc.time_of(ended.turn)})"
                       + (f": {ended.reason}" if ended.reason else "") + ".\n", style="dim"))
        t.append("\nWhere things ended\n", style="bold underline")
        palette = Palette.of(self.app.get_css_variables())
        own = f"[{self.nation}]"
        shown = [k for k in visible_keys(sc) if "[" not in k or (self.nation and k.endswith(own) and k.count("[") == 1)]
        width = max((len(key_label(sc, k)) for k in shown), default=0)
        for key in shown:
            slot = sc.layout.slot(key)
            if slot is None:
                continue
            start, now = sc.start[slot], st.vals[slot]
            t.append(f"  {key_label(sc, key).ljust(width)}  {number(start)} → {number(now)}  ")
            t.append_text(judged(sc, key, now - start, palette) if now != start else Text("(unchanged)", style="dim"))
            t.append("\n")
        t.append_text(legend(palette))
        return t

    def national_text(self) -> Lines:
        """Each nation's own result against its brief (a team's debrief: its own only); nothing where the
        scenario gives nations no outcomes."""
        results = national_results(self.controller.state, self.nation)
        if not results:
            return Lines([])
        heading = "Your nation's result" if self.nation else "Each nation's result"
        out = Lines([Text(heading, style="bold underline")])
        for r in results:
            who = "" if self.nation else f"{r.name}: "
            out.append(Hanging(Text("■ ", style="bold"), plain_line(f"{who}{r.title}", style="bold")))
            if r.text:
                out.append(Hanging(Text("  "), plain(reflow(r.text))))
        return out

    def moves_text(self) -> Lines:
        st, sc = self.controller.state, self.controller.scenario
        whose = self._whose()
        moves = [m for m in biggest_moves(st, top=1000) if whose is None or m.team in whose][:5]
        out = Lines([Text("The decisions that moved the state most", style="bold underline")])
        if not moves:
            out.append(Text("No decision changed the state.", style="italic"))
        palette = Palette.of(self.app.get_css_variables())
        for n, m in enumerate(moves, 1):
            view = inject_view(self.controller.session, m.inject, self.nation)
            said = words.decision_of(st, m.inject, m.team, self.nation or m.team)
            by = "" if m.team == self.nation else f" · {sc.name_of(m.team)}"
            out.append(Hanging(Text(f"{n}. ", style="bold"), Text.assemble(
                plain_line(view.title, style="bold"), " ", plain_line(f"(turn {m.turn}{by})"))))
            # Wrapped lines stay under the words, so the next 'Decision:' stands out at 80 columns. A default
            # the deadline took, or a bot's choice, says so: nobody 'chose' it.
            line = said.line if said else words.option_label(st, m.inject, m.option, m.team)
            out.append(Hanging(Text("   Decision: ", style="dim"), plain(line)))
            moved = Text()
            for key, amount in sorted(m.changes.items(), key=lambda kv: -abs(kv[1])):
                if amount:
                    moved.append("; " if moved else "")
                    moved.append_text(plain_line(key_label(sc, key)))
                    moved.append(" ")
                    moved.append_text(judged(sc, key, amount, palette))
            out.append(Hanging(Text("   Moved:    ", style="dim"), moved))
        return out

    def not_taken_text(self) -> Lines:
        st, sc = self.controller.state, self.controller.scenario
        whose = self._whose()
        paths = [p for p in paths_not_taken(st) if whose is None or p.team in whose]
        out = Lines([Text("The paths not taken", style="bold underline")])
        if not paths:
            out.append(Text("No choices were made.", style="italic"))
        for p in sorted(paths, key=lambda p: st.decided_seq.get((p.inject, p.team), 0)):
            view = inject_view(self.controller.session, p.inject, self.nation)
            said = words.decision_of(st, p.inject, p.team, self.nation or p.team)
            by = "" if p.team == self.nation else f" ({sc.name_of(p.team)})"
            out.append(Hanging(Text("• ", style="bold"), plain_line(f"{view.title}{by}", style="bold")))
            out.append(Hanging(Text("   ✓ decision:  "), plain(said.line if said else "no decision")))
            labels = {o.id: o.label for o in view.options}
            for oid, label in p.others:
                out.append(Hanging(Text("   ✗ not taken: ", style="dim"), plain(labels.get(oid, label), style="dim")))
        return out

    def shown(self, path: Location) -> str:
        """A path as the person typed it: relative to the working folder when it is under it (a session in
        PostgreSQL: its URL, without a password)."""
        if not isinstance(path, Path):
            return path.shown
        base = self.app.config.workdir  # type: ignore[attr-defined]
        try:
            return str(Path(path).resolve().relative_to(Path(base).resolve()))
        except ValueError:
            return str(path)

    def report_text(self) -> Text:
        t = Text()
        t.append("After-action report\n", style="bold underline")
        if self.written:
            t.append("✓ Written: ", style="bold")
            t.append(plain(", ".join(full(p) for p in self.written) + "\n"))
        else:
            t.append(plain(f"Press w to write it (Markdown and HTML, into {self.shown(self.out_dir)}/), or run:\n"))
        db = self.shown(self.db_path)
        t.append(plain(f"  {report_command(db, self.shown(self.out_dir))}\n", style="bold"))
        t.append(plain(f"\nThis session is saved in {db}; `tabletop play --db {shlex.quote(db)}` reopens it.",
                       style="dim"))
        return t

    def action_write_report(self) -> None:
        try:
            from ...report import write_report
        except ImportError:
            self.notify("The report writer is not installed here. Run: "
                        f"{report_command(self.shown(self.db_path), self.shown(self.out_dir))}",
                        title="Write report", severity="warning", timeout=12)
            return
        self.notify(f"Writing the report into {full(self.out_dir)}/ …", title="Write report")
        db, out = self.db_path, self.out_dir

        def work() -> list[Path]:
            written = write_report(db, formats=["md", "html"], out_dir=out)
            return [Path(p) for p in written] if isinstance(written, (list, tuple)) else [out]

        self.run_worker(work, thread=True, exclusive=True, group="report", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "report":
            return
        if event.state == WorkerState.SUCCESS:
            self.written = list(event.worker.result or [])
            self.notify(f"Report written: {', '.join(full(p) for p in self.written)}", title="Write report")
            self.refresh_all()
        elif event.state == WorkerState.ERROR:
            exc = event.worker.error
            self.log.error(f"write_report failed: {exc!r}")
            self.notify(f"Could not write the report: {error_line(exc) if exc else 'unknown error'}. "
                        f"Try: {report_command(self.shown(self.db_path), self.shown(self.out_dir))}",
                        severity="error", timeout=15)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()
