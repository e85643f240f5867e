"""The launcher's set-up form: the mode, who plays each nation (people or a bot profile, and for a nation
people play, their names or roles for the report), a seed, Start.

The launcher mounts it just after its first paint: the scenario list and its facts show at once, and
the engine, needed here for a scenario's nations and bot profiles, loads while a person reads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from ...engine.typed import MAX_NAME, SEED_LIMIT
from ..text import plain_line

if TYPE_CHECKING:
    from ...engine.compile import CompiledScenario

MODES = ("facilitated", "solo", "hotseat")
MODE_NAMES = {"facilitated": "Facilitated", "solo": "Solo", "hotseat": "Hot-seat"}
MODE_HELP = {
    "facilitated": "This terminal becomes the facilitator console. Each team joins from its own terminal "
                   "with: tabletop play --db SESSION-FILE --team NATION",
    "solo": "You play one nation; a bot plays every other nation (its profile below). "
            "The same seed replays the same game.",
    "hotseat": "Several teams share this screen and take turns. Between teams a handover screen hides "
               "the previous team's brief and open choices until the next team confirms.",
}
HUMAN = "human"
WHO_PROMPT = "names or roles (optional)"


class ModeButton(RadioButton):
    """A radio button whose state is said by its marker, "(•)" or "( )", not by colour alone."""

    BUTTON_LEFT = ""
    BUTTON_INNER = ""
    BUTTON_RIGHT = ""

    def __init__(self, mode: str, *, value: bool) -> None:
        super().__init__(self.text(mode, value), value=value, id=f"mode-{mode}")
        self.mode = mode

    @staticmethod
    def text(mode: str, on: bool) -> str:
        return f"{'(•)' if on else '( )'} {MODE_NAMES[mode]}"

    def watch_value(self) -> None:
        super().watch_value()
        if hasattr(self, "mode"):
            self.label = self.text(self.mode, self.value)


class SetupForm(Vertical):
    """How the highlighted scenario will be played; `show` puts a (compiled) scenario in it."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text(encoding="utf-8")

    def __init__(self, *, mode: str = "solo", seed: int | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.initial_seed = seed
        self.compiled: CompiledScenario | None = None
        self.players: dict[str, str] = {}  # nation -> 'human' | 'bot:<profile>' (what the person chose)
        self.play_as: str | None = None
        self.who: dict[str, str] = {}  # nation -> the names or roles typed for it, as typed
        self._built: dict[str, str] = {}  # nation -> the value its Select was built with (not a choice made)
        self._rows_stale = False  # the player rows no longer match the form's state: rebuild them
        self._rebuilding = False  # a rebuild is under way (it takes its turn, see rebuild_players)

    def compose(self) -> ComposeResult:
        yield Label("Mode", classes="field-title")
        with RadioSet(id="mode"):
            for m in MODES:
                yield ModeButton(m, value=m == self.mode)
        yield Static(MODE_HELP[self.mode], id="mode-help")
        with Vertical(id="play-as-row"):
            yield Label("Play as", classes="field-title")
            yield Select[str]([], id="play-as", allow_blank=True, prompt="Choose your nation", compact=True)
        yield Label("Who plays each nation", classes="field-title")
        yield Vertical(id="players")
        with Horizontal(id="seed-row"):
            yield Label("Seed ", classes="field-title")
            yield Input("" if self.initial_seed is None else str(self.initial_seed), placeholder="random",
                        id="seed", type="integer", compact=True)
        yield Button("Start", id="start", variant="primary")

    # -- what the launcher tells it ----------------------------------------------------------
    def show(self, compiled: CompiledScenario | None) -> None:
        """A new scenario (None: it does not load): choices made for the previous one are dropped."""
        self.compiled = compiled
        self.players = {}
        self.who = {}
        self.play_as = next(iter(compiled.nations), None) if compiled else None
        play_as = self.query_one("#play-as", Select)
        if compiled:
            play_as.set_options([(plain_line(n.name), nid) for nid, n in compiled.nations.items()])
            play_as.value = self.play_as
        else:
            play_as.set_options([])
        self.query_one("#start", Button).disabled = compiled is None
        self.rebuild_players()

    def set_mode(self, mode: str) -> None:
        self.query_one(f"#mode-{mode}", RadioButton).value = True

    # -- what the launcher asks it -----------------------------------------------------------
    def seed(self) -> int | None:
        """The seed typed, None for a random one; ValueError names what was typed."""
        raw = self.query_one("#seed", Input).value.strip()
        if not raw:
            return None
        # The session would refuse a seed past 64 bits only once started; and a pasted 5,000-digit one is
        # not repeated back to the person who pasted it.
        wrong = f"The seed must be a whole number from {-SEED_LIMIT} to {SEED_LIMIT - 1}"
        if len(raw) > len(str(SEED_LIMIT)) + 1:
            raise ValueError(wrong + ".")
        try:
            seed = int(raw)
        except ValueError:
            raise ValueError(f"{wrong}, not '{raw}'.") from None
        if not -SEED_LIMIT <= seed < SEED_LIMIT:
            raise ValueError(f"{wrong}, not {seed}.")
        return seed

    def teams(self) -> dict[str, str]:
        """Who plays each nation, the solo player's own nation left out (the app puts 'human' there)."""
        assert self.compiled is not None
        allowed = {v for _, v in self.player_options()}
        out = {}
        for nid in self.compiled.nations:
            if self.mode == "solo" and nid == self.play_as:
                continue
            value = self.players.get(nid, self.default_player(nid))
            out[nid] = value if value in allowed else self.default_player(nid)
        return out

    def who_plays(self) -> dict[str, str]:
        """The names or roles typed for the nations people play (the solo player's own included), for the
        session's start; blank ones left out. The engine collapses spaces and bounds them, as for `--player`."""
        assert self.compiled is not None
        teams = self.teams()
        return {nid: who for nid, who in self.who.items()
                if nid in self.compiled.nations and who.strip() and self._by_people(nid, teams)}

    # -- the players ---------------------------------------------------------------------------
    def _by_people(self, nation: str, teams: dict[str, str] | None = None) -> bool:
        if self.mode == "solo" and nation == self.play_as:
            return True
        return (teams if teams is not None else self.teams()).get(nation) == HUMAN

    def default_player(self, nation: str) -> str:
        assert self.compiled is not None
        if self.mode == "solo":
            return f"bot:{self.compiled.nations[nation].bot.profile}"
        return HUMAN

    def player_options(self) -> list[tuple[str, str]]:
        from ...engine.models import BOT_PROFILES

        bots = [(f"Bot: {p}", f"bot:{p}") for p in BOT_PROFILES]
        return bots if self.mode == "solo" else [("Team (people)", HUMAN), *bots]

    def rebuild_players(self) -> None:
        """Show a row per nation for the form as it now stands.

        The rows are replaced one rebuild at a time, each after the last one's Selects have finished
        mounting: a burst of arrow keys through the scenario list used to remove a Select while it was still
        mounting, and Textual then failed inside it ('No nodes match #label on SelectCurrent'). Asked again
        while a rebuild runs, the form rebuilds once more when it ends, from its state at that moment."""
        self.query_one("#play-as-row").display = self.mode == "solo"
        self.query_one("#mode-help", Static).update(MODE_HELP[self.mode])
        self._rows_stale = True
        if not self._rebuilding:
            self._rebuilding = True
            self.call_later(self._rebuild_rows)

    @property
    def rows_ready(self) -> bool:
        """The player rows show the form's current state (a test waits for it after a burst of keys)."""
        return not self._rows_stale and not self._rebuilding

    async def _rebuild_rows(self) -> None:
        try:
            while self._rows_stale and self.is_attached:
                self._rows_stale = False
                box = self.query_one("#players", Vertical)
                await box.remove_children()
                await box.mount_all(self._player_rows())
        finally:
            self._rebuilding = False

    def _player_rows(self) -> list[Horizontal]:
        if self.compiled is None:
            return []
        rows: list[Horizontal] = []
        teams = self.teams()
        options = self.player_options()
        allowed = {v for _, v in options}
        for nid, nation in self.compiled.nations.items():
            row = Horizontal(classes="player-row")
            if self.mode == "solo" and nid == self.play_as:
                widget: Static | Select[str] = Static("You", classes="player-you")
            else:
                value = self.players.get(nid, self.default_player(nid))
                if value not in allowed:
                    value = self.default_player(nid)
                self._built[nid] = value
                widget = Select(options, value=value, allow_blank=False, id=f"player-{nid}",
                                compact=True, classes="player-select")
            row.compose_add_child(Label(plain_line(nation.short or nation.name), classes="player-name"))
            row.compose_add_child(widget)
            rows.append(row)
            # Who they are, under the choice: on the same line it would not fit beside it at 80 columns.
            who = Horizontal(classes="who-row", id=f"who-row-{nid}")
            who.display = self._by_people(nid, teams)
            who.compose_add_child(Label("", classes="player-name"))
            who.compose_add_child(Input(self.who.get(nid, ""), placeholder=WHO_PROMPT, id=f"who-{nid}",
                                        max_length=MAX_NAME, compact=True, classes="who"))
            rows.append(who)
        return rows

    # -- events --------------------------------------------------------------------------------
    @on(RadioSet.Changed, "#mode")
    def _mode_changed(self, event: RadioSet.Changed) -> None:
        self.mode = (event.pressed.id or "mode-solo").removeprefix("mode-")
        self.rebuild_players()

    @on(Select.Changed, "#play-as")
    def _play_as_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.play_as:
            self.play_as = event.value
            self.rebuild_players()

    @on(Select.Changed, ".player-select")
    def _player_changed(self, event: Select.Changed) -> None:
        if event.select.id and isinstance(event.value, str):
            nation = event.select.id.removeprefix("player-")
            # A Select says Changed when it mounts with the value it was built with: that is the mode's default,
            # not a choice, and recording it kept Solo's bots in Facilitated after a switch of mode.
            if nation not in self.players and event.value == self._built.get(nation):
                return
            self.players[nation] = event.value
            # A bot needs no names: the box goes with the people, and what was typed in it comes back with them.
            for row in self.query(f"#who-row-{nation}"):
                row.display = event.value == HUMAN

    @on(Input.Changed, ".who")
    def _who_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.who[event.input.id.removeprefix("who-")] = event.value
