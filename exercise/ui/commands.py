"""Actions declared once: the key bindings in the footer and the command palette both come from them.

Every screen (and the app) lists what a person can do on it as a class attribute:

    from ..commands import Action, ActionsProvider, bindings

    class TeamScreen(Screen):
        ACTIONS = [
            Action("Decide", "decide", "Choose an option for the open decision", key="d"),
            Action("Send a message", "message", "Write to another nation, an organisation or control", key="m"),
            Action("Next decision", "next_pending", "Jump to the next decision", key="n", show=False),
        ]
        BINDINGS = bindings(ACTIONS)

        def action_decide(self) -> None: ...

`bindings(ACTIONS)` makes the footer's key bindings (an action without `key` is palette-only);
`ActionsProvider` (installed once in `TtxApp.COMMANDS`) offers every action of the active screen, then
the app's own, in the command palette (ctrl+p), with its help text. A screen's `check_action(name, ())`
is honoured: an action it returns False or None for is left out of the palette, as it is greyed in the
footer. Titles are sentences a person would type ("Advance the clock", "Write report"), so fuzzy search
finds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class Action:
    title: str  # what the palette and the footer say
    action: str  # the `action_<name>` method of the screen (or app) that declares it
    help: str  # one sentence: what it does
    key: str | None = None  # key(s) bound to it, comma separated ("d", "f5,ctrl+r"); None: palette only
    show: bool = True  # shown in the footer
    priority: bool = False  # checked before focused widgets (use for keys an Input would otherwise eat)
    key_display: str | None = None
    footer: str | None = None  # a shorter label for the footer; defaults to the title


BindingList = list[Binding | tuple[str, str] | tuple[str, str, str]]  # what Textual's BINDINGS holds


def bindings(actions: Iterable[Action]) -> BindingList:
    """The key bindings for a list of actions (those with a key)."""
    return [Binding(a.key, a.action, a.footer or a.title, show=a.show, priority=a.priority,
                    key_display=a.key_display, tooltip=a.help) for a in actions if a.key]


def actions_of(node: DOMNode) -> list[Action]:
    """The actions a screen or app declares (its class attribute ACTIONS), in order."""
    return list(getattr(node, "ACTIONS", []) or [])


def enabled(node: DOMNode, action: str) -> bool:
    try:
        return bool(node.check_action(action, ()))
    except Exception:  # a check that fails must not break the palette
        return False


def _entries(provider: Provider) -> Iterator[tuple[Action, Screen[object] | App[object]]]:
    seen: set[str] = set()
    nodes: tuple[Screen[object] | App[object], ...] = (provider.screen, provider.app)
    for node in nodes:
        for a in actions_of(node):
            if a.action in seen or not enabled(node, a.action):
                continue
            seen.add(a.action)
            yield a, node


def _label(a: Action, matcher: Matcher | None = None) -> Content:
    """The title (its letters that match the query highlighted) and the key. Content, not a string: the
    palette reads a string as markup, which would swallow the '[d]' after the title. (Titles and help are
    our own words, without brackets: `matcher.highlight` and the palette read them as markup.)"""
    keys = a.key_display or (a.key.split(",")[0] if a.key else "")
    title = matcher.highlight(a.title) if matcher is not None else Content(a.title)
    return Content.assemble(title, (f"  [{keys}]", "dim")) if keys else title


class ActionsProvider(Provider):
    """The command palette's view of the active screen's (and the app's) declared actions."""

    async def discover(self) -> Hits:
        for a, node in _entries(self):
            yield DiscoveryHit(_label(a), partial(node.run_action, a.action), text=a.title, help=a.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for a, node in _entries(self):
            score = max(matcher.match(a.title), matcher.match(a.help) * 0.5)
            if score > 0:
                yield Hit(score, _label(a, matcher), partial(node.run_action, a.action), text=a.title, help=a.help)
