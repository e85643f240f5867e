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


@dataclass(frozen=True)
class KeyRow:
    """One line of help's key table: the keys, what the action is called, what it does."""

    keys: tuple[str, ...]  # as bound ("ctrl+q", "escape")
    title: str
    help: str
    not_now: bool = False  # greyed in the footer: bound, but it does nothing at this moment
    shown: str = ""  # the keys as help writes them

    @property
    def label(self) -> str:
        return self.shown or " / ".join(self.keys)


# Textual's own keys, said in our words (their descriptions are Textual's: 'Focus Next', 'palette').
FRAMEWORK_KEYS: dict[str, tuple[str, str]] = {
    "app.focus_next": ("Next area", "Move to the next area of the screen"),
    "app.focus_previous": ("Previous area", "Move to the previous area of the screen"),
    "screen.copy_text": ("Copy", "Copy the text selected with the mouse"),
    "help_quit": ("How to quit", "With no text selected: say which key quits"),
    "command_palette": ("Command palette", "Every action of this screen, by name"),
}


def _state(node: DOMNode, action: str) -> bool | None:
    """What the node's check_action says of a bound action: True, None (greyed) or False (hidden)."""
    from textual.actions import ActionError, parse

    try:
        namespace, name, params = parse(action)
    except ActionError:
        return True
    if namespace:  # bound to the app's or the screen's own action (Textual's): always there
        return True
    try:
        return node.check_action(name, params)
    except Exception:  # a check that fails must not break help
        return False


def _said(found: list[Binding]) -> list[str]:
    """The keys as help writes them; a Mac's command key beside its ctrl twin (super+c by ctrl+c) left unsaid,
    as terminals seldom pass it on."""
    keys = [b.key_display or b.key for b in found]
    plain = [k for k in keys if not k.startswith("super+")]
    return plain or keys


def key_rows(screen: Screen[object] | None, app: App[object]) -> list[KeyRow]:
    """Every key of a screen and of the app, one row per action: the declared actions in their order, then
    each binding no action declares (a dialog's own, Textual's). What the node hides at this moment
    (check_action False: End turn outside solo play) is left out, as the footer leaves it out; what it greys
    (None: Release with no inject selected) is listed, marked. Over a dialog (a modal screen) only the app's
    priority keys reach the app, so only those are listed. Built from the live bindings, so a key added to a
    screen is in its help without anyone remembering to add it."""
    rows: list[KeyRow] = []
    modal = screen is not None and screen.is_modal
    nodes: list[DOMNode] = [screen] if screen is not None else []
    for node in [*nodes, app]:
        only_priority = modal and node is app
        declared: set[tuple[str, str]] = set()
        for a in actions_of(node):
            if a.key:
                declared.update((k.strip(), a.action) for k in a.key.split(","))
            state = _state(node, a.action)
            if state is not False and (a.priority or not only_priority):
                keys = tuple(k.strip() for k in a.key.split(",")) if a.key else ()
                rows.append(KeyRow(keys, a.title, a.help, not_now=state is None,
                                   shown=a.key_display or ("" if a.key else "palette")))
        others: dict[str, list[Binding]] = {}
        for key, found in node._bindings.key_to_bindings.items():
            for b in found:
                if (key, b.action) not in declared and (b.priority or not only_priority):
                    others.setdefault(b.action, []).append(b)
        for action, found in others.items():
            state = _state(node, action)
            if state is False:
                continue
            title, said = FRAMEWORK_KEYS.get(action, (found[0].description, found[0].tooltip))
            rows.append(KeyRow(tuple(b.key for b in found), title or action, said or "", not_now=state is None,
                               shown=" / ".join(_said(found))))
    return rows


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
