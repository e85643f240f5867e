"""The decision in front of a nation: its options (unavailable ones with their reason), a rationale, Send.

Unavailable options stay in the list, dimmed, marked "✗" and followed by their reason, and cannot be
highlighted; the chosen option is marked "▶". Sending needs a non-empty rationale. A vote in an
organisation reads the same, with the votes cast so far.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.commands import Decide
from ...engine.events import MessageSent
from ...engine.role_views import inject_for, pending_for
from ...engine.state import Entry
from ...engine.views import InjectView
from ..controller import SessionController
from ..text import Hanging, Lines, plain, plain_line
from .drawn import DrawnFromLog
from .inject_card import rationale_of, vote_of
from .text_box import TextBox


class DecisionPanel(DrawnFromLog, Vertical):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text(encoding="utf-8")
    draw_hidden = True  # it hides itself when the inject asks nothing: it must still hear of the next one

    class Decided(Message):
        def __init__(self, inject: str, option: str) -> None:
            super().__init__()
            self.inject = inject
            self.option = option

    class Drafted(Message):
        """The option chosen (not yet sent) changed: the console keeps its draft."""

    def __init__(self, controller: SessionController, nation: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller
        self.nation = nation
        self.inject: str | None = None
        self.choice: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="decision-head")
        yield OptionList(classes="options")
        yield Static(classes="choice-line")
        with Vertical(classes="form"):
            yield Label("Why? (required before sending)", classes="why-label")
            with Horizontal(classes="form-row"):
                # The placeholder is cut at 80 columns: the footer is where Escape is offered ("Leave the box").
                yield TextBox(placeholder="One sentence: why this option", classes="rationale", compact=True)
                yield Button("Send", classes="send-decision", variant="primary", compact=True)

    # -- showing -----------------------------------------------------------------------------
    def pending_here(self) -> bool:
        st = self.controller.state
        return any(p.inject == self.inject for p in pending_for(st, self.controller.reader(self.nation)))

    def on_mount(self) -> None:
        self.follow_log(draw_now=False)  # drawn when the console shows its first inject

    def concerns(self, new: list[Entry]) -> bool:
        """A message changes no decision (the commonest event of a workshop: every console hears each one)."""
        return not new or not all(isinstance(e.event, MessageSent) for e in new)

    def show(self, inject: str | None) -> None:
        """Show the decision of `inject` (or hide the panel when it asks nothing of this nation); it redraws
        itself as the log changes."""
        if inject == self.inject and not self._stale:
            return
        if inject != self.inject:
            self.choice = None
            self.query_one(".rationale", Input).value = ""
        self.inject = inject
        self.redraw()

    def draw(self, new: list[Entry] | None) -> None:
        st = self.controller.state
        inject = self.inject
        view = inject_for(self.controller.session, self.controller.reader(self.nation), inject) if inject else None
        if view is None or not view.options:
            self.display = False
            return
        self.display = True
        sc = self.controller.scenario
        pending = self.pending_here()
        head = Text()
        if view.via:
            org = sc.orgs[view.via]
            head.append(plain(f"Your vote in the {org.name} ", style="bold"))
            head.append(f"(decides by {org.decides}: ", style="dim")
            head.append("every member must vote for the same option)" if org.decides == "consensus" else
                        f"an option needs the votes of more than half of its {len(org.members)} members)",
                        style="dim")
        else:
            head.append("Your decision", style="bold")
        if view.deadline_turn is not None and pending:
            ci = sc.injects.get(view.id)
            default = self._label(view, ci.default) if ci and ci.default else None  # in this reader's words
            head.append(f"\n◷ Deadline: decide before turn {view.deadline_turn} begins "
                        f"({sc.time_of(view.deadline_turn)}).")
            head.append(plain(f"\nIf the deadline passes: {default}." if default else
                              "\nIf the deadline passes, no decision is recorded.", style="dim"))
        # a member a line, wrapped under the vote: long labels read better one under another than run together
        cast = [Hanging(Text("  • "), Text.assemble(plain_line(member), ": ", plain(said)))
                for member, said in view.votes.items()]
        shown = Lines([head])  # then a line a vote, then what follows them
        if cast and view.via:
            head.append(f"\nVotes so far ({len(cast)} of {len(sc.orgs[view.via].members)}):", style="bold")
            shown.items.extend(cast)
        mine = vote_of(st, view.via, view.id, self.nation) if view.via else None
        if mine and not view.decided:
            why = rationale_of(st, view.id, self.nation)
            shown.append(Text.assemble(("✓ You voted: ", "bold"), plain(self._label(view, mine)),
                                       plain(f" (why: {why})" if why else "")))
            shown.append(Text("Waiting for the other members.", style="dim"))
        if not pending and (view.decided is not None or view.decision is not None):
            head = Text()
            head.append("The options", style="bold")
            head.append(" (✓ the one taken)", style="dim")
            shown = Lines([head])
            # How it was decided, in the engine's words: the vote's result, a default, a bot's choice.
            if view.via and view.vote_result:
                head.append(plain(f"\nThe {sc.orgs[view.via].name}'s vote: ", style="bold"))
                head.append(plain(view.vote_result))
                shown.items.extend(cast)
            elif view.decision and view.decision != self._label(view, view.decided or ""):
                head.append(plain(f"\n{view.decision}"))
        if st.paused and pending:
            shown.append(Text("‖ Control has paused the exercise: decisions wait until it resumes.", style="bold"))
        if st.ended is not None:
            shown.append(Text("The exercise has ended.", style="bold"))
        self.query_one(".decision-head", Static).update(shown)
        options = self.query_one(".options", OptionList)
        items = []
        for o in view.options:
            if o.unavailable:
                t = plain(f"{o.label}  (unavailable)\n", style="dim")
                t.append(plain(f"  Why not: {o.unavailable}", style="dim italic"))
                items.append(Option(Hanging(Text("✗ ", style="dim"), t), id=o.id, disabled=True))
            else:
                marker = "✓" if (o.chosen or o.id == mine) else ("▶" if o.id == self.choice else " ")
                items.append(Option(Hanging(Text(f"{marker} "), plain(o.label)), id=o.id, disabled=not pending))
        options.set_options(items)
        if self.choice:
            try:
                options.highlighted = options.get_option_index(self.choice)
            except Exception:
                self.choice = None
        open_ = pending and not st.paused and st.ended is None
        options.display = True
        self.query_one(".form").display = open_
        self._update_choice_line()

    @staticmethod
    def _label(view: InjectView, option: str) -> str:
        return next((o.label for o in view.options if o.id == option), option)

    def _update_choice_line(self) -> None:
        line = self.query_one(".choice-line", Static)
        if not self.pending_here():
            line.display = False
            return
        line.display = True
        if self.choice is None:
            line.update(Text("Choose an option: ↑/↓ then Enter, or click it.", style="dim"))
        else:
            view = inject_for(self.controller.session, self.controller.reader(self.nation), self.inject) \
                if self.inject else None
            label = plain(self._label(view, self.choice) if view else self.choice, style="bold")
            line.update(Hanging(Text("▶ Your choice: ", style="bold"), label))

    # -- choosing ----------------------------------------------------------------------------
    def focus_options(self) -> None:
        options = self.query_one(".options", OptionList)
        options.focus()
        if options.highlighted is None:
            options.action_first()
        # bring the whole decision (options, choice, rationale) into view, not just the list
        self.call_after_refresh(self.scroll_visible, animate=False)

    @on(OptionList.OptionHighlighted, ".options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index != event.option_list.highlighted:
            return  # stale: posted while the list was being rebuilt
        if event.option.disabled or event.option.id is None or not self.pending_here():
            return
        if event.option.id != self.choice:
            self.choice = event.option.id
            self._mark()
            self._update_choice_line()
            self.post_message(self.Drafted())

    def _mark(self) -> None:
        """Move the "▶" marker to the chosen option without rebuilding the list."""
        options = self.query_one(".options", OptionList)
        for i, opt in enumerate(options.options):
            if opt.disabled or opt.id is None:
                continue
            prompt = opt.prompt
            if isinstance(prompt, Hanging) and prompt.lead.plain[:1] in " ▶":
                options.replace_option_prompt_at_index(
                    i, Hanging(Text("▶ " if opt.id == self.choice else "  "), prompt.body))

    @on(OptionList.OptionSelected, ".options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.disabled or event.option.id is None:
            return
        self.choose(event.option.id)
        self.query_one(".rationale", Input).focus()

    def choose(self, option: str) -> None:
        self.choice = option
        self.redraw()
        self.post_message(self.Drafted())

    # -- the unsent draft (kept beside the log by the console, so a restarted console has it back) ---------
    def draft(self) -> dict[str, str]:
        """The option chosen and the reason typed so far, while the decision is open (empty otherwise)."""
        why = self.query_one(".rationale", Input).value
        if self.inject is None or not self.pending_here() or not (self.choice or why):
            return {}
        return {"inject": self.inject, "option": self.choice or "", "why": why}

    def restore(self, option: str, why: str) -> None:
        """Put a saved draft back (the option only if it can still be chosen)."""
        options = self.query_one(".options", OptionList)
        if any(o.id == option and not o.disabled for o in options.options):
            self.choice = option
        self.query_one(".rationale", Input).value = why
        self.redraw()

    @on(TextBox.Left, ".rationale")
    def _left(self) -> None:
        """Escape in the rationale: back to the options, the reason kept for when the person returns."""
        self.focus_options()

    @on(Input.Submitted, ".rationale")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.send()

    @on(Button.Pressed, ".send-decision")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.send()

    def send(self) -> bool:
        if self.inject is None:
            return False
        if self.choice is None:
            highlighted = self.query_one(".options", OptionList).highlighted_option
            if highlighted is None or highlighted.disabled or highlighted.id is None:
                self.app.notify("Choose an option first.", severity="warning")
                self.focus_options()
                return False
            self.choice = highlighted.id
        box = self.query_one(".rationale", Input)
        why = box.value.strip()
        if not why:
            self.app.notify("Say why before sending: a decision needs a rationale.", severity="warning")
            self.redraw()
            box.focus()
            return False
        inject, option = self.inject, self.choice
        out = self.controller.execute(Decide(self.nation, inject, option, why))
        if not out.ok:
            return False
        box.value = ""
        self.choice = None
        self.redraw()
        self.post_message(self.Decided(inject, option))
        return True
