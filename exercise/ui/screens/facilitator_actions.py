"""What the facilitator does from the console: the clock, the injects and the control acts.

A mixin of `FacilitatorScreen` (kept apart so each file reads in one sitting). Every act goes through
`SessionController.execute`, so a refusal is a notification; a dialog asks first where an act has
consequences a person should see (defaults taken at an advance, what a retraction takes back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.widgets import TabbedContent

from ...engine import views
from ...engine.commands import (
    Adjudicate,
    Advance,
    Delay,
    End,
    Pause,
    Release,
    Resume,
    Retract,
    WriteInject,
    observe,
)
from ..text import plain
from ..widgets.messages import MessagePanel
from ..widgets.msel_table import MselTable
from .dialogs import (
    AdjudicateDialog,
    Adjudication,
    ConfirmDialog,
    Observation,
    ObservationDialog,
    RehearseDialog,
    WriteInjectDialog,
    WrittenInject,
)
from .hotwash import HotWashScreen, start_report

if TYPE_CHECKING:
    from textual.screen import Screen

    from ...engine.state import State
    from ..controller import SessionController

    _Base = Screen[None]
else:
    _Base = object


class ControlActions(_Base):
    """The `action_*` methods of the facilitator console."""

    controller: SessionController
    _wide: bool | None

    # provided by the screen
    def _after(self, ok: bool, message: str | None = None) -> None: ...
    def _selected_inject(self) -> str | None: ...
    def _focus_pane(self, pane: str) -> None: ...

    # -- the clock ---------------------------------------------------------------------------
    def action_advance(self) -> None:
        state = self.controller.state
        sc = self.controller.scenario
        if state.paused:
            self.notify("The session is paused: resume it first (p).", severity="warning")
            return
        turn = max(state.turn, 1)
        pending = state.pending()
        lapsing = [p for p in pending if p.deadline_turn <= turn + 1]
        last = turn >= sc.turns
        if not lapsing and not last:
            self._advance()
            return
        lines = []
        if last:
            lines.append(f"This is the last turn ({turn} of {sc.turns}): advancing ends the exercise.")
        if lapsing:
            lines.append(f"{len(lapsing)} decision{'s are' if len(lapsing) != 1 else ' is'} still open and will "
                         f"take {'their' if len(lapsing) != 1 else 'its'} default:")
            for p in lapsing[:8]:
                ci = sc.injects.get(p.inject)
                words = views.words_of(state, p.inject, p.team)  # as this team was shown them
                said = words.options.get(ci.default) if ci and ci.default else None
                default = said.label if said else "no decision"
                who = sc.name_of(p.team) + (f" (vote in {sc.name_of(p.org)})" if p.org else "")
                title = words.title
                lines.append(f"  • {who} on '{title}': {default}")
            if len(lapsing) > 8:
                lines.append(f"  … and {len(lapsing) - 8} more")
        rest = len(pending) - len(lapsing)
        if rest:
            lines.append(f"{rest} other decision{'s stay' if rest != 1 else ' stays'} open (later deadlines).")
        title = "End the exercise?" if last else f"Advance to turn {turn + 1}?"
        self.app.push_screen(ConfirmDialog(title, "\n".join(lines), "End" if last else "Advance",
                                           danger=last),
                             lambda r: self._advance(after_end=last) if r is not None else None)

    def _advance(self, after_end: bool = False) -> None:
        out = self.controller.execute(Advance())
        state = self.controller.state
        if out.ok:
            if state.ended is not None:
                self._after(True)
                self.action_hotwash()
                return
            released = [e for e in out.entries if e.event.type == "InjectReleased"]
            self._after(True, f"Turn {state.turn} begins ({self.controller.scenario.time_of(state.turn)})"
                        + (f"; {len(released)} inject{'s' if len(released) != 1 else ''} released"
                           if released else ""))
        else:
            self._after(False)

    def action_pause_resume(self) -> None:
        if self.controller.state.paused:
            out = self.controller.execute(Resume())
            self._after(out.ok, "Resumed: the clock and the teams' decisions are open again.")
        else:
            out = self.controller.execute(Pause())
            self._after(out.ok, "Paused: nothing moves until you resume (p).")

    # -- injects -----------------------------------------------------------------------------
    def _need_inject(self) -> str | None:
        inject = self._selected_inject()
        if inject is None:
            self.notify("Select an inject in the MSEL first (tab 1).", severity="warning")
        return inject

    def action_rehearse(self) -> None:
        inject = self._need_inject()
        if inject is None:
            return
        self.app.push_screen(RehearseDialog(self.controller, inject), lambda r: self._rehearsed(inject, r))

    def _rehearsed(self, inject: str, choice: str | None) -> None:
        if choice == "release":
            self._release(inject)
        elif choice == "delay":
            self._delay(inject)

    def action_release(self) -> None:
        """r: one key sends an inject to every recipient, so the console asks first, naming the inject and who
        reads it (rehearsing it shows the full text, and releases without asking again)."""
        inject = self._need_inject()
        if inject is None:
            return
        view = views.inject_view(self.controller.session, inject, None)
        lines = [f"'{view.title}' goes out now to: {', '.join(view.to) or 'control'}."]
        if view.options:
            lines.append("It asks for a decision.")
        lines.append("A release stays in the log; u retracts it.")
        self.app.push_screen(ConfirmDialog(f"Release '{view.title}' now?", "\n".join(lines), "Release"),
                             lambda ok: self._release(inject) if ok is not None else None)

    def _release(self, inject: str) -> None:
        out = self.controller.execute(Release(inject))
        self._after(out.ok, f"Released '{inject}'." + (
            f" {len(out.entries) - 1} more released with it." if len(out.entries) > 1 else ""))

    def action_delay(self) -> None:
        inject = self._need_inject()
        if inject is not None:
            self._delay(inject)

    def _delay(self, inject: str) -> None:
        out = self.controller.execute(Delay(inject, 1))
        total = self.controller.state.delays.get(inject, 0)
        self._after(out.ok, f"Delayed '{inject}' one turn (delayed {total} in all).")

    def action_write_inject(self) -> None:
        self.app.push_screen(WriteInjectDialog(self.controller), self._written)

    def _written(self, w: WrittenInject | None) -> None:
        if w is None:
            return
        out = self.controller.execute(WriteInject(
            w.id, tuple(w.to), w.text, title=w.title, objective=w.objective,
            options=tuple(tuple(o.items()) for o in w.options)))
        if out.ok:
            self.query_one(MselTable).refresh_from_state()
            self.query_one(MselTable).select(w.id)
        self._after(out.ok, f"Inject '{w.id}' written and released.")

    # -- control acts ------------------------------------------------------------------------
    def action_adjudicate(self) -> None:
        self.app.push_screen(AdjudicateDialog(self.controller), self._adjudicated)

    def _adjudicated(self, a: Adjudication | None) -> None:
        if a is None:
            return
        before = self.controller.state.value(a.key)
        out = self.controller.execute(Adjudicate(a.key, a.change, a.reason, a.mode))
        after = self.controller.state.value(a.key)
        self._after(out.ok, f"{self.controller.scenario.label_of(a.key)}: {before:g} → {after:g}.")

    def action_observe(self) -> None:
        self.app.push_screen(ObservationDialog(self.controller), self._observed)

    def _observed(self, o: Observation | None) -> None:
        if o is None:
            return
        out = self.controller.execute(observe(o.objective, o.text, o.rating))
        self._after(out.ok, "Observation noted" + (f" on {o.objective}" if o.objective else "")
                    + (f" [{o.rating}]." if o.rating else "."))

    def action_retract(self) -> None:
        state = self.controller.state
        target = state.retractable()
        if target is None:
            self.notify("There is nothing to retract.", severity="warning")
            return
        sc = self.controller.scenario
        caused = [e for e in state.log if e.seq != target.seq and e.seq in _consequences(state, target.seq)]
        body = [Text.assemble(("Retract event ", ""), (str(target.seq), "bold"), ": ",
                              plain(views.describe(sc, target.event), "bold"))]
        if caused:
            body.append(Text(f"and what it caused ({len(caused)} event{'s' if len(caused) != 1 else ''}):"))
            body += [plain(f"  • {views.describe(sc, e.event)}") for e in caused[:6]]
            if len(caused) > 6:
                body.append(Text(f"  … and {len(caused) - 6} more"))
        body.append(Text("It stays in the log, marked retracted; the state is worked out again without it.",
                         style="italic"))
        self.app.push_screen(ConfirmDialog("Retract the last event?", Group(*body), "Retract",
                                           reason="Reason (required)", reason_required=True, danger=True),
                             lambda reason: self._retract(reason))

    def _retract(self, reason: str | None) -> None:
        if reason is None:
            return
        out = self.controller.execute(Retract(reason))
        self._after(out.ok, "Retracted.")

    def action_end(self) -> None:
        session = self.controller.session
        sc = self.controller.scenario
        title = views.ending_words(session.state)[0] if session.ending() else None
        pending = len(session.state.pending())
        body = [f"End the exercise now, at turn {max(session.state.turn, 1)} of {sc.turns}?",
                f"Ending reached on the present state: {title or 'none'}."]
        if pending:
            body.append(f"{pending} open decision{'s' if pending != 1 else ''} will stay undecided.")
        body.append("Then the hot wash: short prompts per objective, saved in the log.")
        self.app.push_screen(ConfirmDialog("End the session?", "\n".join(body), "End the session",
                                           reason="Reason (optional)", danger=True), self._end)

    def _end(self, reason: str | None) -> None:
        if reason is None:
            return
        out = self.controller.execute(End(reason or "ended by control"))
        self._after(out.ok)
        if out.ok:
            self.action_hotwash()

    def action_hotwash(self) -> None:
        if self.controller.state.ended is None:
            self.notify("The hot wash comes after the end (e).", severity="warning")
            return
        self.app.push_screen(HotWashScreen(self.controller))

    def action_write_report(self) -> None:
        start_report(self, self.controller)

    def action_message(self) -> None:
        self.action_tab("traffic")
        self.call_after_refresh(self.query_one("#traffic", MessagePanel).focus_composer)

    def action_tab(self, tab: str) -> None:
        pane = "traffic-tab" if tab == "traffic" else tab
        if self._wide and pane in ("teams", "state"):
            self.query_one("#side-teams" if pane == "teams" else "#side-state").focus()
            return
        tabs = self.query_one(TabbedContent)
        if tabs.active == pane:
            self._focus_pane(pane)
            return
        # Let go of the focus first: a focused widget in the pane being hidden would pull the tabs back.
        self.set_focus(None)
        tabs.active = pane


def _consequences(state: State, seq: int) -> set[int]:
    """The event and everything it caused: what a retraction takes back (as State works it out)."""
    out: set[int] = state.consequences(seq)
    return out
