"""Where the session is kept and how each team joins it: the facilitator reads the commands out, projects
them, or copies one (Enter) to paste into a message to the team.

The commands come from the controller (`join_commands`: the nations played by people, with the session file as
the facilitator would type it from where tabletop was started). Copying goes through the terminal (OSC 52,
Textual's `copy_to_clipboard`): most terminals put it on the clipboard; some (macOS Terminal, tmux without
`set-clipboard on`) quietly do not, so the toast says what to do then, and the commands stay on screen to
select with the mouse.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..commands import Action, bindings
from ..controller import SessionController
from ..text import plain, plain_line

IF_NOTHING_PASTES = ("If nothing pastes, this terminal does not let programs use the clipboard (macOS Terminal, "
                     "tmux without set-clipboard): select the command with the mouse instead (hold Shift, or "
                     "Option on a Mac, as you drag).")


class JoinScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    JoinScreen { align: center middle; background: $background 60%; }
    JoinScreen > Vertical {
        width: 110; max-width: 96%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1; border-title-style: bold;
    }
    JoinScreen #join-where { margin-bottom: 1; }
    JoinScreen OptionList { height: auto; max-height: 20; border: none; padding: 0; }
    JoinScreen #join-hint { color: $text-muted; margin-top: 1; }
    """
    ACTIONS: ClassVar[list[Action]] = [
        Action("Copy the command", "copy", "Copy the highlighted team's join command to the clipboard",
               key="enter,c", footer="Copy"),
        Action("Close", "close", "Back to the console", key="escape,q", footer="Close"),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self.commands = controller.join_commands()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="join-where")
            yield OptionList(id="join-commands")
            yield Static(id="join-hint")
        yield Footer()

    def on_mount(self) -> None:
        c = self.controller
        box = self.query_one(Vertical)
        box.border_title = "Teams join this session"
        where = Text.assemble("Session file: ", plain(c.location(), style="bold"))
        if c.served_at is not None:
            where.append("\nEach team opens this address in a browser and types the join code it was given when the "
                         "server started (they are in the codes file, never on this console):")
        else:
            where.append("\nEach team opens a terminal in the same folder (or gives the file's full path) and types:")
        self.query_one("#join-where", Static).update(where)
        room = {p.nation: p for p in c.room()}
        options: list[Option | None] = []
        for nation, command in self.commands:
            here = room.get(nation)
            status = f"● {here.connection}" if here and here.consoles else f"○ {here.connection if here else ''}"
            prompt = Text.assemble(plain_line(c.scenario.nations[nation].name, "bold"), ("  " + status, "dim"), "\n  ",
                                   plain_line(command))
            options += [None, Option(prompt, id=nation)] if options else [Option(prompt, id=nation)]
        olist = self.query_one(OptionList)
        olist.add_options(options)
        what = "address" if c.served_at is not None else "command"
        hint = f"Enter (or c) copies the highlighted {what}; Esc closes."
        if not options:
            hint = "Every nation is played by a bot: no team joins this session."
        self.query_one("#join-hint", Static).update(hint)
        olist.focus()
        if options:
            olist.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.copy(event.option.id)

    def action_copy(self) -> None:
        olist = self.query_one(OptionList)
        option = olist.highlighted_option
        self.copy(option.id if option is not None else None)

    def copy(self, nation: str | None) -> None:
        command = dict(self.commands).get(nation or "")
        if command is None:
            return
        self.app.copy_to_clipboard(command)
        name = self.controller.scenario.nations[nation or ""].name
        what = "address" if self.controller.served_at is not None else "command"
        self.notify(f"Copied {name}'s join {what}: {command}\n{IF_NOTHING_PASTES}", title=f"Join {what}",
                    timeout=12)

    def action_close(self) -> None:
        self.dismiss()
