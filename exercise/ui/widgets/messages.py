"""The message traffic one party sees, and a composer to write to other nations, an organisation or control.

`MessagePanel(controller, sender)` shows the latest messages (the last 200, and says so) visible to
`sender` (a nation id, or "control" for the facilitator, who sees all traffic) and sends as `sender`.
It redraws itself when a message (or a retraction) reaches the log, while it is in view.
Direction is shown by words and arrows ("You →", "→ You"), never by colour alone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from ...engine.commands import Send
from ...engine.events import ClockAdvanced, EventRetracted, MessageSent
from ...engine.role_views import messages_for
from ...engine.state import Entry, State
from ..controller import SessionController
from ..text import plain, plain_line
from .drawn import DrawnFromLog
from .text_box import TextBox

ALL = "all"
SHOWN = 200  # the traffic shows this many of the latest messages


class MessagePanel(DrawnFromLog, Vertical):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text(encoding="utf-8")

    class Sent(Message):
        """A message went out from this panel."""

        def __init__(self, to: str, text: str) -> None:
            super().__init__()
            self.to = to
            self.text = text

    def __init__(self, controller: SessionController, sender: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="message-panel")
        self.controller = controller
        self.sender = sender
        self._lines: dict[int, Text] = {}  # seq -> its drawn line, for the messages on screen
        self.border_title = "Messages"

    # -- building ----------------------------------------------------------------------------
    def recipients(self) -> list[tuple[str, str]]:
        """(label, id) pairs: the other nations, the organisations, control, and everyone."""
        sc = self.controller.scenario
        out = [(n.name, nid) for nid, n in sc.nations.items() if nid != self.sender]
        out += [(f"{o.name} (organisation)", oid) for oid, o in sc.orgs.items()]
        if self.sender != "control":
            out.append(("Exercise Control", "control"))
        out.append(("Everyone", ALL))
        return out

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="traffic"):
            yield Static("", classes="traffic-text")
        with Horizontal(classes="composer"):
            options = self.recipients()
            yield Select([(plain_line(name), value) for name, value in options], prompt="To…", allow_blank=False,
                         value=options[0][1] if options else Select.NULL, classes="recipient", compact=True)
            yield TextBox(placeholder="Write a message, Enter sends", classes="message-text", compact=True)
            yield Button("Send", classes="send", compact=True)

    def on_mount(self) -> None:
        self.follow_log(draw_now=False)  # drawn when its tab is first shown

    # -- reading -----------------------------------------------------------------------------
    def concerns(self, new: list[Entry]) -> bool:
        return any(isinstance(e.event, (MessageSent, EventRetracted)) for e in new)

    def refresh_from_state(self) -> None:
        """Draw now if the log moved since the last draw (it redraws itself as messages arrive)."""
        if self._stale:
            self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        """Show the last SHOWN messages; a message is drawn once and kept, so new traffic costs only its
        own lines (a long session's thousands of messages are counted, not drawn)."""
        st = self.controller.state
        entries = messages_for(st, self.controller.reader(None if self.sender == "control" else self.sender))
        shown = entries[-SHOWN:]
        if new is None or any(isinstance(e.event, EventRetracted) for e in new):
            self._lines.clear()  # a retraction refolds the log: turns may have moved
        turn_of = _turns(st, [e.seq for e in shown if e.seq not in self._lines])
        lines = {e.seq: self._lines.get(e.seq) or self._line(e, turn_of(e.seq)) for e in shown}
        self._lines = lines
        text = Text()
        if not entries:
            text.append("No messages yet.", style="italic")
        elif len(entries) > SHOWN:
            text.append(f"… showing the last {SHOWN} of {len(entries)} messages\n", style="dim italic")
        text.append(Text("\n").join(lines.values()))
        self.query_one(".traffic-text", Static).update(text)
        self.query_one(".traffic", VerticalScroll).scroll_end(animate=False)

    def _line(self, e: Entry, turn: int) -> Text:
        sc = self.controller.scenario
        ev = e.event
        assert isinstance(ev, MessageSent)
        mine = ev.sender == self.sender
        to = ", ".join("everyone" if t == ALL else ("You" if t == self.sender else sc.name_of(t)) for t in ev.to)
        who = "You" if mine else sc.name_of(ev.sender)
        text = Text()
        text.append(f"T{turn} {sc.time_of(turn)}  ", style="dim")
        text.append(plain_line(f"{'▶' if mine else '◀'} {who} → {to}", style="bold"))
        text.append(": ")
        text.append(plain(ev.text))
        return text

    # -- sending -----------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.send()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("send"):
            event.stop()
            self.send()

    def send(self) -> bool:
        box = self.query_one(".message-text", Input)
        to = self.query_one(".recipient", Select).value
        text = box.value.strip()
        if not text:
            self.app.notify("Write something before sending.", severity="warning")
            box.focus()
            return False
        if to is Select.NULL or not isinstance(to, str):
            self.app.notify("Choose who the message is for.", severity="warning")
            return False
        out = self.controller.execute(Send(self.sender, (to,), text))
        if out.ok:
            box.value = ""
            label = dict((v, k) for k, v in self.recipients()).get(to, to)
            self.app.notify(f"Message sent to {label}.")
            self.post_message(self.Sent(to, text))
        self.refresh_from_state()
        return out.ok

    def on_text_box_left(self) -> None:
        """Escape in the composer: to the traffic, the draft kept in the box."""
        self.query_one(".traffic", VerticalScroll).focus()

    # -- the unsent draft (kept beside the log by the console, so a restarted console has it back) ---------
    def draft(self) -> dict[str, str]:
        """The message being written and to whom (empty when nothing is written)."""
        text = self.query_one(".message-text", Input).value
        to = self.query_one(".recipient", Select).value
        if not text:
            return {}
        return {"message": text, "to": to if isinstance(to, str) else ""}

    def restore(self, to: str, text: str) -> None:
        """Put a saved draft back (the recipient only if it is still one of the choices)."""
        if to in {value for _, value in self.recipients()}:
            self.query_one(".recipient", Select).value = to
        self.query_one(".message-text", Input).value = text

    def focus_composer(self) -> None:
        self.query_one(".message-text", Input).focus()


def _turns(state: State, seqs: list[int]) -> Callable[[int], int]:
    """seq -> the turn it happened in (for the seqs asked about), from the clock's moves alone: no event
    is described, so this stays cheap however long the log."""
    if not seqs:
        return lambda seq: state.turn
    moves = [(e.seq, e.event.turn) for e in state.log
             if isinstance(e.event, ClockAdvanced) and e.seq not in state.retracted]
    starts = [seq for seq, _ in moves]

    def turn_of(seq: int) -> int:
        i = bisect_right(starts, seq)
        return moves[i - 1][1] if i else 1

    return turn_of
