"""A team's console: its injects and the decision in front of it, messages, its own view of state, its
private brief and its history. Used by a team terminal (`tabletop play --db FILE --team NATION`), by the solo
player (with "End turn": the bots play, then the clock advances) and by each team in hot-seat play
("Hand over" returns to the handover screen).
"""

from __future__ import annotations

from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static, TabbedContent, TabPane

from ...engine.autopilot import fresh_for_people
from ...engine.events import MessageSent
from ...engine.role_views import inject_for, injects_for, messages_for, pending_for
from ..commands import Action, bindings
from ..controller import SessionController
from ..messages import SessionUpdated
from ..text import one_line
from ..widgets.coalition_feed import feed_text, meanwhile
from ..widgets.confirm import ConfirmScreen
from ..widgets.decision import DecisionPanel
from ..widgets.header import console_header
from ..widgets.inbox_list import inbox_options
from ..widgets.inject_card import InjectCard
from ..widgets.keys_footer import KeysFooter
from ..widgets.log_text import LogText
from ..widgets.messages import MessagePanel
from ..widgets.region_map import RegionMap
from ..widgets.state_panel import StatePanel
from ..widgets.team_texts import brief_text, history_text
from ..widgets.text_box import TextBox
from .team_draft import TeamDraft
from .team_place import TeamPlace

TYPING_PAUSE = 0.8  # seconds after the last keystroke in a text box during which letter shortcuts are ignored


class TeamScreen(TeamPlace, TeamDraft, Screen[str]):
    CSS_PATH = "team.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Decide", "decide", "Go to the next open decision and choose an option", key="d"),
        Action("Send a message", "message", "Write to another nation, an organisation or control", key="m",
               footer="Message"),
        Action("End turn", "end_turn", "Solo: the bots play, then the clock moves on a turn", key="e"),
        Action("Hand over", "hand_over", "Hot-seat: hide this console and pass the screen to the next team",
               key="h"),
        Action("Debrief", "debrief", "The ending, the decisions that mattered and the paths not taken", key="g"),
        Action("Inbox", "tab('inbox')", "Injects addressed to your nation", key="1", show=False),
        Action("Messages", "tab('messages')", "Traffic with other nations, organisations and control", key="2",
               show=False),
        Action("Our state", "tab('state')", "Your nation's own view of the state", key="3", show=False),
        Action("Brief", "tab('brief')", "Your private brief and capabilities", key="4", show=False),
        Action("History", "tab('history')", "What your nation did, and why", key="5", show=False),
        Action("Coalition", "tab('coalition')", "What you can see other nations and organisations do", key="6",
               show=False),
        Action("Next inject", "next_inject", "Show the next inject in the inbox", key="j", show=False),
        Action("Previous inject", "previous_inject", "Show the previous inject in the inbox", key="k", show=False),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, controller: SessionController, nation: str, *, solo: bool = False,
                 hotseat: bool = False) -> None:
        super().__init__()
        self.controller = controller
        self.nation = nation
        self.reader = controller.reader(nation)  # what this console may read: engine/role_views.py
        self.solo = solo
        self.hotseat = hotseat
        self.current: str | None = None  # the inject shown
        self._inbox: list[str] = []
        self._inbox_shown: list[tuple[str | None, object, bool]] | None = None  # the inbox list's entries as drawn
        self._debriefed = False
        self._bindings_for: bool | None = None
        self._shown: str | None = None
        self._saved_place: str | None = None
        self._tab = "inbox"  # kept here, not read from the DOM, so the place can be saved while unmounting
        self._place_timer: Timer | None = None
        self._typing_until = 0.0  # a keystroke went into a text box until shortly before this (monotonic)
        self._typing_warned = False

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield console_header()
        yield Static(id="team-status")
        with TabbedContent(id="tabs", initial="inbox"):
            with TabPane("Inbox", id="inbox"), Horizontal(id="inbox-body"):
                yield OptionList(id="inbox-list")
                with VerticalScroll(id="inject-detail"):
                    yield InjectCard(id="card")
                    yield DecisionPanel(self.controller, self.nation, id="decision")
            with TabPane("Messages", id="messages"):
                yield MessagePanel(self.controller, self.nation, id="team-messages")
            with TabPane("Our state", id="state"):
                yield StatePanel(self.controller, self.nation, id="team-state")
            with TabPane("Brief", id="brief"), VerticalScroll(id="brief-scroll"):
                yield Static(id="brief-text")
                yield RegionMap(self.controller.scenario, id="brief-map")
            with TabPane("History", id="history"), VerticalScroll(id="history-scroll"):
                yield LogText(self.controller, lambda: history_text(self.controller.state, self.nation),
                              id="history-text")
            with TabPane("Coalition", id="coalition"), VerticalScroll(id="coalition-scroll"):
                yield LogText(self.controller, lambda: feed_text(self.controller, self.nation), id="coalition-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        sc = self.controller.scenario
        mode = "solo against bots" if self.solo else "hot-seat" if self.hotseat else "team console"
        self.title = one_line(sc.nations[self.nation].name)
        self.sub_title = one_line(f"{sc.title} · {mode}")
        self.query_one("#brief-text", Static).update(brief_text(self.controller.state, self.reader))
        tab = self._restore_place()
        self.watch(self.app, "log_seq", self._announce_new, init=False)
        self.refresh_all()
        self._restore_draft()
        if tab != "inbox":
            self.action_tab(tab)
        else:
            self.query_one("#inbox-list", OptionList).focus()

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self) -> None:
        self._tab = self.query_one("#tabs", TabbedContent).active or "inbox"
        self._place_changed()

    def on_screen_resume(self) -> None:
        self.refresh_all()

    def on_session_updated(self, message: SessionUpdated) -> None:
        if message.entries and all(isinstance(e.event, MessageSent) for e in message.entries):
            # The commonest change in a workshop: a message moves no inject, decision or deadline, only the
            # Messages tab's count (the panel redraws itself, when in view).
            self.refresh_status()
            return
        self.refresh_all()

    # -- drawing -----------------------------------------------------------------------------
    def refresh_all(self) -> None:
        st = self.controller.state
        self.refresh_status()
        self.refresh_inbox()
        self.show_inject(self.current)
        if self._bindings_for != (st.ended is not None):
            self._bindings_for = st.ended is not None
            self.refresh_bindings()
        if st.ended is not None and not self._debriefed and not self.hotseat:
            self._debriefed = True
            self.call_after_refresh(self.action_debrief)

    def _announce_new(self, before: int, now: int) -> None:
        """Say which injects reached this nation's inbox since the log stood at `before` (by this terminal's
        act or another's): the app's `log_seq` moved."""
        st = self.controller.state
        for inject in injects_for(st, self.reader):
            if st.release_seq.get(inject, 0) > before:
                view = inject_for(self.controller.session, self.reader, inject)
                if view is None:
                    continue
                self.notify(f"New inject: {view.title}", title=f"From {view.sender}", timeout=8)

    def refresh_status(self) -> None:
        st, sc = self.controller.state, self.controller.scenario
        pending = pending_for(st, self.reader)
        t = Text()
        t.append(f"Turn {min(st.turn, sc.turns)}/{sc.turns}", style="bold")
        t.append(f" · {sc.time_of(st.turn)} · ")
        if st.ended is not None:
            t.append("■ The exercise has ended", style="bold")
        elif st.paused:
            t.append("‖ Paused by control", style="bold")
        elif pending:
            first = min(p.deadline_turn for p in pending)
            t.append(f"● {len(pending)} decision{'s' if len(pending) != 1 else ''} waiting", style="bold")
            t.append(f" · decide before turn {first} ({sc.time_of(first)})")
        else:
            t.append("✓ Nothing waiting for you")
            if self.solo:
                t.append(" · press e to end the turn", style="dim")
        status = self.query_one("#team-status", Static)
        if status.content != t:  # an update lays the screen out again
            status.update(t)
        messages = len(messages_for(st, self.reader))
        self._label("inbox", f"Inbox ({len(pending)} open)" if pending else "Inbox")
        self._label("messages", f"Messages ({messages})" if messages else "Messages")

    def _label(self, pane: str, label: str) -> None:
        # A new label, even the same words, makes the tabs slide their underline again: only when it changed.
        tab = self.query_one("#tabs", TabbedContent).get_tab(pane)
        if tab.label.plain != label:
            tab.label = label

    def refresh_inbox(self) -> None:
        st = self.controller.state
        deadlines = {p.inject: p.deadline_turn for p in pending_for(st, self.reader)}
        inbox = list(reversed(injects_for(st, self.reader)))  # newest first
        olist = self.query_one("#inbox-list", OptionList)
        items = inbox_options(self.controller, self.nation, inbox, deadlines, olist.size.width)
        keep = self.current
        self._inbox = inbox
        shown: list[tuple[str | None, object, bool]] = [(o.id, o.prompt, o.disabled) for o in items]
        if shown != self._inbox_shown:  # rebuilding the list lays it out again: only when its entries changed
            self._inbox_shown = shown
            olist.set_options(items)
        if keep not in inbox:
            keep = next((i for i in reversed(inbox) if i in deadlines), inbox[0] if inbox else None)
        if keep is not None:
            olist.highlighted = inbox.index(keep)
        self.current = keep

    def show_inject(self, inject: str | None) -> None:
        if inject != self._shown:
            self.query_one("#inject-detail", VerticalScroll).scroll_home(animate=False)
            if self._shown is not None:
                self._place_changed()
        self.current = self._shown = inject
        view = inject_for(self.controller.session, self.reader, inject) if inject else None
        self.query_one("#card", InjectCard).show(view, state=self.controller.state, reader=self.nation)
        self.query_one("#decision", DecisionPanel).show(inject)

    def _tell_what_others_did(self, since: int) -> None:
        """One line: what the other nations visibly did since log position `since`."""
        line = meanwhile(self.controller, self.nation, since)
        if line:
            self.notify(line, title="Meanwhile", timeout=10)

    # -- keyboard: a letter typed just after leaving a text box is not a shortcut -------------------
    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self._typing_until = monotonic() + TYPING_PAUSE
            self._typing_warned = False

    @on(MessagePanel.Sent)
    @on(DecisionPanel.Decided)
    @on(TextBox.Left)
    def _done_typing(self) -> None:
        self._typing_until = 0.0  # Enter sent it, or Escape left the box on purpose: the keys are shortcuts at once

    def on_key(self, event: events.Key) -> None:
        """Keys that reach the screen are shortcuts unless an Input has the focus (it takes its own).
        Shortly after typing in a box (and while the keys keep coming), a printable key or Enter is someone
        still typing, not a command: it is ignored until they pause."""
        if isinstance(self.focused, Input) or not (event.is_printable or event.key == "enter"):
            return
        now = monotonic()
        if now < self._typing_until:
            event.stop()
            event.prevent_default()
            self._typing_until = now + TYPING_PAUSE  # still typing: wait for a pause
            if not self._typing_warned:
                self._typing_warned = True
                self.notify("You were typing: keys are not shortcuts for a moment. Click the text box to "
                            "go on writing.", severity="warning", timeout=4)

    # -- events ------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#inbox-list")
    def _inbox_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # a stale event from rebuilding the list: the list has moved on since
        if event.option.id is not None and event.option.id != self.current:
            self.show_inject(event.option.id)

    @on(OptionList.OptionSelected, "#inbox-list")
    def _inbox_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.show_inject(event.option.id)
        panel = self.query_one("#decision", DecisionPanel)
        if panel.display and panel.pending_here():
            panel.focus_options()

    @on(DecisionPanel.Decided)
    def _decided(self, event: DecisionPanel.Decided) -> None:
        sc = self.controller.scenario
        view = inject_for(self.controller.session, self.reader, event.inject)
        label = next((o.label for o in view.options if o.id == event.option), event.option) if view else event.option
        self.notify(f"Sent: {label}", title=view.title if view else "")
        if self.solo:
            since = self.controller.state.log[-1].seq if self.controller.state.log else 0
            self.controller.play_bots()
            self._tell_what_others_did(since)
        nxt = next((p.inject for p in pending_for(self.controller.state, self.reader)), None)
        if nxt is not None:
            self.current = nxt
        self.refresh_all()
        self.query_one("#inbox-list", OptionList).focus()
        _ = sc

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        st = self.controller.state
        if action == "end_turn":
            return self.solo and st.ended is None
        if action == "hand_over":
            return self.hotseat
        if action == "debrief":
            return st.ended is not None and not self.hotseat
        if action == "decide":
            return st.ended is None
        return True

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active != tab:
            # Blur first: a focused widget in the pane being hidden would hand the focus to a hidden
            # sibling, and TabbedContent follows the focus back to the old pane.
            self.set_focus(None)
            tabs.active = tab
        target = {"inbox": "#inbox-list", "state": "#team-state", "messages": "#team-messages .message-text",
                  "brief": "#brief-scroll", "history": "#history-scroll",
                  "coalition": "#coalition-scroll"}[tab]
        self.query_one(target).focus()

    def action_decide(self) -> None:
        pending = pending_for(self.controller.state, self.reader)
        if not pending:
            self.notify("No decision is waiting for your nation.")
            return
        self.action_tab("inbox")
        # the open decision on screen if there is one, else the first open one (oldest deadline first)
        target = next((p.inject for p in pending if p.inject == self.current),
                      min(pending, key=lambda p: (p.deadline_turn, p.released_turn)).inject)
        self.refresh_inbox_to(target)
        self.query_one("#decision", DecisionPanel).focus_options()

    def refresh_inbox_to(self, inject: str) -> None:
        self.current = inject
        self.refresh_inbox()
        self.show_inject(inject)

    def action_message(self) -> None:
        self.action_tab("messages")
        self.query_one("#team-messages", MessagePanel).focus_composer()

    def _step(self, by: int) -> None:
        if not self._inbox:
            return
        i = self._inbox.index(self.current) if self.current in self._inbox else 0
        self.refresh_inbox_to(self._inbox[(i + by) % len(self._inbox)])

    def action_next_inject(self) -> None:
        self._step(1)

    def action_previous_inject(self) -> None:
        self._step(-1)

    def action_end_turn(self) -> None:
        if not self.solo or self.controller.state.ended is not None:
            return
        pending = pending_for(self.controller.state, self.reader)
        if pending:
            n = len(pending)
            self.app.push_screen(ConfirmScreen(
                f"{n} decision{'s are' if n != 1 else ' is'} still open. If the deadline passes when the clock "
                "moves, the default is taken for you.\n\nEnd the turn anyway? Press y to end it.", yes="End turn",
                no="Go back", enter_confirms=False),
                lambda ok: self.end_turn() if ok else None)
            return
        self.end_turn()

    def end_turn(self) -> None:
        """The turn policy plays what nobody is at the controls for (the bots, the stand-in control's manual
        injects), then moves the clock; unless the stand-in gave this player a decision, which is theirs to
        take first (`_before_the_clock`)."""
        ctl = self.controller
        since = ctl.state.next_seq - 1
        turn = ctl.state.turn
        before = set(injects_for(ctl.state, self.reader))
        ctl.play_turn(seen=since)
        self._tell_what_others_did(since)
        st = ctl.state
        if st.ended is None and st.turn == turn:
            self._before_the_clock(since)
        elif st.ended is None:
            new = [i for i in injects_for(st, self.reader) if i not in before]
            self.notify(f"Turn {st.turn} begins ({ctl.scenario.time_of(st.turn)}): "
                        f"{len(new)} new inject{'s' if len(new) != 1 else ''}.", title="The clock moves")
            if new:
                self.current = None
        self.refresh_all()

    def _before_the_clock(self, since: int) -> None:
        """The clock waits: say what arrived for this player to decide, and show the first of it."""
        fresh = [p for p in fresh_for_people(self.controller.state, since) if p.team == self.nation]
        if not fresh:
            return
        st = self.controller.state
        titles = [v.title if (v := inject_for(self.controller.session, self.reader, p.inject)) else p.inject
                  for p in fresh]
        what = f"'{titles[0]}' needs" if len(titles) == 1 else f"{len(titles)} new injects need"
        lapse = (" If the turn ends first, the default is taken for you." if any(p.deadline_turn <= st.turn
                                                                                 for p in fresh) else "")
        self.notify(f"{what} your decision before the clock moves. Press e again to end the turn.{lapse}",
                    title="Just in", timeout=12)
        self.current = fresh[0].inject

    def action_hand_over(self) -> None:
        if self.hotseat:
            self.dismiss(self.nation)

    def action_debrief(self) -> None:
        if self.controller.state.ended is None:
            self.notify("The debrief opens when the exercise ends.")
            return
        from .debrief import DebriefScreen

        if not isinstance(self.app.screen, DebriefScreen):
            self.app.push_screen(DebriefScreen(self.controller, self.nation))
