"""The launcher: scenarios with their facts, sessions to resume, and each mode started from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _play_support import MINI, SIZES, TUTORIAL, app_for, new_session, steady
from textual.widgets import Input, OptionList, Select, Static

from exercise.resources import all_scenarios
from exercise.ui.screens import launcher as launcher_mod
from exercise.ui.screens.handover import HandoverScreen
from exercise.ui.screens.launcher import LauncherScreen
from exercise.ui.screens.team import TeamScreen


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(MINI, tmp_path / "mini.yaml")  # a local scenario in the working folder
    return tmp_path


def info_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#scenario-info", Static).render())


async def test_lists_bundled_and_local_scenarios_with_their_facts(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LauncherScreen)
        screen = app.screen
        titles = [i.title for i in screen.infos]
        assert "Mini" in titles
        if TUTORIAL.exists():
            assert "Tutorial: Harbour Lights" in titles
        mini = titles.index("Mini")
        assert screen.infos[mini].source == "local"
        screen.highlight("scenario", mini)
        await pilot.pause()
        text = info_text(app)
        assert "Mini" in text and "Nations: Norvia, Kessland" in text
        assert "Organisations: North Atlantic Compact" in text
        assert "Turns: 3" in text and "Estimated duration: ~1h00" in text
        choices = screen.query_one("#choices", OptionList)  # nothing to resume: a line the highlight skips
        note = choices.get_option_at_index(choices.option_count - 1)
        assert "No saved sessions yet" in str(note.prompt) and note.disabled
        await pilot.press("r")
        await pilot.pause()
        assert any("No saved sessions yet" in str(n.message) for n in app._notifications)


async def test_first_frame_lists_scenarios_and_facts_and_the_form_follows(workdir: Path) -> None:
    """The first frame painted holds the lists and the highlighted scenario's facts; the set-up form (and
    the engine it needs) comes right after it, so `tabletop play` shows what there is to play at once."""
    app = app_for(workdir)
    first: list[tuple[str, bool, str]] = []
    display = app._display

    def watch(screen, renderable):  # type: ignore[no-untyped-def]
        display(screen, renderable)
        if renderable is not None and not first:
            form = screen.query("#setup")
            facts = str(screen.query_one("#scenario-info", Static).render()) if isinstance(screen, LauncherScreen) \
                else ""
            first.append((type(screen).__name__, bool(form), facts))

    app._display = watch  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert first, "nothing was painted"
        name, had_form, facts = first[0]
        assert name == "LauncherScreen" and not had_form
        if TUTORIAL.exists():
            assert "Tutorial: Harbour Lights" in facts and "Estimated duration" in facts
        screen = app.screen
        assert screen.form is not None and screen.compiled is not None
        assert not screen.query_one("#start").disabled


async def test_start_before_the_form_is_there_says_so(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, LauncherScreen)
        said: list[str] = []
        screen.notify = lambda message, **kw: said.append(message)  # type: ignore[method-assign]
        if screen.form is None:  # on a fast machine the form may already be in
            screen.action_start()
            assert said and "still loading" in said[0]
            screen.action_mode("hotseat")  # a mode key pressed this early is kept for the form
        else:
            screen.action_mode("hotseat")
        await pilot.pause()
        assert isinstance(app.screen, LauncherScreen)
        assert screen.mode == "hotseat" and screen.form is not None
        assert screen.query_one("#mode-hotseat").value


async def test_quitting_at_once_leaves_no_error(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)):
        app.exit()  # before the form is mounted: the launcher must not try to mount into a closing screen
    assert app.return_code in (0, None)


async def test_a_scenario_named_on_the_command_line_is_highlighted(workdir: Path) -> None:
    """`tabletop play SCENARIO`: the launcher opens on it, even from a folder the launcher does not list."""
    elsewhere = workdir / "drafts" / "mini-copy.yaml"
    elsewhere.parent.mkdir()
    shutil.copy(MINI, elsewhere)
    app = app_for(workdir, scenario=elsewhere)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LauncherScreen)
        choices = screen.query_one("#choices", OptionList)
        assert choices.highlighted is not None
        index = int(str(choices.get_option_at_index(choices.highlighted).id).removeprefix("scenario-"))
        assert screen.infos[index].path == elsewhere
        assert screen.info is screen.infos[index] and "Local file: " in info_text(app)
        assert screen.compiled is not None and screen.compiled.title == "Mini"


async def test_start_solo_from_the_launcher_with_keys(workdir: Path) -> None:
    app = app_for(workdir, seed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LauncherScreen)
        screen.highlight("scenario", [i.title for i in screen.infos].index("Mini"))
        await pilot.press("o")  # solo
        await pilot.pause()
        assert screen.mode == "solo"
        play_as = screen.query_one("#play-as", Select)
        play_as.value = "kessland"
        await pilot.pause()
        # the other nation is a bot, with its profile from the scenario, and it can be changed
        norvia = screen.query_one("#player-norvia", Select)
        assert norvia.value == "bot:cautious"
        norvia.value = "bot:hawkish"
        screen.query_one("#seed", Input).value = "42"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert app.screen.nation == "kessland" and app.screen.solo
        st = app.controller.state
        assert st.started.seed == 42 and st.started.mode == "solo"
        assert st.started.teams == {"norvia": "bot:hawkish", "kessland": "human"}
        files = list((workdir / "sessions").glob("mini-*.sqlite"))
        assert len(files) == 1


async def test_start_hotseat_with_a_bot(workdir: Path) -> None:
    app = app_for(workdir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.highlight("scenario", [i.title for i in screen.infos].index("Mini"))
        await pilot.press("t")
        await pilot.pause()
        assert screen.mode == "hotseat"
        assert screen.query_one("#player-norvia", Select).value == "human"
        screen.query_one("#seed", Input).value = ""
        screen.query_one("#player-kessland", Select).value = "bot:cooperative"
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HandoverScreen)
        assert app.controller.state.started.mode == "hotseat"
        assert app.controller.state.started.teams["kessland"] == "bot:cooperative"


async def test_start_facilitated_opens_the_facilitator_console(workdir: Path) -> None:
    pytest.importorskip("exercise.ui.screens.facilitator")
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.highlight("scenario", [i.title for i in screen.infos].index("Mini"))
        await pilot.press("f", "s")
        await pilot.pause()
        assert type(app.screen).__name__ == "FacilitatorScreen"
        assert app.controller.state.started.mode == "facilitated"


async def test_resume_a_session_from_the_list(workdir: Path) -> None:
    new_session(workdir / "sessions" / "old.sqlite", mode="solo", teams={"norvia": "human", "kessland": "bot:cautious"})
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        choices = screen.query_one("#choices", OptionList)
        session = choices.get_option("session-0")
        assert "old.sqlite" in str(session.prompt) and "Solo · turn 1" in str(session.prompt)
        await pilot.press("r")
        await pilot.pause()
        assert choices.has_focus and choices.highlighted == choices.get_option_index("session-0")
        # the right side tells where the session stands; the set-up form (for new sessions) steps aside
        assert "Where it stands: turn 1" in info_text(app) and "old.sqlite" in info_text(app)
        assert screen.form is not None and not screen.form.display
        await pilot.press("c")  # back to the scenarios: their facts and the form return
        await pilot.pause()
        assert "Estimated duration" in info_text(app) and screen.form.display
        await pilot.press("r", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        assert app.screen.nation == "norvia" and app.screen.solo


async def test_a_broken_scenario_is_shown_not_raised(workdir: Path) -> None:
    (workdir / "broken.yaml").write_text(
        "ttx: 1\nid: broken\ntitle: Broken\nnations: [{id: a, name: A}]\n"
        "injects: [{id: i, text: hi, when: 'nosuch > 1'}]\n")
    app = app_for(workdir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.highlight("scenario", [i.title for i in screen.infos].index("Broken"))
        await pilot.pause()
        assert "does not load" in info_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, LauncherScreen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_launcher(snap_compare, workdir: Path, monkeypatch, size) -> None:  # type: ignore[no-untyped-def]
    # Only the tutorial and the local fixture, so scenarios added to the repo later leave the baseline alone.
    monkeypatch.setattr(launcher_mod, "all_scenarios",
                        lambda folder: [i for i in all_scenarios(folder) if i.id in ("tutorial", "mini")])
    new_session(workdir / "sessions" / "earlier.sqlite", mode="hotseat")
    assert snap_compare(app_for(workdir), terminal_size=size, run_before=steady)


async def test_s_on_a_highlighted_session_resumes_it(workdir: Path) -> None:
    new_session(workdir / "sessions" / "earlier.sqlite", mode="hotseat")
    app = app_for(workdir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("end")  # the last line of the list: the session
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LauncherScreen) and screen.session is not None
        await pilot.press("t")  # a mode key is about a new session: back to the scenarios, mode set
        await pilot.pause()
        assert screen.session is None and screen.mode == "hotseat" and screen.form is not None
        assert screen.form.display and "Estimated duration" in info_text(app)
        await pilot.press("end", "s")
        await pilot.pause()
        assert isinstance(app.screen, HandoverScreen)
        assert app.controller.state.started.mode == "hotseat"
        assert app.controller.live.store.path.name == "earlier.sqlite"  # resumed: no new session started
