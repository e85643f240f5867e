"""The launcher (`ttx play` with no scenario): pick a scenario and a mode, or resume a session.

Left: the bundled and local scenarios, then the session files found in the sessions folder and the
working folder. Right: the highlighted scenario (title, summary, nations, turns, duration), the mode
(Facilitated, Solo, Hot-seat), who plays each nation (people or a bot profile), a seed, and Start.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, RadioButton, RadioSet, Select, Static
from textual.widgets.option_list import Option

from ...engine.compile import CompiledScenario, load_scenario
from ...engine.diagnostics import ScenarioError
from ...engine.models import BOT_PROFILES
from ...live import LiveSession, SessionFileError
from ...resources import ScenarioInfo, all_scenarios, peek
from ..commands import Action, bindings

MODES = ("facilitated", "solo", "hotseat")
MODE_NAMES = {"facilitated": "Facilitated", "solo": "Solo", "hotseat": "Hot-seat"}
MODE_HELP = {
    "facilitated": "This terminal becomes the facilitator console. Each team joins from its own terminal "
                   "with: ttx play --db SESSION-FILE --team NATION",
    "solo": "You play one nation; a bot plays every other nation (its profile below). "
            "The same seed replays the same game.",
    "hotseat": "Several teams share this screen and take turns. Between teams a handover screen hides "
               "the previous team's brief and open choices until the next team confirms.",
}
HUMAN = "human"


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


@dataclass
class SessionInfo:
    path: Path
    title: str
    mode: str
    turn: int
    ended: bool
    events: int


def find_sessions(*folders: Path) -> list[SessionInfo]:
    """Session files in these folders (newest first), summarised without loading their scenarios."""
    from ...store import EventStore, StoreError

    seen: set[Path] = set()
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            for p in [*folder.glob("*.sqlite"), *folder.glob("*.db")]:
                if p.resolve() not in seen and p.is_file():
                    seen.add(p.resolve())
                    files.append(p)
    out = []
    for p in sorted(files, key=lambda f: f.stat().st_mtime, reverse=True):
        try:
            with EventStore.open(p) as store:
                meta, rows = store.meta, store.read()
        except (StoreError, OSError):
            continue
        mode, turn, ended = "?", 1, False
        for r in rows:
            if r.type == "SessionStarted":
                mode = str(r.payload.get("mode", "?"))
            elif r.type == "ClockAdvanced":
                turn = int(r.payload.get("turn", turn))
            elif r.type == "SessionEnded":
                ended = True
        out.append(SessionInfo(p, meta.get("scenario_title", p.stem), mode, turn, ended, len(rows)))
    return out


class LauncherScreen(Screen[None]):
    CSS_PATH = "launcher.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        Action("Start the session", "start", "Start the highlighted scenario in the chosen mode", key="s",
               footer="Start"),
        Action("Facilitated mode", "mode('facilitated')", "This terminal runs control; teams join from theirs",
               key="f", show=False),
        Action("Solo mode", "mode('solo')", "Play one nation against bots", key="o", show=False),
        Action("Hot-seat mode", "mode('hotseat')", "Teams take turns at this screen", key="t", show=False),
        Action("Resume a session", "resume", "Go to the list of sessions to resume", key="r", footer="Resume"),
        Action("Choose a scenario", "scenarios", "Go to the list of scenarios", key="c", show=False),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, preselect: Path | None = None) -> None:
        super().__init__()
        self.preselect = preselect
        self.infos: list[ScenarioInfo] = []
        self.sessions: list[SessionInfo] = []
        self.mode = "solo"
        self.info: ScenarioInfo | None = None
        self.compiled: CompiledScenario | None = None
        self.problem: str | None = None
        self.players: dict[str, str] = {}  # nation -> 'human' | 'bot:<profile>' (what the person chose)
        self.play_as: str | None = None
        self._cache: dict[Path, CompiledScenario | str] = {}

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="launcher-body"):
            with Vertical(id="lists"):
                yield Label("Scenarios", classes="list-title")
                yield OptionList(id="scenarios")
                yield Label("Sessions to resume", classes="list-title")
                yield OptionList(id="sessions")
            with VerticalScroll(id="details"):
                yield Static(id="scenario-info")
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
                    yield Input(placeholder="random", id="seed", type="integer", compact=True)
                yield Button("Start", id="start", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "choose a scenario and a mode"
        cfg = self.app.config  # type: ignore[attr-defined]
        try:
            self.infos = all_scenarios(cfg.workdir)
        except Exception as exc:  # one unreadable file must not take the launcher down
            self.log.error(f"listing scenarios failed: {exc!r}")
            self.notify(f"Could not list the scenarios: {exc}", severity="error", timeout=10)
            self.infos = []
        if self.preselect is not None:
            pre = self.preselect.resolve()
            if not any(i.path.resolve() == pre for i in self.infos):
                extra = peek(self.preselect, "local")
                if extra is not None:
                    self.infos.append(extra)
        olist = self.query_one("#scenarios", OptionList)
        olist.set_options([Option(self._scenario_prompt(i), id=str(n)) for n, i in enumerate(self.infos)])
        if not self.infos:
            olist.set_options([Option("No scenarios found (ttx new NAME writes one)", disabled=True)])
        self.refresh_sessions()
        if cfg.seed is not None:
            self.query_one("#seed", Input).value = str(cfg.seed)
        index = 0
        if self.preselect is not None:
            pre = self.preselect.resolve()
            index = next((n for n, i in enumerate(self.infos) if i.path.resolve() == pre), 0)
        if self.infos:
            olist.highlighted = index
            self.show_scenario(index)
        olist.focus()

    def refresh_sessions(self) -> None:
        cfg = self.app.config  # type: ignore[attr-defined]
        self.sessions = find_sessions(cfg.sessions, cfg.workdir)
        slist = self.query_one("#sessions", OptionList)
        if not self.sessions:
            slist.set_options([Option(Text("No saved sessions yet", style="italic"), disabled=True)])
            return
        slist.set_options([Option(self._session_prompt(s), id=str(n)) for n, s in enumerate(self.sessions)])

    @staticmethod
    def _scenario_prompt(info: ScenarioInfo) -> Text:
        t = Text(info.title, style="bold")
        t.append(f"\n{info.turns} turns · {info.duration}" + (" · local" if info.source == "local" else ""),
                 style="dim")
        return t

    @staticmethod
    def _session_prompt(s: SessionInfo) -> Text:
        t = Text(s.title, style="bold")
        state = "ended" if s.ended else f"turn {s.turn}"
        t.append(f"\n{MODE_NAMES.get(s.mode, s.mode)} · {state} · {s.path.name}", style="dim")
        return t

    # -- the scenario ------------------------------------------------------------------------
    def _compile(self, info: ScenarioInfo) -> CompiledScenario | str:
        if info.path not in self._cache:
            try:
                self._cache[info.path] = load_scenario(info.path)
            except ScenarioError as exc:
                first = str(exc.diagnostics[0]) if exc.diagnostics else "unknown problem"
                more = f" (+{len(exc.diagnostics) - 1} more)" if len(exc.diagnostics) > 1 else ""
                self._cache[info.path] = f"{first}{more}"
            except (OSError, ValueError) as exc:
                self._cache[info.path] = str(exc).splitlines()[0]
        return self._cache[info.path]

    def show_scenario(self, index: int) -> None:
        info = self.infos[index]
        if info is self.info:
            return
        self.info = info
        loaded = self._compile(info)
        self.compiled = loaded if not isinstance(loaded, str) else None
        self.problem = loaded if isinstance(loaded, str) else None
        self.players = {}
        self.play_as = next(iter(self.compiled.nations), None) if self.compiled else None
        t = Text()
        t.append(info.title + "\n", style="bold")
        if info.summary:
            t.append(info.summary + "\n")
        t.append("\nNations: ", style="bold")
        t.append(", ".join(info.nations) or "none")
        if info.organisations:
            t.append("\nOrganisations: ", style="bold")
            t.append(", ".join(info.organisations))
        t.append("\nTurns: ", style="bold")
        t.append(f"{info.turns}   ")
        t.append("Estimated duration: ", style="bold")
        t.append(info.duration)
        if info.source == "local":
            t.append(f"\nLocal file: {info.path}", style="dim")
        if self.problem:
            t.append("\n\n✗ This scenario does not load: ", style="bold")
            t.append(self.problem)
        self.query_one("#scenario-info", Static).update(t)
        play_as = self.query_one("#play-as", Select)
        if self.compiled:
            play_as.set_options([(n.name, nid) for nid, n in self.compiled.nations.items()])
            play_as.value = self.play_as
        else:
            play_as.set_options([])
        self.query_one("#start", Button).disabled = self.compiled is None
        self.rebuild_players()

    def default_player(self, nation: str) -> str:
        assert self.compiled is not None
        if self.mode == "solo":
            return f"bot:{self.compiled.nations[nation].bot.profile}"
        return HUMAN

    def player_options(self) -> list[tuple[str, str]]:
        bots = [(f"Bot: {p}", f"bot:{p}") for p in BOT_PROFILES]
        return bots if self.mode == "solo" else [("Team (people)", HUMAN), *bots]

    def rebuild_players(self) -> None:
        box = self.query_one("#players", Vertical)
        box.remove_children()
        self.query_one("#play-as-row").display = self.mode == "solo"
        self.query_one("#mode-help", Static).update(MODE_HELP[self.mode])
        if self.compiled is None:
            return
        rows = []
        allowed = {v for _, v in self.player_options()}
        for nid, nation in self.compiled.nations.items():
            row = Horizontal(classes="player-row")
            if self.mode == "solo" and nid == self.play_as:
                widget: Static | Select[str] = Static("You", classes="player-you")
            else:
                value = self.players.get(nid, self.default_player(nid))
                if value not in allowed:
                    value = self.default_player(nid)
                widget = Select(self.player_options(), value=value, allow_blank=False, id=f"player-{nid}",
                                compact=True, classes="player-select")
            row.compose_add_child(Label(nation.short or nation.name, classes="player-name"))
            row.compose_add_child(widget)
            rows.append(row)
        box.mount_all(rows)

    def teams(self) -> dict[str, str]:
        assert self.compiled is not None
        allowed = {v for _, v in self.player_options()}
        out = {}
        for nid in self.compiled.nations:
            if self.mode == "solo" and nid == self.play_as:
                continue
            value = self.players.get(nid, self.default_player(nid))
            out[nid] = value if value in allowed else self.default_player(nid)
        return out

    # -- events ------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlight_scenario(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show_scenario(int(event.option.id))

    @on(OptionList.OptionSelected, "#scenarios")
    def _select_scenario(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#mode", RadioSet).focus()

    @on(OptionList.OptionSelected, "#sessions")
    def _select_session(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open_session(self.sessions[int(event.option.id)].path)

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
            self.players[event.select.id.removeprefix("player-")] = event.value

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    # -- actions -----------------------------------------------------------------------------
    def action_mode(self, mode: str) -> None:
        with contextlib.suppress(Exception):
            self.query_one(f"#mode-{mode}", RadioButton).value = True

    def action_resume(self) -> None:
        slist = self.query_one("#sessions", OptionList)
        slist.focus()
        if slist.highlighted is None and self.sessions:
            slist.highlighted = 0

    def action_scenarios(self) -> None:
        self.query_one("#scenarios", OptionList).focus()

    def action_start(self) -> None:
        if self.info is None or self.compiled is None:
            self.notify(self.problem or "Choose a scenario first.", severity="warning")
            return
        if self.mode == "solo" and not self.play_as:
            self.notify("Choose the nation you will play.", severity="warning")
            return
        raw = self.query_one("#seed", Input).value.strip()
        try:
            seed = int(raw) if raw else None
        except ValueError:
            self.notify(f"The seed must be a whole number, not '{raw}'.", severity="warning")
            return
        try:
            self.app.start_session(self.info.path, self.mode, nation=self.play_as,  # type: ignore[attr-defined]
                                   seed=seed, teams=self.teams())
        except (ScenarioError, SessionFileError, ValueError, OSError) as exc:
            self.notify(f"Could not start: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                        severity="error", timeout=10)

    def open_session(self, path: Path) -> None:
        cfg = self.app.config  # type: ignore[attr-defined]
        try:
            live = LiveSession.open(path, clock=cfg.clock)
            self.app.open_session(live, self.app._role_for(live, None))  # type: ignore[attr-defined]
        except (SessionFileError, ValueError) as exc:
            self.notify(f"Could not open {path.name}: {str(exc).splitlines()[0]}", severity="error", timeout=10)
