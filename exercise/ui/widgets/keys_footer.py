"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer takes down and mounts all its keys again whenever its screen's bindings may have changed, and
they may have on every change of focus: a team's tab switch moves the focus twice, so each switch rebuilt the
footer twice (a dozen widgets mounted and styled, the largest part of a key's cost on a served console,
measured in bench/serve_load.py). This one compares what it would show with what it shows, and rebuilds only
when they differ. The compact style is left to the keys themselves: they follow the footer's `compact`.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    _shown: tuple[Hashable, ...] | None = None  # what the last compose showed (None: nothing yet)

    def _keys(self) -> tuple[Hashable, ...]:
        """Everything of the screen's bindings that Footer.compose draws."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING if self.show_command_palette and app.ENABLE_COMMAND_PALETTE else None
        return (palette, self.combine_groups, *(
            (key, binding.action, binding.description, app.get_key_display(binding), enabled, tooltip,
             binding.tooltip, None if binding.group is None else (binding.group.description, binding.group.compact))
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette))

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Footer.bindings_changed, but the rebuild waits to see whether anything shown changed.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()
