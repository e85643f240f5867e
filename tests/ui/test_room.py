"""The console that runs the room: where the session file is, the command each team types to join, who is
connected and when each team last acted (presence, kept beside the log and never in it)."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _play_support import DRILL, until
from textual.widgets import Static

from exercise.engine.compile import load_scenario
from exercise.engine.presence import GONE_AFTER_SECONDS, Seat, ago, connected, room
from exercise.live import LiveSession
from exercise.store import EventStore
from exercise.ui.app import make_app
from exercise.ui.config import AppConfig
from exercise.ui.screens.join import IF_NOTHING_PASTES, JoinScreen
from exercise.ui.widgets.team_status import TeamStatusPanel

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


class Clock:
    """The wall clock of one test: the store stamps with it and presence reads 'now' from it."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def session(path: Path, clock: Clock, teams: dict[str, str] | None = None) -> Path:
    sc = load_scenario(DRILL)
    live = LiveSession.create(path, sc, seed=7, teams=teams or {n: "human" for n in sc.nations},
                              mode="facilitated", clock=clock)
    live.execute(lambda s: s.send("kessland", ["norvia"], "Indicators follow."))
    live.close()
    return path


def app(db: Path, workdir: Path, clock: Clock, team: str | None = None):  # type: ignore[no-untyped-def]
    return make_app(AppConfig(db=db, team=team, clock=clock, poll_seconds=0.05, workdir=workdir, seed=7))


def panel_text(app) -> str:  # type: ignore[no-untyped-def]
    """The Teams tab as drawn."""
    return "\n".join(line.plain for line in app.screen.query_one("#teams-panel", TeamStatusPanel)._lines)


def presence_rows(db: Path) -> dict[str, str]:
    with EventStore.open(db, write=False) as store:
        return {k: e.value for k, e in store.side("presence").items()}


# -- the words, on their own ---------------------------------------------------------------------------


def test_how_long_ago_in_words() -> None:
    assert [ago(T0 - timedelta(seconds=s), T0) for s in (5, 61, 150, 3600, 3900, 90_000)] == [
        "just now", "1 min ago", "2 min ago", "1 h ago", "1 h 5 min ago", "1 day ago"]


def test_a_console_not_heard_from_for_three_heartbeats_is_gone() -> None:
    seat = Seat("team", "norvia", 12, "host", T0.isoformat(), seen="2025-03-01T09:30:00.000Z")
    assert connected(seat, T0 + timedelta(seconds=GONE_AFTER_SECONDS))
    assert not connected(seat, T0 + timedelta(seconds=GONE_AFTER_SECONDS + 1))


def test_the_room_counts_consoles_and_says_when_each_team_acted(tmp_path: Path) -> None:
    clock = Clock()
    live = LiveSession.open(session(tmp_path / "s.sqlite", clock), clock=clock)
    seen = "2025-03-01T09:30:00.000Z"
    seats = [Seat("team", "norvia", 1, "a", seen, seen=seen), Seat("team", "norvia", 2, "b", seen, seen=seen),
             Seat("team", "aldmark", 3, "c", seen, seen=seen), Seat("facilitator", None, 4, "d", seen, seen=seen)]
    words = {p.nation: (p.connection, p.acted) for p in room(live.state, seats, T0 + timedelta(minutes=2))}
    live.close()
    assert words == {"norvia": ("lost contact 2 min ago", "has not acted yet"),
                     "kessland": ("not connected", "acted 2 min ago"),  # its message, at the log's own wall time
                     "aldmark": ("lost contact 2 min ago", "has not acted yet")}
    words = {p.nation: p.connection for p in room(live.state, seats, T0 + timedelta(seconds=3))}
    assert words["norvia"] == "2 consoles connected" and words["aldmark"] == "connected"


def test_a_record_tabletop_did_not_write_is_not_counted() -> None:
    assert Seat.from_side("[1, 2]", "x") is None
    assert Seat.from_side('{"role": "team", "pid": "12"}', "x") is None
    assert Seat.from_side("{" * 100_000, "x") is None


# -- the facilitator's console ----------------------------------------------------------------------------


async def test_the_console_shows_the_session_file_and_each_teams_join_command(tmp_path: Path) -> None:
    clock = Clock()
    folder = tmp_path / "my sessions"
    folder.mkdir()
    db = session(folder / "drill 1.sqlite", clock, teams={"norvia": "human", "kessland": "human",
                                                           "aldmark": "bot:cautious"})
    control = app(db, tmp_path, clock)
    async with control.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        shown = panel_text(control)
        assert "Session file my sessions/drill 1.sqlite" in shown  # as typed from where tabletop started
        command = "tabletop play --db 'my sessions/drill 1.sqlite' --team norvia"
        assert command in shown and shlex.split(command)[3] == "my sessions/drill 1.sqlite"
        assert "--team kessland" in shown and "--team aldmark" not in shown  # a bot's nation joins nobody
        assert "acted just now" in shown and "has not acted yet" in shown

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(control.screen, JoinScreen)
        where = str(control.screen.query_one("#join-where", Static).render())
        assert "my sessions/drill 1.sqlite" in where
        await pilot.press("down", "enter")
        await pilot.pause()
        assert control.clipboard == "tabletop play --db 'my sessions/drill 1.sqlite' --team kessland"
        toast = [n.message for n in control._notifications][-1]
        assert "Copied Kessland's join command" in toast and IF_NOTHING_PASTES in toast
        await pilot.press("escape", "f1")
        await pilot.pause()
        help_text = str(control.screen.query_one("#help-session", Static).render())
        assert "Session file: my sessions/drill 1.sqlite" in help_text
        assert "This console returns with: tabletop play --db 'my sessions/drill 1.sqlite'" in help_text
        assert f"Republic of Norvia: {command}" in help_text


async def test_the_facilitator_sees_a_team_console_come_and_go(tmp_path: Path) -> None:
    clock = Clock()
    db = session(tmp_path / "s.sqlite", clock)
    control = app(db, tmp_path, clock)
    async with control.run_test(size=(120, 40)) as cp:
        await cp.press("2")
        panel = control.screen.query_one("#teams-panel", TeamStatusPanel)
        assert "Republic of Norvia" in panel_text(control)
        assert "○ not connected" in panel_text(control).split("Republic of Norvia")[1].split("\n")[1]
        team = app(db, tmp_path, clock, team="norvia")
        async with team.run_test(size=(120, 40)) as tp:
            await tp.pause()
            [record] = [v for v in presence_rows(db).values() if '"nation": "norvia"' in v]
            assert '"role": "team"' in record and '"host"' in record and '"pid"' in record
            panel.refresh_from_state(force=True)  # the panel's own heartbeat, without waiting 5 s
            norvia = panel_text(control).split("Republic of Norvia")[1]
            assert norvia.split("\n")[1].strip().startswith("● connected")
            await tp.press("m")
            for key in "On our way":
                await tp.press("space" if key == " " else key)
            await tp.press("enter")
            assert await until(cp, lambda: "Republic of Norvia → " in panel_text(control))
            clock.now += timedelta(minutes=3)
            panel.refresh_from_state(force=True)
            # Not heard from since (the test's clock moved, its heartbeat did not): gone, and when it last acted.
            line = panel_text(control).split("Republic of Norvia")[1].split("\n")[1]
            assert "lost contact 3 min ago" in line and "acted 3 min ago" in line
        # A clean exit takes the record away at once.
        assert not [v for v in presence_rows(db).values() if '"nation": "norvia"' in v]
        panel.refresh_from_state(force=True)
        assert "○ not connected" in panel_text(control).split("Republic of Norvia")[1].split("\n")[1]
    assert presence_rows(db) == {}  # the facilitator's own record went with it
