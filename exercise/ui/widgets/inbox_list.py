"""The entries of a team's inbox list: each inject it received, newest first, marked open (●), decided
(✓) or for information (·), with its turn and where its decision stands.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets.option_list import Option

from ...engine.role_views import inject_for
from ...engine.words import decision_of
from ..controller import SessionController
from ..text import Hanging, one_line, plain_line


def inbox_options(controller: SessionController, nation: str, inbox: list[str], deadlines: dict[str, int],
                  width: int) -> list[Option]:
    """An option per inject in `inbox` (id = the inject), or one disabled line if it is empty.
    `deadlines` holds the open decisions' deadline turns; `width` is the list's, to clip the second line."""
    items = []
    reader = controller.reader(nation)
    for inject in inbox:
        view = inject_for(controller.session, reader, inject)
        if view is None:
            continue  # not this reader's to see
        # The mark on the left, the title and its second line under each other, wrapped lines under them too.
        if inject in deadlines:
            mark, t = Text("● ", style="bold"), Text.assemble(plain_line(view.title, style="bold"))  # bold: the title
            t.append(f"\nturn {view.turn} · decide before turn {deadlines[inject]}", style="dim")
        elif view.options:
            mark, t = Text("✓ "), plain_line(view.title)
            # the engine's words for how it was decided: a deadline's default or a bot's choice is never "decided"
            taken = decision_of(controller.state, inject, view.via or nation, nation)
            state = ("voted, waiting" if view.via else "no decision") if taken is None else \
                taken.line if taken.how else f"decided: {taken.line}"
            t.append(f"\nturn {view.turn} · {_clip(one_line(state), max(width - 12, 16))}", style="dim")
        else:
            mark, t = Text("· "), plain_line(view.title)
            t.append(f"\nturn {view.turn} · {view.kind}", style="dim")
        items.append(Option(Hanging(mark, t), id=inject))
    if not items:
        items = [Option(Text("Nothing has arrived yet.", style="italic"), disabled=True)]
    return items


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
