"""Hot-seat play: several teams share one screen and take turns at it.

Between teams this screen hides everything private (the previous team's brief, its open choices) and
waits until the next team confirms who it is. Once every team has had its go in a turn it offers to
advance the clock (bots play first). Who has had a go this turn, and who is at the screen, is kept beside
the log (the controller's place `hotseat`), so a restarted `tabletop play --db FILE` returns to the same place.
"""

from __future__ import annotations

import json
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..commands import Action, bindings
from ..controller import SessionController
from ..messages import SessionUpdated
from ..text import label, one_line, plain_line
from ..widgets.confirm import ConfirmScreen
from ..widgets.header import console_header

PLACE_KEY = "hotseat"


class HandoverScreen(Screen[None]):
    CSS_PATH = "handover.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Show our console", "reveal", "The team named on screen confirms it is at the keyboard",
               key="enter", footer="We are ready"),
        Action("Advance the clock", "advance", "Bots play, then the clock moves on a turn", key="a",
               footer="Advance"),
        Action("Debrief", "debrief", "The ending, the decisions that mattered and the paths not taken", key="g"),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self.done: list[str] = []
        self.turn = 0
        self.current: str | None = None
        self.next_team: str | None = None
        self._debriefed = False
        self._bindings_for: bool | None = None

    @property
    def humans(self) -> list[str]:
        st = self.controller.state
        teams = st.started.teams if st.started else {}
        return [n for n in self.controller.scenario.nations if teams.get(n, "human") == "human"]

    # -- remembering where we are ---------------------------------------------------------------
    def load(self) -> None:
        raw = self.controller.place(PLACE_KEY)
        try:
            data = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            data = {}
        if not isinstance(data, dict):  # a bookmark tabletop did not write: start the turn afresh
            data = {}
        turn, done = data.get("turn"), data.get("done")
        self.turn = turn if isinstance(turn, int) else 0
        self.done = [n for n in done if n in self.humans] if isinstance(done, list) else []
        cur = data.get("current")
        self.current = cur if cur in self.humans else None
        self._sync_turn()

    def save(self) -> None:
        data = {"turn": self.turn, "done": self.done, "current": self.current}
        problem = self.controller.save_place(PLACE_KEY, json.dumps(data))
        if problem is not None:  # the game goes on without the bookmark
            self.notify(f"Could not save the hot-seat position: {problem}", severity="warning")

    def _sync_turn(self) -> None:
        if self.turn != self.controller.state.turn:
            self.turn = self.controller.state.turn
            self.done = []
            self.current = None

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield console_header()
        with Center(id="handover-box"), Vertical(id="handover-card"):
            yield Static(id="handover-title")
            yield Static(id="handover-message")
            yield OptionList(id="handover-teams")
            with Horizontal(id="handover-buttons"):
                yield Button("Show our console", id="reveal", variant="primary")
                yield Button("Advance the clock", id="advance")
                yield Button("Debrief", id="debrief")
        yield Footer()

    def on_mount(self) -> None:
        sc = self.controller.scenario
        self.title = "Hot-seat"
        self.sub_title = one_line(sc.title)
        self.load()
        self.refresh_all()
        if self.current is not None and self.controller.state.ended is None:
            self.call_after_refresh(self.open_console, self.current)
        else:
            self.query_one("#handover-teams", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_all()

    def on_session_updated(self, message: SessionUpdated) -> None:
        self.refresh_all()

    def refresh_all(self) -> None:
        st, sc = self.controller.state, self.controller.scenario
        self._sync_turn()
        waiting = [n for n in self.humans if n not in self.done]
        if self.next_team not in waiting:
            self.next_team = waiting[0] if waiting else None
        title = Text(f"Hot-seat · Turn {min(st.turn, sc.turns)} of {sc.turns} · {sc.time_of(st.turn)}",
                     style="bold")
        self.query_one("#handover-title", Static).update(title)
        msg = Text()
        if st.ended is not None:
            msg.append("■ The exercise has ended. ", style="bold")
            msg.append("Press g for the debrief.")
        elif self.next_team is not None:
            name = sc.nations[self.next_team].name
            msg.append("Pass the screen to the team of\n")
            msg.append(plain_line(name, style="bold"))
            msg.append("\nThe previous team's brief and open choices are hidden.\n", style="dim")
            msg.append(plain_line(name))
            msg.append(": press Enter (or click the button) when you are at the keyboard.")
        else:
            msg.append("✓ Every team has had its go this turn.\n", style="bold")
            msg.append("Press a to advance the clock (the bots play first), or pick a team below "
                       "for another go.")
        self.query_one("#handover-message", Static).update(msg)
        olist = self.query_one("#handover-teams", OptionList)
        items = []
        for n in self.humans:
            pend = len(st.pending(n))
            status = ("✓ done" if n in self.done else "▶ next" if n == self.next_team else "○ waiting")
            t = Text(f"{status:<10}", style="bold" if n == self.next_team else "")
            t.append(plain_line(sc.nations[n].name))
            if pend:
                t.append(f"  ({pend} decision{'s' if pend != 1 else ''} waiting)", style="dim")
            items.append(Option(t, id=n))
        olist.set_options(items)
        if self.next_team in self.humans:
            olist.highlighted = self.humans.index(self.next_team)
        reveal = self.query_one("#reveal", Button)
        reveal.label = (label(f"Show {sc.nations[self.next_team].short or sc.nations[self.next_team].name}'s console")
                        if self.next_team else "Show a console")
        reveal.refresh(layout=True)
        reveal.display = st.ended is None and self.next_team is not None
        self.query_one("#advance", Button).display = st.ended is None
        self.query_one("#debrief", Button).display = st.ended is not None
        if self._bindings_for != (st.ended is not None):
            self._bindings_for = st.ended is not None
            self.refresh_bindings()
        if st.ended is not None and not self._debriefed:
            self._debriefed = True
            self.call_after_refresh(self.action_debrief)

    # -- events ------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#handover-teams")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: posted while the list was being rebuilt
        if event.option.id and event.option.id != self.next_team:
            self.next_team = event.option.id
            self.refresh_all()

    @on(OptionList.OptionSelected, "#handover-teams")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.next_team = event.option.id
            self.action_reveal()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        if event.button.id in ("reveal", "advance", "debrief"):
            await self.run_action(event.button.id)

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ended = self.controller.state.ended is not None
        if action == "debrief":
            return ended
        if action in ("advance", "reveal"):
            return not ended
        return True

    def action_reveal(self) -> None:
        if self.next_team is None or self.controller.state.ended is not None:
            return
        self.open_console(self.next_team)

    def open_console(self, nation: str) -> None:
        from .team import TeamScreen

        self.current = nation
        self.save()
        self.app.push_screen(TeamScreen(self.controller, nation, hotseat=True), self._handed_over)

    def _handed_over(self, nation: str | None) -> None:
        self.app.clear_notifications()  # a toast about the last team's choice must not linger for the next
        if nation and nation not in self.done:
            self.done.append(nation)
        self.current = None
        self.next_team = None
        self.controller.play_bots()
        self.save()
        self.refresh_all()
        self.query_one("#handover-teams", OptionList).focus()

    def action_advance(self) -> None:
        if self.controller.state.ended is not None:
            return
        waiting = [n for n in self.humans if n not in self.done]
        if waiting:
            names = ", ".join(self.controller.scenario.nations[n].name for n in waiting)
            self.app.push_screen(ConfirmScreen(f"{names} {'has' if len(waiting) == 1 else 'have'} not had a go "
                                               "this turn. Advance the clock anyway?", yes="Advance",
                                               no="Go back"),
                                 lambda ok: self.advance() if ok else None)
            return
        self.advance()

    def advance(self) -> None:
        ctl = self.controller
        turn = ctl.state.turn
        ctl.play_turn(seen=None)  # the bots play first; nobody here is waited for, the teams have had their go
        if ctl.state.turn != turn or ctl.state.ended is not None:
            self._sync_turn()
            self.save()
            if ctl.state.ended is None:
                self.notify(f"Turn {ctl.state.turn} begins ({ctl.scenario.time_of(ctl.state.turn)}).",
                            title="The clock moves")
        self.refresh_all()

    def action_debrief(self) -> None:
        from .debrief import DebriefScreen

        if self.controller.state.ended is not None and not isinstance(self.app.screen, DebriefScreen):
            self.app.push_screen(DebriefScreen(self.controller, None))
