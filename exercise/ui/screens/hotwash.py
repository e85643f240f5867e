"""The hot wash: right after the session ends, short prompts per objective, saved as events.

For each objective: what went well (an ObservationNoted of kind 'strength'), what should improve
('improvement') and a P/S/M/U rating ('hotwash', with the rating), plus one general note. Everything
is saved in one command, so the report reads it from the log like any other event. Then: write report.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from ...engine import analysis, views, words
from ...engine.commands import Observe
from ...engine.events import DecisionTaken, ObservationNoted, Rating
from ...engine.state import State
from ..commands import Action, bindings
from ..controller import SessionController
from ..errors import one_line
from ..messages import SessionUpdated
from ..reports import Location, full, report_command, report_dir
from ..text import Hanging, Lines, plain, plain_line
from ..widgets.gauges import Palette

HOTWASH_KINDS = ("strength", "improvement", "hotwash")


def start_report(screen: Screen[Any], controller: SessionController, done: Any = None) -> None:
    """Write the after-action report (md and html) beside the session file, in a thread; say where it went.

    The report package may not be there (another part of tabletop); then say which command writes it.
    """
    db = controller.path
    out_dir = report_dir(db)
    try:
        writer = importlib.import_module("exercise.report").write_report
    except (ImportError, AttributeError):
        screen.notify(f"This build cannot write the report from here. Run:\n{report_command(db, out_dir)}",
                      title="Write report", severity="warning", timeout=20)
        if done:
            done(None, f"Run: {report_command(db, out_dir)}")
        return
    screen.notify(f"Writing the report to {full(out_dir)} …", title="Write report", timeout=4)
    _write_in_thread(screen, writer, db, out_dir, done)


def _write_in_thread(screen: Screen[Any], writer: Any, db: Location, out_dir: Path, done: Any) -> None:
    def job() -> None:
        try:
            result = writer(db, formats=["md", "html"], out_dir=out_dir)
        except Exception as exc:  # the report's own failure: a notification, never a traceback
            msg = one_line(exc)
            screen.app.call_from_thread(screen.notify, f"The report could not be written: {msg}\n"
                                        f"Try: {report_command(db, out_dir)}", title="Write report",
                                        severity="error", timeout=20)
            if done:
                screen.app.call_from_thread(done, None, f"{msg}. Try: {report_command(db, out_dir)}")
            return
        files = [Path(p) for p in result] if isinstance(result, (list, tuple)) else []
        where = ", ".join(full(p) for p in files) if files else full(out_dir)
        screen.app.call_from_thread(screen.notify, f"Report written: {where}", title="Write report", timeout=20)
        if done:
            screen.app.call_from_thread(done, where, None)

    screen.run_worker(job, thread=True, exclusive=True, group="report", name="write-report")


def what_happened(state: State, seqs: list[int]) -> Lines:
    """The decisions on an objective's injects, for the room to start from, in the engine's words: a default the
    deadline took and a bot's choice say so ('Estrava: deadline passed, default taken: Wait')."""
    head = Text("What happened:")
    out = Lines([head])
    for seq in seqs:
        ev = state.log[seq - 1].event
        if isinstance(ev, DecisionTaken):
            title = views.words_of(state, ev.inject, ev.team).title
            who = words.short_name(state.scenario, ev.team)
            out.append(Hanging(Text("• "), plain(f"{title} · {who}: {words.decision(state, ev).line}")))
    if len(out.items) == 1:
        head.append(" no decision on this objective")
    return out


class HotWashScreen(Screen[None]):
    CSS_PATH = "hotwash.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Save the hot wash", "save", "Save what you typed as observations in the log", key="ctrl+s",
               priority=True, footer="Save"),
        Action("Write report", "write_report", "Write the after-action report (Markdown and HTML)", key="ctrl+r",
               priority=True, footer="Report"),
        Action("Back to the console", "back", "Return to the facilitator console", key="escape", footer="Back"),
    ]
    BINDINGS = bindings(ACTIONS)
    HELP = """
## Hot wash
Right after the exercise, ask the room, objective by objective: what went well, what should improve,
and how it went (P, S, M or U). Type the answers in short sentences; **ctrl+s** saves them in the session
log, where the after-action report finds them. Empty boxes are skipped. **ctrl+r** writes the report.
"""

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller

    def compose(self) -> ComposeResult:
        sc = self.controller.scenario
        state = self.controller.state
        ending = views.ending_words(state)[0] if state.ended and state.ended.ending else None
        turn = state.ended.turn if state.ended else state.turn
        title = Text()
        title.append("Hot wash", style="bold")
        title.append(" — ")
        title.append(plain_line(f"{sc.title}: ended at turn {turn}" + (f", {ending}" if ending else "")))
        yield Static(title, id="hotwash-title")
        ratings = [(f"{k}: {v}", k) for k, v in views.RATING_WORDS.items()]
        with VerticalScroll(id="hotwash-body"):
            yield Static("Ask the room, objective by objective. Short answers are best; empty boxes are "
                         "skipped. Saved answers are listed at the bottom.", classes="hint")
            happened = {ev.id: ev for ev in analysis.objective_evidence(state)}
            for o in sc.model.objectives:
                with Vertical(classes="objective"):
                    yield Label(plain(f"{o.id}  {o.text}"), classes="objective-title")
                    if o.capability:
                        yield Label(plain(o.capability), classes="hint")
                    yield Static(what_happened(state, happened[o.id].decisions), classes="hint happened")
                    yield Label(f"What went well for {o.id}?", classes="prompt")
                    yield Input(id=f"strength-{o.id}", placeholder="a strength to keep", compact=True)
                    yield Label("What should improve?", classes="prompt")
                    yield Input(id=f"improvement-{o.id}", placeholder="an area for improvement", compact=True)
                    yield Label(f"How did it go for {o.id}?", classes="prompt")
                    yield Select(ratings, id=f"rating-{o.id}", prompt="Rating (P, S, M or U)", compact=True)
            with Vertical(classes="objective"):
                yield Label("Anything else?", classes="objective-title")
                yield Input(id="general", placeholder="a note for the report, not tied to an objective",
                            compact=True)
            yield Static(id="hotwash-saved")
            yield Static(id="report-where", classes="hint")
        with Horizontal(id="hotwash-buttons"):
            yield Button("Back (esc)", id="back", compact=True)
            yield Button("Write report (ctrl+r)", id="report", compact=True)
            yield Button("Save hot wash (ctrl+s)", id="save", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        if self.app.is_headless:  # tests and screenshots: the same frame every time
            for box in self.query(Input):
                box.cursor_blink = False
        self._show_saved()
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def on_session_updated(self, message: SessionUpdated) -> None:
        self._show_saved()

    def _show_saved(self) -> None:
        saved = [e.event for e in self.controller.state.observations()
                 if isinstance(e.event, ObservationNoted) and e.event.kind in HOTWASH_KINDS]
        palette = Palette.of(self.app.get_css_variables())
        if not saved:
            self.query_one("#hotwash-saved", Static).update(Text("Nothing saved yet.", style=palette.muted))
            return
        words = {"strength": "Went well", "improvement": "To improve", "hotwash": "Hot wash"}
        lines: list[RenderableType] = [Text(f"Saved ({len(saved)})", style="bold")]
        for ev in saved:
            head = f"  {ev.objective or '—'} · {words[ev.kind]}"
            head += f" [{ev.rating}]" if ev.rating else ""
            lines.append(Text.assemble((head, "bold"), plain(f": {ev.text}")))
        self.query_one("#hotwash-saved", Static).update(Group(*lines))

    # -- actions -----------------------------------------------------------------------------
    def answers(self) -> list[tuple[str | None, str, Rating | None, str]]:
        """(objective, text, rating, kind) for every box filled in."""
        out: list[tuple[str | None, str, Rating | None, str]] = []
        for o in self.controller.scenario.model.objectives:
            good = self.query_one(f"#strength-{o.id}", Input).value.strip()
            bad = self.query_one(f"#improvement-{o.id}", Input).value.strip()
            rating = self.query_one(f"#rating-{o.id}", Select).value
            if good:
                out.append((o.id, good, None, "strength"))
            if bad:
                out.append((o.id, bad, None, "improvement"))
            if isinstance(rating, str):
                letter = cast(Rating, rating)  # the Select offers RATING_WORDS' letters only
                out.append((o.id, f"Hot wash rating for {o.id}: {letter}, {views.RATING_WORDS[letter].lower()}",
                            letter, "hotwash"))
        general = self.query_one("#general", Input).value.strip()
        if general:
            out.append((None, general, None, "hotwash"))
        return out

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        todo = self.answers()
        if not todo:
            self.notify("Nothing to save: type an answer or pick a rating first.", severity="warning")
            return

        out = self.controller.execute(Observe(tuple(todo)))
        if not out.ok:
            return
        for widget in self.query(Input):
            widget.value = ""
        for select in self.query(Select):
            select.clear()
        self._show_saved()
        self.notify(f"Hot wash saved: {len(out.entries)} note{'s' if len(out.entries) != 1 else ''} in the log.")

    @on(Button.Pressed, "#report")
    def action_write_report(self) -> None:
        if self.answers():
            self.notify("Save the hot wash first (ctrl+s), so the report includes it.", severity="warning")
            return
        start_report(self, self.controller, self._report_done)

    def _report_done(self, where: str | None, problem: str | None) -> None:
        text = f"Report: {where}" if where else f"Report not written. {problem or ''}"
        self.query_one("#report-where", Static).update(plain(text))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Escape never throws away what was typed: from a box, with answers not yet saved, it leaves the box
        (as in the dialogs) and says what Escape again does; the Back button goes back."""
        if isinstance(self.focused, Input) and self.answers():
            self.query_one("#hotwash-body").focus()
            self.notify("Out of the text box, your answers kept: Esc again goes back to the console without "
                        "saving them, ctrl+s saves.", title="Hot wash", timeout=6)
            return
        self.dismiss(None)
