"""The facilitator console (control cell): the clock, the MSEL with rehearse / release / delay, each team's
status, the state dashboard, all message traffic, the log, and the control acts (adjudicate, write an
inject, observe, retract, end and hot wash, write report).

Everything it shows comes from the engine's read models (`exercise.engine.views`) and everything it does
goes through `SessionController.execute`, so a refusal is a notification and another terminal's event
shows on the next poll. On a wide terminal (150 columns or more) the teams and the state stay in view
beside the tabs; on a small one they are tabs of their own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane, Tabs

from ...engine import views
from ..commands import Action, bindings
from ..controller import SessionController
from ..messages import SessionUpdated
from ..text import label, one_line
from ..widgets.clock_bar import ClockBar
from ..widgets.event_log import EventLog
from ..widgets.inject_preview import InjectPreview
from ..widgets.keys_footer import KeysFooter
from ..widgets.messages import MessagePanel
from ..widgets.msel_table import MselTable
from ..widgets.observation_list import ObservationList
from ..widgets.state_panel import StatePanel
from ..widgets.team_status import TeamStatusPanel
from .dialogs import (
    readers_of,
)
from .facilitator_actions import ControlActions
from .facilitator_draft import ControlDraft
from .hotwash import HOTWASH_KINDS

WIDE = 150  # columns from which teams and state sit beside the tabs
ROOMY_FOOTER = 140  # below this the footer is compact
# Below 100 columns the footer keeps the acts used most; the rest stay on their keys, in the palette
# (ctrl+p) and in help (f1).
NARROW = 100
FOOTER_NARROW_HIDES = {"release", "write_inject", "retract", "end", "toggle_theme"}
PLAY_ONLY = {"advance", "pause_resume", "release", "delay", "write_inject", "end", "rehearse"}
AFTER_END = {"hotwash", "write_report"}


class FacilitatorScreen(ControlActions, ControlDraft, Screen[None]):
    CSS_PATH = "facilitator.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Advance the clock", "advance", "Next turn: lapsed deadlines take their defaults, due injects go out",
               key="a", footer="Advance"),
        Action("Pause or resume", "pause_resume", "Stop the clock and the teams' decisions, or start them again",
               key="p", footer="Pause"),
        Action("Rehearse the inject", "rehearse", "Preview the selected inject exactly as each recipient will "
               "read it, then release or delay it", key="v", footer="Rehearse"),
        Action("Release the inject now", "release", "Send the selected inject to its recipients now", key="r",
               footer="Release"),
        Action("Delay the inject one turn", "delay", "Hold the selected inject back by one turn", key="d",
               footer="Delay", show=False),
        Action("Adjudicate", "adjudicate", "Change a state value, with a reason for the record", key="j",
               footer="Adjudicate"),
        Action("Write an inject", "write_inject", "Write an inject on the spot and release it at once", key="w",
               footer="Write"),
        Action("Note an observation", "observe", "Note what you saw against an objective, with a P/S/M/U rating",
               key="o", footer="Observe"),
        Action("Retract the last event", "retract", "Undo the last act (kept in the log as retracted), with a "
               "reason", key="u", footer="Undo"),
        Action("End the session", "end", "End the exercise now, then run the hot wash", key="e", footer="End"),
        Action("Hot wash", "hotwash", "Short prompts per objective after the end, saved in the log", key="h",
               footer="Hot wash"),
        Action("Write report", "write_report", "Write the after-action report (Markdown and HTML) beside the "
               "session file", key="x", footer="Report"),
        Action("Send a message", "message", "Write to a nation, an organisation or everyone as control", key="m",
               show=False),
        Action("Join commands", "join", "Where the session file is and the command each team types to join it; "
               "Enter copies one", key="c", show=False),
        Action("MSEL", "tab('msel')", "The master scenario events list: every inject and its status", key="1",
               show=False),
        Action("Teams", "tab('teams')", "Each team's pending decisions, deadlines and last action", key="2",
               show=False),
        Action("State", "tab('state')", "Cohesion, support, stability, trust and their history", key="3",
               show=False),
        Action("Traffic", "tab('traffic')", "All message traffic between nations and control", key="4", show=False),
        Action("Log", "tab('log')", "Every event in words, newest last", key="5", show=False),
        Action("Observations", "tab('notes')", "Observations and ratings against each objective", key="6",
               show=False),
    ]
    BINDINGS = bindings(ACTIONS)
    HELP = """
## Facilitator console
The **MSEL** lists every inject with its status in words: *released*, *due* (goes out at the next
advance or now), *scheduled*, *conditional* (waits for the state) or *manual* (only when you release
it). Move with the arrow keys; **Enter** or **v** rehearses the inject under the cursor: you read it
exactly as each recipient will. **r** releases it now, **d** delays it one turn.

**a** advances the clock (you are told first how many decisions will take their default), **p**
pauses and resumes, **j** adjudicates a state value with a reason, **w** writes an inject on the spot,
**o** notes an observation against an objective (P, S, M or U), **u** retracts the last act, **e** ends
the session and opens the hot wash; **x** writes the after-action report.

Tabs: **1** MSEL, **2** teams, **3** state, **4** traffic, **5** log, **6** observations. Every action is
also in the command palette (**ctrl+p**). The session is saved as it goes: quit at any time and
`tabletop play --db FILE` returns here.
"""

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self._wide: bool | None = None
        self._detail_key: tuple[object, ...] | None = None
        self._actions_sig: tuple[bool | None, ...] | None = None

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        c = self.controller
        yield ClockBar(c, id="clock")
        with Horizontal(id="body"):
            with TabbedContent(id="tabs", initial="msel"):
                with TabPane("MSEL", id="msel"), Vertical(id="msel-box"):
                    yield MselTable(c, id="msel-table")
                    with VerticalScroll(id="detail-box"):
                        yield InjectPreview(id="detail")
                with TabPane("Teams", id="teams"), VerticalScroll(id="teams-panel-box"):
                    yield TeamStatusPanel(c, id="teams-panel")
                with TabPane("State", id="state"):
                    yield StatePanel(c, None, id="state-panel")
                with TabPane("Traffic", id="traffic-tab"):
                    yield MessagePanel(c, "control", id="traffic")
                with TabPane("Log", id="log"):
                    yield EventLog(c, id="event-log")
                with TabPane("Observations", id="notes"):
                    yield ObservationList(c, id="observations")
            with Vertical(id="side"):
                with VerticalScroll(id="side-teams-box"):
                    yield TeamStatusPanel(c, id="side-teams", compact=True)
                yield StatePanel(c, None, id="side-state")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.title = one_line(self.controller.scenario.title)
        self._layout(self.app.size.width)
        self.query_one(MselTable).focus()
        self.refresh_from_state()
        self.call_after_refresh(self._resume_where_left)

    def _resume_where_left(self) -> None:
        # A session that ended before its hot wash was saved reopens on the hot wash.
        state = self.controller.state
        if state.ended is not None and not any(
                getattr(e.event, "kind", "") in HOTWASH_KINDS for e in state.observations()):
            self.action_hotwash()

    def on_resize(self) -> None:
        self._layout(self.size.width)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings = super().active_bindings
        narrow = (self.size.width or self.app.size.width) < NARROW
        paused = self.controller.state.paused
        out = {}
        for key, ab in bindings.items():
            if narrow and ab.binding.action in FOOTER_NARROW_HIDES:
                ab = ab._replace(binding=replace(ab.binding, show=False))
            elif paused and ab.binding.action == "pause_resume":  # the key says what it will do
                ab = ab._replace(binding=replace(ab.binding, description="Resume"))
            out[key] = ab
        return out

    def _layout(self, width: int) -> None:
        footer = self.query_one(Footer)
        narrow = width < NARROW
        if footer.compact != (width < ROOMY_FOOTER) or narrow != getattr(self, "_narrow", None):
            footer.compact = width < ROOMY_FOOTER
            self._narrow = narrow
            self.refresh_bindings()
        wide = width >= WIDE
        if wide == self._wide:
            return
        self._wide = wide
        self.set_class(wide, "-wide")
        tabs = self.query_one(TabbedContent)
        for tab in ("teams", "state"):
            if wide:
                tabs.hide_tab(tab)
            else:
                tabs.show_tab(tab)
        if wide and tabs.active in ("teams", "state"):
            tabs.active = "msel"
        self.call_after_refresh(self.refresh_from_state)

    # -- redrawing ---------------------------------------------------------------------------
    def on_session_updated(self, message: SessionUpdated) -> None:
        self.refresh_from_state()

    def on_screen_resume(self) -> None:
        self.refresh_from_state()

    def refresh_from_state(self) -> None:
        """The selected inject's card. Every panel redraws itself as the log changes (widgets/drawn.py), and
        one out of view (another tab, the side column on a narrow terminal) when it comes into view."""
        if not self.is_mounted:
            return
        self._show_detail()

    PANE_FOCUS: ClassVar[dict[str, str]] = {"msel": "#msel-table", "teams": "#teams-panel-box", "state": "#state-panel",
                  "traffic-tab": "#traffic", "log": "#event-log", "notes": "#observations"}

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        # Focus follows the tab: a focused widget left in a hidden pane would pull the tabs back to it.
        focused = self.focused
        if focused is None or (not (focused is event.pane or event.pane in focused.ancestors) and \
                not isinstance(focused, Tabs)):
            self._focus_pane(pane)

    def _focus_pane(self, pane: str) -> None:
        # The traffic's reading area, not its composer: number keys keep switching tabs; m writes.
        target = self.query_one(self.PANE_FOCUS.get(pane, "#msel-table"))
        inner = target.query(".traffic") if pane == "traffic-tab" else None
        (inner.first() if inner else target).focus()

    @on(MselTable.Selected)
    def _selected(self, event: MselTable.Selected) -> None:
        self._show_detail()
        self._refresh_bindings()

    def _detail_signature(self, inject: str | None) -> tuple[object, ...]:
        """What the selected inject's card depends on. `inject_view` reads the whole log for a decided
        inject's chance outcome, so it is worth not calling on every event of a 10,000-event session."""
        st = self.controller.state
        return (inject, st.released.get(inject or ""), st.delays.get(inject or ""), st.turn, len(st.retracted),
                tuple(st.vals), tuple(sorted((who, o) for (i, who), o in st.chosen.items() if i == inject)),
                tuple(sorted((org, tuple(sorted(v.items()))) for (org, i), v in st.votes.items() if i == inject)),
                self.app.theme)

    def _show_detail(self) -> None:
        table = self.query_one(MselTable)
        inject = table.selected
        key = self._detail_signature(inject)
        if key == self._detail_key:
            return
        self._detail_key = key
        detail = self.query_one("#detail", InjectPreview)
        if inject is None:
            detail.show(None, empty="No injects in this scenario.")
            return
        readers = readers_of(self.controller, inject)
        reader, name = readers[0]
        view = views.inject_view(self.controller.session, inject, reader)
        control = views.inject_view(self.controller.session, inject, None)
        view.expected, view.objectives = control.expected, control.objectives
        detail.show(view, control=True, turn_now=max(self.controller.state.turn, 1))
        self.query_one("#detail-box").border_title = label(f"{inject} — as {name} reads it")

    # -- the nations no team plays: this console plays their bots ----------------------------------------------
    _bots_queued = False

    @on(events.Mount)
    def _host_bots(self) -> None:
        """The console hosting a session plays its bot nations (team consoles never do), as soon as a decision
        opens to one: after every change it hears of, its own acts and what it polls from the team terminals.
        The app's log_seq, not SessionUpdated, which goes to whatever screen is on top (a dialog)."""
        self.watch(self.app, "log_seq", self._log_moved, init=False)
        self._log_moved()

    def _log_moved(self) -> None:
        # Later, not inside the change being announced: a bot's move is itself a change.
        if not self._bots_queued:
            self._bots_queued = True
            self.call_later(self._play_bots)

    def _play_bots(self) -> None:
        self._bots_queued = False
        self.controller.host_bots()

    # -- what may be done now ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.controller.state
        if action in PLAY_ONLY and state.ended is not None:
            return False
        if action in AFTER_END and state.ended is None:
            return False
        if action in ("release", "delay"):
            inject = self._selected_inject()
            return None if inject is None or inject in state.released else True
        if action == "tab" and parameters and parameters[0] in ("teams", "state") and self._wide:
            return True
        return True

    def _selected_inject(self) -> str | None:
        try:
            return self.query_one(MselTable).selected
        except Exception:
            return None

    def _refresh_bindings(self) -> None:
        # Only when what may be done changed: the footer rebuilds all its keys on every refresh.
        sig = (self.controller.state.paused,
               *(self.check_action(a.action.split("(")[0], ()) for a in self.ACTIONS))
        if sig != self._actions_sig:
            self._actions_sig = sig
            self.refresh_bindings()

    def _after(self, ok: bool, message: str | None = None) -> None:
        if ok and message:
            self.notify(message)
        self.refresh_from_state()
        self._refresh_bindings()

    def action_join(self) -> None:
        from .join import JoinScreen

        self.app.push_screen(JoinScreen(self.controller))

    @on(MselTable.RowSelected)
    def _row_chosen(self, event: MselTable.RowSelected) -> None:
        event.stop()
        self.action_rehearse()
