"""Text from a scenario, a facilitator or a player is shown as text on every screen, never read as markup.

A scenario whose every field holds markup ('[/]' stops Textual with a MarkupError, '[@click=app.quit]'
becomes an action, '[UPDATE]' and '[bold red]' silently vanish) and raw control characters (an ESC
sequence that would clear the terminal, a bell) is played through every screen and dialog: the
launcher, the facilitator console with its tabs and dialogs, the hot wash, a team console with its tabs,
solo play and its debrief, the hot-seat handover, help and the command palette. Facilitator text (a
written inject, an adjudication reason, an observation, a pause reason, an end reason) and player text (a
message, a rationale) carry the same payload. On each screen the app must still be running and the
brackets must be on screen as written: read from the screenshot a person would see, not from widgets.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _play_support import app_for, until
from textual import events
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, TabbedContent

from exercise.engine.compile import load_scenario
from exercise.engine.session import Session
from exercise.engine.state import Entry
from exercise.engine.text import visible
from exercise.live import LiveSession
from exercise.ui.app import TtxApp
from exercise.ui.screens import team as team_screen
from exercise.ui.screens.debrief import DebriefScreen
from exercise.ui.screens.dialogs import (
    AdjudicateDialog,
    ConfirmDialog,
    ObservationDialog,
    RehearseDialog,
    WriteInjectDialog,
)
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.handover import HandoverScreen
from exercise.ui.screens.help import HelpScreen
from exercise.ui.screens.hotwash import HotWashScreen
from exercise.ui.screens.launcher import LauncherScreen
from exercise.ui.screens.team import TeamScreen
from exercise.ui.text import label, plain, plain_line
from exercise.ui.widgets.confirm import ConfirmScreen

PAYLOAD = "[/] [@click=app.quit]x[/] [UPDATE] [bold red]x[/] \x1b[2J\x07"
# What a person must read: every bracket as written, the controls as their Unicode pictures.
PIECES = ("[@click=app.quit]x[/]", "[UPDATE]", "[bold red]x[/]", "␛[2J␇")
WIDE = (200, 60)  # wide enough that most fields show whole; the facilitator's side panels are in view


def hostile(tag: str) -> str:
    """The payload behind a tag naming the field, so a test can tell which field it sees."""
    return f"{tag}{PAYLOAD}"


def seen(tag: str) -> str:
    """`hostile(tag)` as a person reads it: its control characters as their pictures."""
    return visible(hostile(tag))


def q(tag: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's) holding `hostile(tag)`."""
    return json.dumps(hostile(tag))


def scenario_text() -> str:
    return f"""ttx: 1
id: hostile
title: {q("TITLE")}
summary: {q("SUMMARY")}
brief: {q("SITUATION")}
clock: {{start: "D+0 06:00", step: 6h, turns: 3}}
objectives:
  - {{id: O1, text: {q("OBJECTIVE")}, capability: {q("CAPABILITY")}}}
nations:
  - id: norvia
    name: {q("NORVIA")}
    brief: {q("PRIVATE")}
    capabilities: {{{q("CAPKEY")}: 3}}
  - {{id: kessland, name: {q("KESSLAND")}, bot: {{profile: self-interested}}}}
organisations:
  - {{id: nac, name: {q("ORGANISATION")}, members: [norvia, kessland], decides: consensus}}
state:
  cohesion: {{start: 60, label: {q("COHESION")}}}
  support: {{per: nation, start: 55, label: {q("SUPPORT")}}}
  trust: {{per: pair, start: 50, label: {q("TRUST")}}}
injects:
  - id: grid-down
    title: {q("INJECT")}
    at: turn 1
    to: [norvia]
    from: {q("SENDER")}
    objective: O1
    text: {q("TEXT")}
    expected: {q("EXPECTED")}
    decision:
      prompt: {q("PROMPT")}
      options:
        - id: share
          label: {q("SHARE")}
          requires: "trust[norvia][kessland] >= 90"
          unavailable: {q("WHYNOT")}
          effects: {{cohesion: +5, "support[norvia]": +1}}
        - id: wait
          label: {q("WAIT")}
          effects: {{cohesion: -3}}
          outcomes:
            - {{p: 1, text: {q("OUTCOME")}}}
      default: wait
  - id: summit
    title: {q("SUMMIT")}
    at: turn 1
    to: [nac]
    text: {q("MEETS")}
    decision:
      options:
        - {{id: act, label: {q("ACT")}, effects: {{cohesion: +10}}}}
        - {{id: stall, label: {q("STALL")}, effects: {{cohesion: -10}}}}
      default: stall
  - id: later
    title: {q("LATER")}
    manual: true
    to: all
    text: {q("LATERTEXT")}
endings:
  - {{id: holds, title: {q("ENDING")}, when: "cohesion >= 0", text: {q("ENDTEXT")}}}
"""


def clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def keys_right_after_typing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A team console takes a letter typed just after leaving a text box for more typing, for a moment of
    the machine's own time; these tests press shortcuts right after pasting, so that moment is none."""
    monkeypatch.setattr(team_screen, "TYPING_PAUSE", 0.0)


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(scenario_text(), encoding="utf-8")
    return path


Step = Callable[[Session], list[Entry]]


def session(tmp_path: Path, scenario: Path, *steps: Step, mode: str = "facilitated") -> Path:
    """A session file of the hostile scenario, people at every nation, with some steps played as another
    terminal (or `tabletop run`) would play them."""
    db = tmp_path / "sessions" / "hostile.sqlite"
    db.parent.mkdir(exist_ok=True)
    sc = load_scenario(scenario)
    live = LiveSession.create(db, sc, seed=7, teams={n: "human" for n in sc.nations}, mode=mode, clock=clock)
    try:
        for step in steps:
            live.execute(step)
    finally:
        live.close()
    return db


def from_outside(db: Path, step: Step) -> None:
    live = LiveSession.open(db, clock=clock)
    try:
        live.execute(step)
    finally:
        live.close()


# -- reading the screen as a person does ----------------------------------------------------------------
_SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                       r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>', re.S)


def screen_text(svg: str) -> str:
    """The characters of a Textual SVG screenshot, row by row, each run of text at its own column."""
    rows: dict[int, list[tuple[float, str]]] = defaultdict(list)
    cell = 0.0
    for x, length, row, raw in _SVG_TEXT.findall(svg):
        text = html.unescape(raw).replace("\xa0", " ")
        if not cell and text:
            cell = float(length) / len(text)
        rows[int(row)].append((float(x), text))
    out = []
    for n in sorted(rows):
        line = ""
        for x, text in sorted(rows[n]):
            line = line.ljust(round(x / cell)) + text
        out.append(line.rstrip())
    return "\n".join(out)


async def look(pilot: Pilot[None], *tags: str, whole: bool = True) -> str:
    """The screen after things settle: the app still runs, nothing has asked it to quit, no control
    character reaches the terminal, each tagged field starts with its brackets as written and (`whole`)
    every piece of the payload is there to read. Toasts are read by `toasts`, then put away: a toast in
    the corner must not hide what this looks for."""
    app = pilot.app
    app.clear_notifications()
    await pilot.pause()
    assert app.is_running and app.return_code is None  # nothing has asked the app to quit
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "\x07" not in svg, "a raw control character reached the screen"
    text = screen_text(svg)
    for tag in tags:
        assert f"{tag}[/]" in text, f"{tag} is not shown as written on {type(app.screen).__name__}:\n{text}"
    if whole:
        for piece in PIECES:
            assert piece in text, f"{piece!r} is missing on {type(app.screen).__name__}:\n{text}"
    return text


def toasts(app: TtxApp) -> str:
    """The notifications on screen (run_test shows them only when asked to), as their words."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def tab(pilot: Pilot[None], name: str) -> None:
    """Click a tab of the team console, as a person does, and wait until it is the one shown."""
    await pilot.click(f"#--content-tab-{name}")
    assert await until(pilot, lambda: pilot.app.screen.query_one("#tabs", TabbedContent).active == name)


async def paste(pilot: Pilot[None], selector: str, text: str) -> None:
    """Paste `text` into a text box as a terminal does (a paste is how control characters get typed)."""
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


# -- the launcher -------------------------------------------------------------------------------------
async def test_launcher_lists_and_describes_the_scenario_and_its_session_as_written(tmp_path: Path,
                                                                                     scenario: Path) -> None:
    session(tmp_path, scenario)
    app = app_for(tmp_path, scenario=scenario)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await until(pilot, lambda: app.screen.query("#setup Select"))
        assert isinstance(app.screen, LauncherScreen)
        await look(pilot, "TITLE", "SUMMARY", "ORGANISATION")
        await press(pilot, "o")  # solo: the form names the nations to play
        await look(pilot, "NORVIA", "KESSLAND")
        await press(pilot, "r")  # the session to resume: its scenario's title
        text = await look(pilot, "TITLE")
        assert "hostile.sqlite" in text


# -- the facilitator ------------------------------------------------------------------------------------
def played(s: Session) -> list[Entry]:
    """Player text from the teams' terminals, and a pause with a reason from control's."""
    out = []
    out += s.send("kessland", ["norvia", "control"], hostile("MESSAGE"))
    out += s.decide("norvia", "grid-down", "wait", hostile("RATIONALE"))
    out += s.pause(hostile("PAUSE"))
    out += s.resume()
    return out


async def test_facilitator_console_tabs_show_every_text_as_written(tmp_path: Path, scenario: Path) -> None:
    db = session(tmp_path, scenario, played)
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        # The MSEL with grid-down's card beside it, every team's status and the state beside the tabs.
        await look(pilot, "INJECT", "SENDER", "TEXT", "PROMPT", "SHARE", "WHYNOT", "WAIT", "OUTCOME",
                   "EXPECTED", "COHESION", "SUPPORT", "TRUST")
        await press(pilot, "4")
        await look(pilot, "MESSAGE")
        await press(pilot, "5")
        await look(pilot, "PAUSE", "RATIONALE", "INJECT")
        await press(pilot, "6")
        await look(pilot, "OBJECTIVE", whole=False)


async def test_facilitator_dialogs_take_and_show_text_as_written(tmp_path: Path, scenario: Path) -> None:
    db = session(tmp_path, scenario, played)
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        # Rehearse grid-down: a tab per reader, named by its nation, and the card as it reads.
        await press(pilot, "v")
        assert isinstance(app.screen, RehearseDialog)
        await look(pilot, "NORVIA", "INJECT", "TEXT", "SHARE", "WHYNOT")
        await press(pilot, "escape")

        # Write an inject on the spot, with markup in its title and text.
        await press(pilot, "w")
        dialog = app.screen
        assert isinstance(dialog, WriteInjectDialog)
        await look(pilot, "NORVIA", "KESSLAND", "ORGANISATION", whole=False)  # the recipients' ticks
        dialog.query_one("#to-norvia", Checkbox).value = True
        await paste(pilot, "#title", hostile("WRITTEN"))
        await paste(pilot, "#text", hostile("WRITTENTEXT"))
        await look(pilot, "WRITTEN", "WRITTENTEXT", whole=False)  # in the boxes: pictures, not controls
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FacilitatorScreen)
        assert app.controller is not None and app.controller.state.written["control-1"].title == seen("WRITTEN")
        await look(pilot, "WRITTEN", "WRITTENTEXT")

        # Adjudicate, with markup in the reason; the variable's label in the choice and the preview.
        await press(pilot, "j")
        dialog = app.screen
        assert isinstance(dialog, AdjudicateDialog)
        dialog.query_one("#key", Select).value = "cohesion"
        dialog.query_one("#change", Input).value = "+1"
        await paste(pilot, "#reason", hostile("ADJUDICATION"))
        await look(pilot, "COHESION")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FacilitatorScreen)
        assert await until(pilot, lambda: seen("COHESION") in toasts(app))
        await look(pilot, "COHESION")
        await press(pilot, "5")
        await look(pilot, "ADJUDICATION", "WRITTEN")

        # An observation against the objective the dialog names as written.
        await press(pilot, "o")
        dialog = app.screen
        assert isinstance(dialog, ObservationDialog)
        await look(pilot, "OBJECTIVE", whole=False)
        await paste(pilot, "#text", hostile("OBSERVATION"))
        await press(pilot, "ctrl+s")
        await press(pilot, "6")
        await look(pilot, "OBJECTIVE", "OBSERVATION")

        # Retract: the confirmation quotes the event it takes back.
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmDialog)
        await look(pilot, "OBSERVATION")
        await press(pilot, "escape")

        # Advance: the confirmation lists the decisions that will take their default.
        await press(pilot, "a")
        assert isinstance(app.screen, ConfirmDialog)
        await look(pilot, "NORVIA", "KESSLAND", "ORGANISATION", "SUMMIT", "STALL")
        await press(pilot, "escape")

        # End, with markup in the reason: the confirmation names the ending, then the hot wash.
        await press(pilot, "e")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await look(pilot, "ENDING", whole=False)
        await paste(pilot, "#reason", hostile("ENDREASON"))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HotWashScreen)
        await look(pilot, "TITLE", "ENDING", "OBJECTIVE", "CAPABILITY")
        await paste(pilot, "#general", hostile("HOTWASH"))
        await press(pilot, "ctrl+s")
        await look(pilot, "HOTWASH")
        await press(pilot, "escape")
        assert isinstance(app.screen, FacilitatorScreen)
        await press(pilot, "5")
        await look(pilot, "ENDREASON", "HOTWASH", whole=False)


async def test_help_and_the_command_palette_stay_text(tmp_path: Path, scenario: Path) -> None:
    db = session(tmp_path, scenario, played)
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        await look(pilot, whole=False)
        await press(pilot, "escape")
        await press(pilot, "ctrl+p")
        text = await look(pilot, whole=False)
        assert "Advance the clock  [a]" in text and "Rehearse the inject  [v]" in text  # the keys: not tags
        await pilot.press(*"adj")
        assert await until(pilot, lambda: "Adjudicate  [j]" in screen_text(app.export_screenshot()))
        await look(pilot, whole=False)
        await press(pilot, "escape")
        assert isinstance(app.screen, FacilitatorScreen)


def test_every_action_reads_the_same_through_the_palette_markup() -> None:
    """The palette reads an action's help (and highlights its title) as markup: our own words must
    therefore hold nothing markup would take."""
    for holder in (FacilitatorScreen, TeamScreen, HandoverScreen, HotWashScreen, DebriefScreen, LauncherScreen,
                   HelpScreen, TtxApp):
        for a in holder.ACTIONS:
            assert Content.from_markup(a.help).plain == a.help, a.help
            assert Content.from_markup(a.title).plain == a.title, a.title


# -- a team -------------------------------------------------------------------------------------------
async def test_team_console_shows_every_text_as_written(tmp_path: Path, scenario: Path) -> None:
    db = session(tmp_path, scenario, lambda s: s.send("kessland", ["norvia"], hostile("MESSAGE")))
    app = app_for(tmp_path, db=db, team="norvia")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        text = await look(pilot, "NORVIA", "TITLE", "INJECT", "SENDER", "TEXT", "PROMPT", "SHARE", "WHYNOT", "WAIT")
        # A click on the 'x' that '[@click=app.quit]x' would have made a button: it is only a letter.
        row, line = next((n, line) for n, line in enumerate(text.splitlines()) if "TEXT[/] [@click" in line)
        await pilot.click(offset=(line.index("TEXT[/] [@click") + len("TEXT[/] [@click=app.quit]"), row))
        await look(pilot, "TEXT")
        # Decide, with markup in the rationale: the toast quotes the option and the inject.
        await press(pilot, "d", "enter")
        await paste(pilot, "#decision .rationale", hostile("RATIONALE"))
        await press(pilot, "enter")
        assert app.controller is not None and app.controller.state.chosen[("grid-down", "norvia")] == "wait"
        assert await until(pilot, lambda: seen("WAIT") in toasts(app) and seen("INJECT") in toasts(app))
        await look(pilot, "SUMMIT", "MEETS", "ACT", "STALL", "ORGANISATION")  # the next decision comes up
        await press(pilot, "j")
        assert isinstance(app.screen, TeamScreen) and app.screen.current == "grid-down"
        await look(pilot, "RATIONALE", "OUTCOME")
        # An inject released from control's terminal arrives with a toast naming it.
        from_outside(db, lambda s: s.release("later"))
        assert await until(pilot, lambda: "LATER[/]" in toasts(app))
        await look(pilot, "LATER")
        await press(pilot, "2")
        await look(pilot, "MESSAGE", "KESSLAND")
        await paste(pilot, ".message-text", hostile("REPLY"))
        await press(pilot, "enter")
        await look(pilot, "REPLY")
        await tab(pilot, "state")  # by the mouse: the focus is in the message box, where digits are typed
        await look(pilot, "COHESION", "SUPPORT", "TRUST", whole=False)
        await tab(pilot, "brief")
        await look(pilot, "NORVIA", "PRIVATE", "CAPKEY", "ORGANISATION", "SITUATION", whole=False)
        await tab(pilot, "history")
        await look(pilot, "RATIONALE", "REPLY")
        from_outside(db, lambda s: s.decide("kessland", "summit", "act", hostile("VOTE")))
        await tab(pilot, "coalition")
        assert await until(pilot, lambda: "VOTE[/]" in screen_text(app.export_screenshot()))
        await look(pilot, "VOTE", "KESSLAND")


# -- solo and the debrief ---------------------------------------------------------------------------------
async def test_solo_to_the_debrief_shows_every_text_as_written(tmp_path: Path, scenario: Path) -> None:
    app = app_for(tmp_path, scenario=scenario, solo="norvia", db=tmp_path / "solo.sqlite")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        await press(pilot, "d", "enter")
        await paste(pilot, "#decision .rationale", hostile("RATIONALE"))
        await press(pilot, "enter")
        await press(pilot, "j")
        await look(pilot, "RATIONALE", "NORVIA")
        for _ in range(10):  # end turns (confirming over the open vote) until the exercise ends
            if app.controller is None or app.controller.state.ended is not None:
                break
            await press(pilot, "e")
            if isinstance(app.screen, ConfirmScreen):
                await look(pilot, whole=False)
                await press(pilot, "y")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        assert isinstance(app.screen, DebriefScreen)
        await look(pilot, "ENDING", "ENDTEXT", "INJECT", "WAIT", "COHESION", "TITLE")


# -- hot-seat -----------------------------------------------------------------------------------------------
async def test_hotseat_handover_names_each_team_as_written(tmp_path: Path, scenario: Path) -> None:
    db = session(tmp_path, scenario, mode="hotseat")
    app = app_for(tmp_path, db=db)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HandoverScreen)
        await look(pilot, "NORVIA", "KESSLAND", "TITLE")
        await press(pilot, "a")  # not every team has had its go: the question names them
        assert isinstance(app.screen, ConfirmScreen)
        await look(pilot, "NORVIA", "KESSLAND")
        await press(pilot, "n")
        await press(pilot, "enter")
        assert isinstance(app.screen, TeamScreen)
        await look(pilot, "NORVIA", "INJECT")
        await press(pilot, "h")
        assert isinstance(app.screen, HandoverScreen)
        await look(pilot, "KESSLAND")


# -- the helpers every widget uses ----------------------------------------------------------------------------
def test_plain_keeps_brackets_and_shows_controls_as_pictures() -> None:
    text = plain("[bold red]x[/] \x1b[2J\x07\nnext line", style="italic")
    assert text.plain == "[bold red]x[/] ␛[2J␇\nnext line"
    assert not text.spans and str(text.style) == "italic"  # no style read out of the brackets
    assert plain_line("  a\n[b]  c  ").plain == "a [b] c"
    assert label("[@click=app.quit]x[/]\x1b").plain == "[@click=app.quit]x[/]␛"
