"""The tabletop terminal application: routing between the launcher and the consoles, and the live poll.

`make_app(config)` is the single factory used by `tabletop play` and by the tests, so what the tests drive
is exactly what people run. The engine and the store are imported where a session is opened, not at the
top: the launcher's first frame needs neither (bench/bench_launcher.py).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from textual import events, on
from textual.app import App, SystemCommand
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer

from ..engine.diagnostics import ScenarioError
from . import text as shown
from . import textual_fixes  # noqa: F401 - its guards apply on import
from .commands import Action, ActionsProvider, bindings
from .config import AppConfig
from .errors import one_line
from .messages import SessionUpdated
from .sessions import session_there

if TYPE_CHECKING:
    from ..engine.roles import Actor
    from ..engine.state import Entry
    from ..live import LiveSession
    from .controller import SessionController

RoleKind = Literal["facilitator", "team", "solo", "hotseat", "observer"]
# A served console's quit: everything is on the server, and this page (its cookie) is the way back.
SERVED_QUIT = ("Quit this console? Everything is saved on the server as it happens. To come back, reload this page "
               "(or open the workshop's address again and type your join code): you return where you were{}.")


@dataclass(frozen=True)
class Role:
    kind: RoleKind
    nation: str | None = None  # the team's nation (team, solo); None for control and hot-seat

    def actors(self) -> tuple[Actor, Actor | None]:
        """Who this console's commands come from, and who plays the bots and the turn policy from it (None: it
        hosts nothing). Solo: the player's nation for its own commands, a stand-in control for the rest. The
        hot-seat is everyone at one shared screen: the local authority, which may act as each nation in turn."""
        from ..engine.roles import LOCAL, Actor

        if self.kind == "facilitator":
            return Actor.control(), Actor.control()
        if self.kind == "hotseat":
            return LOCAL, Actor.control()
        if self.kind == "observer":
            return Actor.observer(), None
        if self.nation is None:
            raise ValueError(f"a {self.kind} console needs its nation")
        return Actor.team(self.nation), (Actor.control() if self.kind == "solo" else None)


class TtxApp(App[None]):
    TITLE = "tabletop"
    SUB_TITLE = "tabletop policy exercises"
    CSS_PATH = "app.tcss"
    ACTIONS: ClassVar[list[Action]] = [
        # f1 and f2 before the screen's own keys, so they work in a dialog too (Textual stops the app's other
        # keys at a modal screen): F1 in a dialog lists the dialog's keys.
        Action("Help", "help", "Keys, screens and how a session works", key="f1", priority=True),
        Action("Light or dark theme", "toggle_theme", "Switch between the light and the dark theme", key="f2",
               footer="Theme", priority=True),
        Action("Quit", "quit",
               "Leave tabletop; the session is saved as it goes: with one open, it asks first and names the "
               "command that returns to it (tabletop play --db FILE)", key="ctrl+q", priority=True),
    ]
    BINDINGS = bindings(ACTIONS)
    COMMANDS = App.COMMANDS | {ActionsProvider}
    log_seq: var[int] = var(0, init=False)  # a var: a new value redraws nothing by itself
    """The last event of the open session's log: the one signal a widget drawn from the session redraws on
    (`self.watch(self.app, "log_seq", ...)`), set whenever the log changes, by this terminal or another."""

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config
        self.controller: SessionController | None = None
        self.role: Role | None = None
        self._poll_timer: Timer | None = None
        self._heartbeat: Timer | None = None
        if config.theme:
            self.theme = config.theme

    # -- start-up ----------------------------------------------------------------------------
    def _asks_for_console(self) -> bool:
        """`tabletop play --db FILE [--team NATION]`, `tabletop play SCENARIO --solo NATION` or `tabletop play
        SCENARIO --db FILE --facilitate`: straight to a console."""
        cfg = self.config
        return (cfg.db is not None and session_there(cfg.db)) or \
            (cfg.scenario is not None and (cfg.solo is not None or cfg.facilitate))

    def get_default_screen(self) -> Screen[None]:
        """The launcher is the first screen itself (not pushed over a blank one): its first frame is the
        first thing painted."""
        if self._asks_for_console():
            return super().get_default_screen()
        from .screens.launcher import LauncherScreen

        return LauncherScreen(preselect=self.config.scenario)

    def on_mount(self) -> None:
        if self._asks_for_console() and not self._open_from_config():
            from .screens.launcher import LauncherScreen

            self.push_screen(LauncherScreen(preselect=self.config.scenario))

    def _open_from_config(self) -> bool:
        """Open the console the config asks for; False (said in a notification) when that fails."""
        from ..live import LiveSession, SessionFileError

        cfg = self.config
        try:
            if cfg.db is not None and session_there(cfg.db):
                live = LiveSession.open(cfg.db, clock=cfg.clock)
                self.open_session(live, Role("observer") if cfg.observer else self._role_for(live, cfg.team))
            elif cfg.facilitate:
                assert cfg.scenario is not None
                self.start_session(cfg.scenario, "facilitated", seed=cfg.seed,
                                   teams={n: f"bot:{profile}" for n, profile in cfg.bots.items()},
                                   players=cfg.players)
            else:
                assert cfg.scenario is not None
                self.start_session(cfg.scenario, "solo", nation=cfg.solo, seed=cfg.seed)
        except (SessionFileError, ScenarioError, ValueError) as exc:
            self.notify(one_line(exc), severity="error", timeout=10)
            return False
        return True

    def _role_for(self, live: LiveSession, team: str | None) -> Role:
        started = live.state.started
        if team is not None:
            if team not in live.scenario.nations:
                raise ValueError(f"'{team}' is not a nation of {live.scenario.title} "
                                 f"(nations: {', '.join(live.scenario.nations)})")
            return Role("team", team)
        mode = started.mode if started else "facilitated"
        if mode == "solo" and started:
            human = next((n for n, who in started.teams.items() if who == "human"), None)
            return Role("solo", human)
        if mode == "hotseat":
            return Role("hotseat")
        return Role("facilitator")

    # -- sessions ----------------------------------------------------------------------------
    def new_session_path(self, scenario_id: str) -> Path:
        # The folder is left to the store, which makes it (and any missing parent) 0700 as it creates the file
        # 0600: a session holds every team's private brief and messages.
        folder = self.config.sessions
        stamp = (self.config.clock or (lambda: datetime.now(UTC)))().strftime("%Y%m%d-%H%M%S")
        base = re.sub(r"[^A-Za-z0-9_.-]", "-", scenario_id)
        path = folder / f"{base}-{stamp}.sqlite"
        n = 2
        while path.exists():
            path = folder / f"{base}-{stamp}-{n}.sqlite"
            n += 1
        return path

    def start_session(self, scenario_path: Path, mode: Literal["facilitated", "solo", "hotseat"], *,
                      nation: str | None = None, seed: int | None = None, teams: dict[str, str] | None = None,
                      db: Path | None = None, players: dict[str, str] | None = None) -> None:
        """Create a session file for a scenario and open the console for the chosen mode; `players`: who plays
        each nation, names or roles as typed at set-up (for the report)."""
        from ..engine.compile import load_scenario
        from ..live import LiveSession

        scenario = load_scenario(scenario_path, self.config.library_roots())
        if mode == "solo":
            if nation not in scenario.nations:
                raise ValueError(f"'{nation}' is not a nation of {scenario.title} "
                                 f"(nations: {', '.join(scenario.nations)})")
            teams = {**{n: f"bot:{v.bot.profile}" for n, v in scenario.nations.items()}, **(teams or {}),
                     nation: "human"}
        else:
            teams = {**{n: "human" for n in scenario.nations}, **(teams or {})}
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
        path = db or self.config.db or self.new_session_path(scenario.id)
        live = LiveSession.create(path, scenario, seed=seed, teams=teams, mode=mode, clock=self.config.clock,
                                  players=players)
        role = Role("solo", nation) if mode == "solo" else Role("hotseat") if mode == "hotseat" else \
            Role("facilitator")
        self.open_session(live, role)

    def open_session(self, live: LiveSession, role: Role) -> None:
        from ..engine.presence import HEARTBEAT_SECONDS
        from .controller import SessionController

        if self.controller is not None:
            self.controller.leave()
            self.controller.close()
        actor, host = role.actors()
        self.controller = SessionController(live, notify=lambda m, s: self.notify(m, severity=s),  # type: ignore[arg-type]
                                            actor=actor, host=host, clock=self.config.clock,
                                            workdir=self.config.workdir, served_at=self.config.served_at)
        self.controller.listeners.append(self._broadcast)
        self.role = role
        self.log_seq = self.controller.state.next_seq - 1
        self.sub_title = shown.one_line(f"{live.scenario.title} — {self.controller.path.name}")
        # Said once the console is on screen: saying it is a write to the store (an fsync, some 20 ms) that
        # nothing on the first screen waits for.
        self.call_after_refresh(self._arrive, self.controller, role)
        if self._poll_timer is None:
            self._poll_timer = self.set_interval(self.config.poll_seconds, self._poll)
        if self._heartbeat is None:
            self._heartbeat = self.set_interval(HEARTBEAT_SECONDS, self._beat)
        self.push_screen(self.screen_for(role))

    def _arrive(self, controller: SessionController, role: Role) -> None:
        if controller is self.controller:  # not a console left for another before it was drawn
            controller.arrive(role.kind, role.nation)

    def screen_for(self, role: Role) -> Screen[Any]:
        assert self.controller is not None
        if role.kind == "facilitator":
            from .screens.facilitator import FacilitatorScreen

            return FacilitatorScreen(self.controller)
        if role.kind == "hotseat":
            from .screens.handover import HandoverScreen

            return HandoverScreen(self.controller)
        if role.kind == "observer":
            from .screens.observer import ObserverScreen

            return ObserverScreen(self.controller)
        from .screens.team import TeamScreen

        assert role.nation is not None
        return TeamScreen(self.controller, role.nation, solo=role.kind == "solo")

    def _poll(self) -> None:
        if self.controller is not None:
            self.controller.poll()

    def _beat(self) -> None:
        if self.controller is not None:
            self.controller.beat()

    def _broadcast(self, entries: list[Entry]) -> None:
        if self.controller is not None:
            self.log_seq = self.controller.state.next_seq - 1
        self.screen.post_message(SessionUpdated(entries))

    # -- notifications: text, never markup ----------------------------------------------------
    def notify(self, message: str | Content, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast shows its words as written. A message often quotes a scenario, a facilitator or a
        player ('New inject: …', a refusal naming a nation), and Textual would read it as markup: so a `str`
        is plain text whatever `markup` says (Widget.notify always passes one), its control characters shown
        as pictures. Styled words are a `Content` built from spans (outside text in it a Content of its own,
        see text.py), never markup: the toast draws it as it is."""
        if isinstance(message, Content):
            # Toast renders `Content.from_markup(message)`, which returns a Content unchanged; Notification
            # is typed for a str only. (Content.markup would not do: it does not survive a round trip.)
            super().notify(cast(str, message), title=shown.one_line(title), severity=severity, timeout=timeout,
                           markup=True)
            return
        super().notify(shown.visible(message), title=shown.one_line(title), severity=severity, timeout=timeout,
                       markup=False)

    # Textual's own toasts are written in markup ('Press [b]ctrl+q[/b] to quit the app'), which notify above
    # would show as written: the two a person meets are said here again, as Content.
    def action_help_quit(self) -> None:
        """ctrl+c, the reflex to quit: Textual's hint, which key quits, in its own words."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(Content.assemble("Press ", (key, "bold"), " to quit the app"), title="Do you want to quit?")
                return

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        """The palette's Screenshot, saved: where (the default handler, on App, is skipped)."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        where = Content.assemble("Saved to ", shown.label(str(event.path))) if event.path else Content("Saved")
        self.notify(where, title="Screenshot")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette commands, but its Quit: ours (an Action of the app) says how to come back."""
        for command in super().get_system_commands(screen):
            if command.callback != self.action_quit:
                yield command

    async def on_event(self, event: events.Event) -> None:
        # A paste is the one way a control character gets into a text box (a typed ESC or ctrl+G is a key,
        # not a character): shown there as its picture, it cannot act on the terminal, and what is sent is
        # what the person saw.
        if isinstance(event, events.Paste) and not event.is_forwarded and shown.visible(event.text) != event.text:
            event = events.Paste(shown.visible(event.text))
        await super().on_event(event)

    # -- actions -----------------------------------------------------------------------------
    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):  # f1 again closes it
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # -- quitting: the session is saved as it goes; say where, and how to come back -------------
    farewell: str | None = None
    """Set by a quit with a session open: the line `tabletop play` prints once the terminal is back."""
    _quit_question: Screen[bool] | None = None

    def session_file(self) -> str | None:
        """The open session's file as the person would type it (relative to the working folder when under it)."""
        return self.controller.location() if self.controller is not None else None

    def resume_command(self) -> str | None:
        """The exact command that returns to this console (a team console's nation included); None with no
        session open."""
        if self.controller is None or (self.role is not None and self.role.kind == "observer"):
            return None  # no command opens an observer's console: it is reached through `serve` only
        team = self.role.nation if self.role and self.role.kind == "team" else None
        return self.controller.play_command(team)

    async def action_quit(self) -> None:
        """ctrl+q: in the launcher, nothing is at stake and it quits at once; with a session open it asks,
        saying where the session is and the command that comes back to it. ctrl+q again, or y, quits."""
        served = self.controller is not None and self.controller.served_at is not None
        command = None if served else self.resume_command()
        if (command is None and not served) or self.screen is self._quit_question:
            self._leave(command)
            return
        from .widgets.confirm import ConfirmScreen

        # In a browser no command is typed anywhere: the page itself (its cookie) brings the console back.
        observer = self.role is not None and self.role.kind == "observer"
        said = (SERVED_QUIT.format("" if observer else ", with anything you had not sent") if served else
                f"Quit? The session is saved in {self.session_file()}: `{command}` returns to it.")
        question = ConfirmScreen(said, yes="Quit", no="Stay")
        self._quit_question = question
        self.push_screen(question, lambda ok: self._leave(command) if ok else None)

    def _leave(self, command: str | None) -> None:
        if command is not None:
            self.farewell = f"The session is saved in {self.session_file()}: `{command}` returns to it."
        self.exit()

    # -- errors: never a traceback on screen ------------------------------------------------
    failure: str | None = None
    """Set when an unexpected error stopped the app: the one line `tabletop play` prints as it exits 1."""

    def _report_error(self, error: BaseException) -> Path | None:
        """Write the full traceback to `<sessions>/errors.log`; the screen gets one line."""
        import traceback

        where = self.config.sessions / "errors.log"
        try:
            # Private like the sessions beside it: a traceback may quote what the teams typed.
            where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            fd = os.open(where, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            with open(fd, "a", encoding="utf-8") as log:
                log.write(f"--- {stamp}\n{''.join(traceback.format_exception(error))}\n")
        except OSError:
            return None
        return where

    def _errors_are_loud(self) -> bool:
        """Under test (headless) an error fails the test instead of becoming a line."""
        return self.is_headless

    async def _dispatch_action(self, namespace, action_name, params):  # type: ignore[no-untyped-def]
        """An action (key, palette, button) that fails becomes a notification; the app carries on.
        The session loses nothing: a command is committed to the store before the screen redraws."""
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:
            if self._errors_are_loud():
                raise
            where = self._report_error(error)
            self.notify(f"Something went wrong: {one_line(error)}" + (f" (details in {where})" if where else ""),
                        severity="error", timeout=15)
            return True

    def _handle_exception(self, error: Exception) -> None:
        """Anything else that escapes: the full traceback goes to the log file, `failure` gets one line and
        how to come back, and the app exits with status 1 (Textual cannot carry on once a widget's message
        loop has failed). The line is not handed to Textual as an exit message: Rich would wrap it."""
        if self._errors_are_loud() or isinstance(error, (KeyboardInterrupt, SystemExit)):
            super()._handle_exception(error)
            return
        where = self._report_error(error)
        if self._exit:  # already quitting (a widget still mounting as the app closed): a quit, not a failure
            return
        command = self.resume_command()
        back = f" The session is saved: `{command}` returns to it." if command else ""
        self.failure = (f"tabletop stopped after an unexpected error: {one_line(error)}.{back}"
                        + (f" Details in {where}." if where else ""))
        self.exit(return_code=1)

    def on_unmount(self) -> None:
        if self.controller is not None:
            self.controller.leave()  # a clean exit: the facilitator sees this console go at once
            self.controller.close()


def make_app(config: AppConfig | None = None) -> TtxApp:
    return TtxApp(config or AppConfig())
