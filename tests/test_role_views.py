"""What each role may read (engine/role_views.py), and what a team's console shows: never another team's brief or
private messages, nor control-only fields (hidden values, control's cards, expected actions, unreleased injects)."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import FIXTURES
from textual.widgets import TabbedContent

from exercise.engine.commands import Adjudicate, Send, observe
from exercise.engine.compile import load_scenario
from exercise.engine.role_views import inject_for, messages_for, role_view, values_for
from exercise.engine.roles import Actor
from exercise.live import LiveSession
from exercise.ui.app import make_app
from exercise.ui.config import AppConfig

ROLES = FIXTURES / "roles.yaml"
ALPHA, BRAVO, OBSERVER, CONTROL = Actor.team("alpha"), Actor.team("bravo"), Actor.observer(), Actor.control()
# Words that only control, or only Bravonia, may read: none may reach Alphaland's view or console.
NOT_FOR_ALPHA = ("BRAVOSECRET", "CHARLIESECRET", "BRAVOINJECT", "CONTROLCARD", "EXPECTEDNOTE", "UNRELEASED",
                 "BRAVOTOCHARLIE", "BRAVOTOCONTROL", "CONTROLTOBRAVO", "CONTROLNOTE", "Leakrisk", "leak_risk")


_SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                       r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>', re.S)


def screen_text(svg: str) -> str:
    """The characters of a Textual SVG screenshot, row by row (as tests/ui/test_markup.py reads one)."""
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


def clock() -> datetime:
    return datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A session of the roles drill, turn 1, with traffic of every kind already in the log."""
    sc = load_scenario(ROLES)
    live = LiveSession.create(tmp_path / "roles.sqlite", sc, seed=3, mode="facilitated", clock=clock,
                              teams={"alpha": "human", "bravo": "human", "charlie": "bot:cautious"})
    for actor, command in [
        (BRAVO, Send("bravo", ("charlie",), "BRAVOTOCHARLIE a private word")),
        (BRAVO, Send("bravo", ("control",), "BRAVOTOCONTROL we may defect")),
        (CONTROL, Send("control", ("bravo",), "CONTROLTOBRAVO noted")),
        (BRAVO, Send("bravo", ("alpha",), "BRAVOTOALPHA hello neighbour")),
        (BRAVO, Send("bravo", ("pact",), "BRAVOTOPACT to the Pact")),
        (CONTROL, Send("control", ("all",), "CONTROLTOALL a public line")),
        (ALPHA, Send("alpha", ("bravo",), "ALPHATOBRAVO our reply")),
        (CONTROL, Adjudicate("leak_risk", 30, "LEAKREASON a journalist calls")),
        (CONTROL, observe("O1", "CONTROLNOTE slow to share", "S")),
    ]:
        live.execute(command, actor=actor)
    yield live
    live.close()


def test_a_team_reads_its_own_brief_injects_and_messages_only(live: LiveSession) -> None:
    view = role_view(live.session, ALPHA)
    assert view.briefs == {"alpha": "ALPHABRIEF our red line is the bridge"}
    assert [v.id for v in view.injects] == ["warning", "news"]
    assert all(v.expected is None and v.objectives == [] for v in view.injects)
    said = [m.text.split()[0] for m in view.messages]
    assert said == ["BRAVOTOALPHA", "BRAVOTOPACT", "CONTROLTOALL", "ALPHATOBRAVO"]
    assert "leak_risk" not in view.values and view.values["cohesion"] == 60
    everything = repr(view)
    for word in NOT_FOR_ALPHA:
        assert word not in everything, word
    assert "ALPHAINJECT" in everything and "PUBLICNEWS" in everything  # what it may read is there


def test_another_team_reads_its_own_and_not_alphas(live: LiveSession) -> None:
    view = role_view(live.session, BRAVO)
    assert set(view.briefs) == {"bravo"}
    assert [v.id for v in view.injects] == ["bravo-only", "news"]
    everything = repr(view)
    for word in ("ALPHABRIEF", "ALPHAINJECT", "CONTROLCARD", "EXPECTEDNOTE", "CONTROLNOTE"):
        assert word not in everything, word
    for word in ("BRAVOTOCHARLIE", "BRAVOTOCONTROL", "CONTROLTOBRAVO", "ALPHATOBRAVO"):
        assert word in everything, word  # its own traffic, both ways


def test_an_inject_of_another_team_or_of_control_is_not_read_at_all(live: LiveSession) -> None:
    assert inject_for(live.session, ALPHA, "bravo-only") is None
    assert inject_for(live.session, ALPHA, "control-card") is None
    assert inject_for(live.session, ALPHA, "surprise") is None  # not released
    mine = inject_for(live.session, ALPHA, "warning")
    assert mine is not None and mine.expected is None and "ALPHAINJECT" in mine.text
    full = inject_for(live.session, CONTROL, "warning")
    assert full is not None and full.expected is not None and "EXPECTEDNOTE" in full.expected


def test_an_observer_reads_the_public_picture(live: LiveSession) -> None:
    view = role_view(live.session, OBSERVER)
    assert view.briefs == {} and view.pending == []
    assert [v.id for v in view.injects] == ["news"]
    assert [m.text.split()[0] for m in view.messages] == ["CONTROLTOALL"]
    assert "leak_risk" not in view.values
    everything = repr(view)
    for word in ("ALPHABRIEF", *NOT_FOR_ALPHA, "BRAVOTOALPHA", "ALPHATOBRAVO", "ALPHAINJECT"):
        assert word not in everything, word


def test_control_reads_everything(live: LiveSession) -> None:
    view = role_view(live.session, CONTROL)
    assert set(view.briefs) == {"alpha", "bravo", "charlie"}
    assert {"warning", "bravo-only", "control-card", "news"} <= {v.id for v in view.injects}
    assert len(messages_for(live.state, CONTROL)) == 7
    assert values_for(live.state, CONTROL)["leak_risk"] == 50
    assert "CONTROLNOTE" in repr(view)


async def test_a_teams_console_shows_nothing_that_is_not_its_own(live: LiveSession, tmp_path: Path) -> None:
    """Every tab of Alphaland's console, as drawn: none of Bravonia's brief, injects or private traffic, nor a
    control-only word; its own brief, inject and messages are there (so the check reads what is drawn)."""
    db = live.path
    live.close()
    app = make_app(AppConfig(db=db, team="alpha", workdir=tmp_path, clock=clock, poll_seconds=0.05, seed=3))
    drawn = []
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        for key, pane in zip("123456", ("inbox", "messages", "state", "brief", "history", "coalition"), strict=True):
            await pilot.press("escape", key)  # leave a text box first: the keys are then the tabs
            await pilot.pause(0.1)
            assert app.screen.query_one("#tabs", TabbedContent).active == pane
            drawn.append(screen_text(app.export_screenshot()))
        app.screen.show_inject("news")
        await pilot.pause()
        drawn.append(screen_text(app.export_screenshot()))
    screens = "\n".join(drawn)
    for word in ("ALPHABRIEF", "ALPHAINJECT", "BRAVOTOALPHA", "ALPHATOBRAVO", "CONTROLTOALL", "PUBLICNEWS"):
        assert word in screens, word
    for word in (*NOT_FOR_ALPHA, "LEAKREASON"):
        assert word not in screens, word
