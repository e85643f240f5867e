"""An observer's console: the public picture of a session, read-only. Reached through `tabletop serve` with an
observer's join code (`python -m exercise.serve.console --db FILE --observer`).

It reads only through `engine/role_views.py` as `Actor.observer()` (its controller's reader): the situation
every role reads, the injects and messages addressed to everyone, the values not kept for control, the clock and
the public timeline. It offers no command: no key here decides, writes, releases or advances, and the session
layer refuses an observer's command anyway (engine/roles.py).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from ...engine.role_views import inject_for, injects_for
from ..commands import Action, bindings
from ..controller import SessionController
from ..messages import SessionUpdated
from ..text import Hanging, one_line, plain_line
from ..widgets.header import console_header
from ..widgets.inject_card import InjectCard
from ..widgets.keys_footer import KeysFooter
from ..widgets.log_text import LogText
from ..widgets.messages import MessagePanel
from ..widgets.state_panel import StatePanel
from .observer_place import ObserverPlace
from .observer_texts import situation_text, status_text, timeline_text

TABS = ("situation", "injects", "messages", "state", "timeline")


class ObserverScreen(ObserverPlace, Screen[None]):
    CSS_PATH = "observer.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Situation", "tab('situation')", "The situation every role reads, and who takes part", key="1",
               show=False),
        Action("Injects", "tab('injects')", "The injects released to everyone", key="2", show=False),
        Action("Messages", "tab('messages')", "The messages sent to everyone", key="3", show=False),
        Action("State", "tab('state')", "The values every team sees, and their history", key="4", show=False),
        Action("Timeline", "tab('timeline')", "What happened in public, turn by turn", key="5", show=False),
        Action("Next inject", "next_inject", "Show the next inject", key="j", show=False),
        Action("Previous inject", "previous_inject", "Show the previous inject", key="k", show=False),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self.reader = controller.reader(None)  # an observer's console reads as the observer, whatever it asks
        self.current: str | None = None  # the inject shown
        self._injects: list[str] = []

    def compose(self) -> ComposeResult:
        c = self.controller
        yield console_header()
        yield Static(id="observer-status")
        with TabbedContent(id="tabs", initial="situation"):
            with TabPane("Situation", id="situation"), VerticalScroll(id="situation-scroll"):
                yield Static(id="situation-text")
            with TabPane("Injects", id="injects"), Horizontal(id="injects-body"):
                yield OptionList(id="inject-list")
                with VerticalScroll(id="inject-detail"):
                    yield InjectCard(id="card")
            with TabPane("Messages", id="messages"):
                yield MessagePanel(c, "observer", id="public-messages")
            with TabPane("State", id="state"):
                yield StatePanel(c, None, id="public-state")
            with TabPane("Timeline", id="timeline"), VerticalScroll(id="timeline-scroll"):
                yield LogText(c, lambda: timeline_text(c.state, self.reader), id="timeline-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        sc = self.controller.scenario
        self.title = one_line(sc.title)
        self.sub_title = "observer · read-only"
        # The traffic panel is the teams' and control's, with its composer: an observer writes nothing, so the
        # composer is taken away rather than hidden (nothing of it can take the focus or a key).
        self.query_one("#public-messages", MessagePanel).query(".composer").remove()
        self.query_one("#situation-text", Static).update(situation_text(self.controller.session, self.reader))
        self.refresh_all()
        self.query_one("#situation-scroll").focus()

    def on_session_updated(self, message: SessionUpdated) -> None:
        self.refresh_all()

    def on_screen_resume(self) -> None:
        self.refresh_all()

    # -- drawing -------------------------------------------------------------------------------------------
    def refresh_all(self) -> None:
        st = self.controller.state
        status, said = self.query_one("#observer-status", Static), status_text(st)
        if status.content != said:  # an update lays the screen out again: most changes leave the line as it was
            status.update(said)
        injects = list(reversed(injects_for(st, self.reader)))  # newest first
        if injects != self._injects:
            self._injects = injects
            self.query_one("#inject-list", OptionList).set_options(self._options(injects))
            tabs = self.query_one("#tabs", TabbedContent)
            tabs.get_tab("injects").label = f"Injects ({len(injects)})" if injects else "Injects"
        if self.current not in injects:
            self.current = injects[0] if injects else None
        if self.current is not None:
            self.query_one("#inject-list", OptionList).highlighted = injects.index(self.current)
        self._show(self.current)

    def _options(self, injects: list[str]) -> list[Option]:
        items = []
        for inject in injects:
            view = inject_for(self.controller.session, self.reader, inject)
            if view is None:
                continue
            t = plain_line(view.title)
            t.append(f"\nturn {view.turn} · {view.kind}", style="dim")
            items.append(Option(Hanging(Text("· "), t), id=inject))
        return items or [Option(Text("Nothing public has been released yet.", style="italic"), disabled=True)]

    def _show(self, inject: str | None) -> None:
        view = inject_for(self.controller.session, self.reader, inject) if inject is not None else None
        self.query_one("#card", InjectCard).show(view)

    @on(OptionList.OptionHighlighted, "#inject-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.current:
            self.current = event.option.id
            self._show(self.current)

    # -- actions: moving about, nothing else ---------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active != tab:
            self.set_focus(None)  # a focused widget in the pane being hidden would pull the tabs back to it
            tabs.active = tab
        target = {"situation": "#situation-scroll", "injects": "#inject-list", "messages": "#public-messages .traffic",
                  "state": "#public-state", "timeline": "#timeline-scroll"}[tab]
        self.query_one(target).focus()

    def _step(self, by: int) -> None:
        if not self._injects:
            return
        i = self._injects.index(self.current) if self.current in self._injects else 0
        self.current = self._injects[(i + by) % len(self._injects)]
        self.query_one("#inject-list", OptionList).highlighted = self._injects.index(self.current)
        self._show(self.current)

    def action_next_inject(self) -> None:
        self._step(1)

    def action_previous_inject(self) -> None:
        self._step(-1)
