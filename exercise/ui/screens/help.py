"""The help screen: how a session works, and every action of the screen it was opened from, with its keys.

It reads the `ACTIONS` each screen declares (see `exercise.ui.commands`), so it never drifts from the
footer and the command palette.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ..commands import Action, KeyRow, bindings, key_rows
from ..text import plain, plain_line

GUIDE = [
    ("How tabletop works",
     "The exercise clock moves in turns. Injects (news, intelligence, ultimatums) arrive on the clock. "
     "Some ask your nation for a decision before a deadline: pick an option and say why in a sentence. "
     "Options you cannot take are listed with the reason (marked ✗). If a deadline passes, the default is "
     "taken for you. Choices move the shared state (cohesion, support, trust…), and the state decides the "
     "ending. " + "{saved}"),
    ("Everywhere",
     "ctrl+p opens the command palette: every action of this screen, by name. Tab and shift+Tab move "
     "between areas; ↑ ↓ and Enter choose in lists; the mouse works too: click tabs, options and buttons. "
     "In a text box, letters and digits are what you type; Esc leaves the box, keeping what you wrote, and "
     "the keys are shortcuts again. "
     "Markers, not colours, carry meaning: ● needs a decision, ✓ done, ✗ unavailable, ▶ your choice."),
]

SAVED = {
    "terminal": "Everything is saved as it happens: quit any time and run `tabletop play --db FILE` to return.",
    "served": "Everything is saved on the server as it happens: close or reload this page at any time, and "
              "reloading it brings you back where you were{unsent}.",
}
# In a browser the page, not a command, brings a console back.
SERVED_QUIT = "Leave this console; everything is saved on the server as it happens, and reloading the page comes back"
# An observer decides nothing: its guide says what it reads instead of how to choose.
OBSERVER_GUIDE = (
    "How tabletop works",
    "The exercise clock moves in turns. Injects (news, intelligence, ultimatums) reach the nations on the clock; "
    "the teams decide and say why, and control runs the clock. As an observer you read the public picture: "
    "what was addressed to everyone, the values not kept for control, the clock and the public timeline. You "
    "give no commands, and nothing you press changes the exercise. " + "{saved}")


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 96%; height: 90%; border: round $primary; background: $surface; padding: 0 1;
        border-title-style: bold; scrollbar-gutter: stable;
    }
    HelpScreen Static { margin-bottom: 1; }
    """
    ACTIONS: ClassVar[list[Action]] = [
        Action("Close help", "close", "Back to where you were", key="escape,f1,q", footer="Close"),
    ]
    BINDINGS = bindings(ACTIONS)
    rows: list[KeyRow]
    """What the key table lists (read by the tests that check every key of a screen is in it)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="help-session")
            yield Static(id="help-actions")
            yield Static(id="guide")
        yield Footer()

    @staticmethod
    def _guide(*, served: bool = False, observer: bool = False) -> Text:
        t = Text()
        guide = [OBSERVER_GUIDE, *GUIDE[1:]] if observer else GUIDE
        saved = SAVED["served" if served else "terminal"]
        for n, (head, body) in enumerate(guide):
            t.append(("\n\n" if n else "") + head + "\n", style="bold")
            unsent = "" if observer else ", with anything you had not sent"
            t.append(body.replace("{saved}", saved).replace("{unsent}", unsent))
        return t

    def on_mount(self) -> None:
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) >= 2 else None
        self.query_one(VerticalScroll).border_title = "Help"
        table = Table(title="Keys on this screen", title_justify="left", title_style="bold", expand=True,
                      show_edge=False, box=None, padding=(0, 1))
        # Narrow key and action columns (a long pair of keys wraps), so that at 80 columns what a key does
        # still reads as a sentence rather than a word a line.
        table.add_column("Key", max_width=10)
        table.add_column("Action", max_width=24)
        table.add_column("What it does", ratio=1)
        controller = getattr(self.app, "controller", None)
        served = controller is not None and controller.served_at is not None
        self.rows = [replace(row, help=SERVED_QUIT) if served and row.title == "Quit" else row
                     for row in key_rows(below, self.app)]
        for row in self.rows:
            style = "dim" if row.not_now else ""
            what = row.help + (" (not now)" if row.not_now else "")
            # cells as Text: Rich reads a str as markup
            table.add_row(Text(row.label, style=style), Text(row.title, style=style), Text(what, style=style))
        self.query_one("#help-actions", Static).update(table)
        role = controller.actor.role if controller is not None else None
        self.query_one("#guide", Static).update(self._guide(served=served, observer=role == "observer"))
        session = self._session(role)
        self.query_one("#help-session", Static).update(session or "")
        self.query_one("#help-session", Static).display = session is not None
        self.query_one(VerticalScroll).focus()

    def _session(self, role: str | None) -> Text | None:
        """Where the open session is kept, the command back to this console, and (for control and the teams)
        each team's join command; `role` is the console's actor's (control, team, observer)."""
        controller = getattr(self.app, "controller", None)
        if controller is None:
            return None
        t = Text()
        t.append("This session\n", style="bold")
        if controller.served_at is not None and role != "control":  # a file on the server, not on this laptop
            t.append("Kept on the server that serves this page")
        else:
            t.append("Session file: ")
            t.append_text(plain(controller.location()))
        # Under serve a console comes back by opening its address again, not by a command on the server.
        back = getattr(self.app, "resume_command", lambda: None)() if controller.served_at is None else None
        if back:
            t.append("\nThis console returns with: ")
            t.append_text(plain(back))
        joins = controller.join_commands() if role != "observer" else []  # an observer hands nothing out
        if joins:
            copies = " (c on this console copies one)" if role == "control" else ""
            if controller.served_at is not None:
                t.append("\nEach team joins in a browser, with its own join code, at:")
            else:
                t.append(f"\nEach team joins from its own terminal with{copies}:")
            for nation, command in joins:
                t.append("\n  ")
                t.append_text(plain_line(controller.scenario.nations[nation].name, "bold"))
                t.append(": ")
                t.append_text(plain_line(command))
        return t

    def action_close(self) -> None:
        self.dismiss()
