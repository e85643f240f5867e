"""The launcher (`tabletop play` with no scenario): pick a scenario and a mode, or resume a session.

Left, one list in two parts: the bundled and local scenarios, then the session files found in the
sessions folder and the working folder. Right: what is highlighted. For a scenario, its facts (title,
summary, nations, turns, duration) and below them the set-up form (mode, who plays each nation, seed,
Start: widgets/setup_form.py); for a session, where it stands, and Enter resumes it.

The first frame holds only the list and the facts read from the scenario files' headers; the form,
and the engine it needs to compile a scenario, come right after it (see `on_mount`), so `tabletop play`
shows what there is to play without waiting for the engine (bench/bench_launcher.py times it).
The screen is one flat grid of three widgets: every container level, and Textual's Header with its
three children, costs another round of compose and mount before that first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.diagnostics import ScenarioError
from ...resources import ScenarioInfo, all_scenarios, peek
from ..commands import Action, bindings
from ..errors import one_line
from ..sessions import SessionInfo, find_sessions, open_errors, open_live
from ..text import plain, plain_line

if TYPE_CHECKING:
    from ...engine.compile import CompiledScenario
    from ..widgets.setup_form import SetupForm


NOTE = "italic not bold dim"  # a "nothing here yet" line in the list: not a heading, though both are disabled
NO_SESSIONS = "No saved sessions yet: every session is saved as it is played, and listed here to resume."


class LauncherScreen(Screen[None]):
    # Not CSS_PATH: the launcher is the app's default screen, and Textual loads CSS_PATH only for pushed ones.
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
    ACTIONS: ClassVar[list[Action]] = [
        Action("Start or resume", "start",
               "Start the highlighted scenario in the chosen mode, or resume the highlighted session", key="s",
               footer="Start"),
        Action("Facilitated mode", "mode('facilitated')", "This terminal runs control; teams join from theirs",
               key="f", show=False),
        Action("Solo mode", "mode('solo')", "Play one nation against bots", key="o", show=False),
        Action("Hot-seat mode", "mode('hotseat')", "Teams take turns at this screen", key="t", show=False),
        Action("Resume a session", "resume", "Go to the sessions to resume", key="r", footer="Resume"),
        Action("Choose a scenario", "scenarios", "Go back to the scenarios", key="c", show=False),
    ]
    BINDINGS = bindings(ACTIONS)

    def __init__(self, preselect: Path | None = None) -> None:
        super().__init__()
        self.preselect = preselect
        self.infos: list[ScenarioInfo] = []
        self.sessions: list[SessionInfo] = []
        self.info: ScenarioInfo | None = None  # the scenario the form is set up for
        self.session: SessionInfo | None = None  # the highlighted session, if the highlight is on one
        self.compiled: CompiledScenario | None = None
        self.problem: str | None = None
        self.form: SetupForm | None = None  # mounted after the first paint
        self._mode = "solo"  # the mode asked for (f, o, t) before the form was there
        self._cache: dict[Path, CompiledScenario | str] = {}

    @property
    def mode(self) -> str:
        return self.form.mode if self.form is not None else self._mode

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        cfg = self.app.config  # type: ignore[attr-defined]
        self.infos = self._list_scenarios(cfg.workdir)
        self.sessions = find_sessions(cfg.sessions, cfg.workdir)
        self.info = self.infos[self._first_index()] if self.infos else None
        yield OptionList(*self._options(), id="choices")
        yield Static(self._info_text(self.info, None) if self.info else "", id="scenario-info")
        yield Footer()

    def _first_index(self) -> int:
        """The scenario given on the command line, else the first listed (the tutorial)."""
        if self.preselect is None:
            return 0
        pre = self.preselect.resolve()
        return next((n for n, i in enumerate(self.infos) if i.path.resolve() == pre), 0)

    def _list_scenarios(self, workdir: Path) -> list[ScenarioInfo]:
        try:
            infos = all_scenarios(workdir)
        except Exception as exc:  # one unreadable file must not take the launcher down
            self.log.error(f"listing scenarios failed: {exc!r}")
            self.notify(f"Could not list the scenarios: {exc}", severity="error", timeout=10)
            infos = []
        if self.preselect is not None:
            pre = self.preselect.resolve()
            if not any(i.path.resolve() == pre for i in infos):
                extra = peek(self.preselect, "local")
                if extra is not None:
                    infos.append(extra)
        return infos

    def _options(self) -> list[Option | None]:
        """The scenarios, then the sessions: each part under a heading (a disabled option the highlight
        skips), with an id saying what it is ("scenario-3", "session-0")."""
        out: list[Option | None] = [Option(Text("Scenarios"), disabled=True)]
        if not self.infos:
            out.append(Option(Text("No scenarios found (tabletop new NAME writes one)", style=NOTE), disabled=True))
        out += [Option(self._scenario_prompt(i), id=f"scenario-{n}") for n, i in enumerate(self.infos)]
        out += [None, Option(Text("Sessions to resume"), disabled=True)]
        if not self.sessions:
            out.append(Option(Text(NO_SESSIONS, style=NOTE), disabled=True))
        out += [Option(self._session_prompt(s), id=f"session-{n}") for n, s in enumerate(self.sessions)]
        return out

    def on_mount(self) -> None:
        if self.info is not None:
            self.highlight("scenario", self.infos.index(self.info))
        self.query_one("#choices", OptionList).focus()
        self.call_after_refresh(self._add_form)

    async def _add_form(self) -> None:
        """The set-up form, after the first paint; the highlighted scenario is compiled for it."""
        from ..widgets.setup_form import SetupForm  # after the first paint, as the form is (Select, RadioSet...)

        facts = self.query_one("#scenario-info")
        if not facts.is_attached:  # the app is closing before the launcher finished opening
            return
        form = SetupForm(mode=self._mode, seed=self.app.config.seed, id="setup")  # type: ignore[attr-defined]
        form.display = self.session is None
        await self.mount(form, after=facts)
        self.form = form
        form.display = self.session is None  # the highlight may have moved to a session while it mounted
        if self.info is not None:
            self._show_compiled(self.info)

    @staticmethod
    def _scenario_prompt(info: ScenarioInfo) -> Text:
        t = plain_line(info.title, style="bold")
        t.append("\n")
        if info.problem is not None:  # a local file that cannot be read: listed, so that it is not a mystery
            t.append("✗ does not load · local", style="dim")
            return t
        t.append(plain_line(f"{info.turns} turns · {info.duration}" + (" · local" if info.source == "local" else ""),
                            style="dim"))
        return t

    @staticmethod
    def _session_prompt(s: SessionInfo) -> Text:
        from ..widgets.setup_form import MODE_NAMES

        t = plain_line(s.title, style="bold")
        state = "ended" if s.ended else f"turn {s.turn}"
        t.append("\n")
        t.append(plain_line(f"{MODE_NAMES.get(s.mode, s.mode)} · {state} · {s.path.name}", style="dim"))
        return t

    # -- what is highlighted -----------------------------------------------------------------
    def highlight(self, kind: str, index: int) -> None:
        """Move the highlight to a scenario or a session (by its place in `infos` or `sessions`)."""
        olist = self.query_one("#choices", OptionList)
        olist.highlighted = olist.get_option_index(f"{kind}-{index}")

    def _compile(self, info: ScenarioInfo) -> CompiledScenario | str:
        from ...engine.compile import load_scenario

        if info.problem is not None:  # its header did not read: the whole file will not either
            return one_line(ScenarioError([info.problem]))
        if info.path not in self._cache:
            try:
                self._cache[info.path] = load_scenario(info.path, self.app.config.library_roots())  # type: ignore[attr-defined]
            except (ScenarioError, OSError, ValueError) as exc:
                self._cache[info.path] = one_line(exc)
        return self._cache[info.path]

    def show_scenario(self, index: int) -> None:
        info = self.infos[index]
        back_from_session, self.session = self.session is not None, None
        if self.form is not None:
            self.form.display = True
        if info is self.info:
            if back_from_session:  # the facts showed the session: the scenario's again
                self._show_facts()
            return
        self.info, self.compiled, self.problem = info, None, None
        self._show_facts()
        if self.form is not None:
            self._show_compiled(info)

    def show_session(self, index: int) -> None:
        self.session = self.sessions[index]
        if self.form is not None:
            self.form.display = False  # the form sets up a new session: not this one
        self.query_one("#scenario-info", Static).update(self._session_text(self.session))

    def _show_facts(self) -> None:
        """The highlighted scenario's facts, and why it does not load if it does not."""
        assert self.info is not None
        self.query_one("#scenario-info", Static).update(self._info_text(self.info, self.problem))

    def _show_compiled(self, info: ScenarioInfo) -> None:
        assert self.form is not None
        loaded = self._compile(info)
        self.compiled = loaded if not isinstance(loaded, str) else None
        self.problem = loaded if isinstance(loaded, str) else None
        if self.problem and self.session is None:
            self._show_facts()
        self.form.show(self.compiled)

    @staticmethod
    def _info_text(info: ScenarioInfo, problem: str | None) -> Text:
        t = Text()
        t.append(plain_line(info.title, style="bold"))
        t.append("\n")
        if info.problem is not None:
            t.append(plain(f"\nLocal file: {info.path}", style="dim"))
            t.append("\n\n✗ This file does not load: ", style="bold")
            t.append(plain(one_line(ScenarioError([info.problem]))))
            return t
        if info.summary:
            t.append(plain(info.summary + "\n"))
        t.append("\nNations: ", style="bold")
        t.append(plain_line(", ".join(info.nations) or "none"))
        if info.organisations:
            t.append("\nOrganisations: ", style="bold")
            t.append(plain_line(", ".join(info.organisations)))
        t.append("\nTurns: ", style="bold")
        t.append(f"{info.turns}   ")
        t.append("Estimated duration: ", style="bold")
        t.append(plain_line(info.duration))
        if info.source == "local":
            t.append(plain(f"\nLocal file: {info.path}", style="dim"))
        if problem:
            t.append("\n\n✗ This scenario does not load: ", style="bold")
            t.append(plain(problem))
        return t

    @staticmethod
    def _session_text(s: SessionInfo) -> Text:
        from ..widgets.setup_form import MODE_NAMES

        t = Text()
        t.append(plain_line(s.title, style="bold"))
        t.append("\n")
        t.append("\nMode: ", style="bold")
        t.append(MODE_NAMES.get(s.mode, s.mode))
        t.append("\nWhere it stands: ", style="bold")
        t.append("ended (resume it for the debrief and the hot wash)" if s.ended else f"turn {s.turn}")
        t.append("\nEvents logged: ", style="bold")
        t.append(str(s.events))
        t.append("\nFile: ", style="bold")
        t.append(plain(str(s.path)))
        t.append("\n\nEnter or s resumes it where it was left.", style="dim")
        return t

    # -- events ------------------------------------------------------------------------------
    @staticmethod
    def _item(option_id: str | None) -> tuple[str, int] | None:
        if option_id is None:
            return None
        kind, _, index = option_id.partition("-")
        return kind, int(index)

    @on(OptionList.OptionHighlighted, "#choices")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        item = self._item(event.option.id)
        if item is not None:
            (self.show_scenario if item[0] == "scenario" else self.show_session)(item[1])

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        item = self._item(event.option.id)
        if item is None:
            return
        if item[0] == "session":
            self.open_session(self.sessions[item[1]].path)
        elif self.form is not None:
            self.form.query_one("#mode").focus()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    # -- actions -----------------------------------------------------------------------------
    def action_mode(self, mode: str) -> None:
        if self.session is not None:  # a mode is for a new session: back to the scenario it would start
            self.action_scenarios()
        if self.form is not None:
            self.form.set_mode(mode)
        else:
            self._mode = mode

    def action_resume(self) -> None:
        if not self.sessions:
            self.notify(NO_SESSIONS, severity="information")
            return
        if self.session is None:
            self.highlight("session", 0)
        self.query_one("#choices", OptionList).focus()

    def action_scenarios(self) -> None:
        if self.info is not None:
            self.highlight("scenario", self.infos.index(self.info))
        self.query_one("#choices", OptionList).focus()

    def action_start(self) -> None:
        if self.session is not None:
            self.open_session(self.session.path)
            return
        form = self.form
        if form is None:  # the first frame is up, the form follows within a moment
            self.notify("The scenario is still loading; press s again in a moment.", severity="information")
            return
        if self.info is None or self.compiled is None:
            self.notify(self.problem or "Choose a scenario first.", severity="warning")
            return
        if form.mode == "solo" and not form.play_as:
            self.notify("Choose the nation you will play.", severity="warning")
            return
        try:
            seed = form.seed()
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        try:
            self.app.start_session(self.info.path, form.mode, nation=form.play_as,  # type: ignore[attr-defined]
                                   seed=seed, teams=form.teams(), players=form.who_plays())
        except open_errors() as exc:
            self.notify(f"Could not start: {one_line(exc)}",
                        severity="error", timeout=10)

    def open_session(self, path: Path) -> None:
        cfg = self.app.config  # type: ignore[attr-defined]
        try:
            live = open_live(path, cfg.clock)
            self.app.open_session(live, self.app._role_for(live, None))  # type: ignore[attr-defined]
        except open_errors() as exc:
            self.notify(f"Could not open {path.name}: {one_line(exc)}", severity="error", timeout=10)
