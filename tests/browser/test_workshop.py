"""The workshop in a real browser: `tabletop serve` on 127.0.0.1, headless Chromium through Playwright, each role
in a browser context of its own (its own cookie), keys pressed in the page's terminal as a person presses them.

One served Northern Shield for the module: Norvald and Estrava are played by people, the other nations by bots.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _browser_support import Console, Workshop, last_seq, launch, missing_browser, served

pytestmark = pytest.mark.xdist_group("browser")  # one server and one browser for the module, on one worker

# Phrases of each private brief that nothing else in the scenario says (each found whole however the console
# wraps it: shows_sentence compares with whitespace normalised).
BRIEF = {"norvald": ("Population 11 million", "a general election in 19 days"),
         "estrava": ("Population 1.8 million", "a 310 km border with Dravia")}
TABS = ("Inbox", "Messages", "Our state", "Brief", "History", "Coalition")
BOTS = ("saldovia", "vittmark", "lindmark")


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workshop]:
    missing_browser()
    with served(tmp_path_factory.mktemp("workshop"), *BOTS) as running:
        yield running


@pytest.fixture(scope="module")
def browser(workshop: Workshop) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def consoles(browser: Any, workshop: Workshop) -> Iterator[list[Console]]:
    """Open browsers, each closed (its console process stopped by the server) when the test ends."""
    opened: list[Console] = []
    yield opened
    for console in opened:
        console.close()


def open_as(consoles: list[Console], browser: Any, workshop: Workshop, code: str) -> Console:
    console = Console(browser, workshop)
    consoles.append(console)
    assert console.join(code) == 303
    return console


def test_a_wrong_code_is_refused(browser: Any, workshop: Workshop, consoles: list[Console]) -> None:
    console = Console(browser, workshop)
    consoles.append(console)
    assert console.join("AAAA-BBBB-CCCC-DDDD-EEEE") == 403
    assert "not a join code" in console.page.inner_text("body")
    console.page.goto(workshop.url + "/console")  # no cookie: no console either
    assert "Join first" in console.page.inner_text("body")


def test_a_team_decides_and_control_sees_it(browser: Any, workshop: Workshop, consoles: list[Console]) -> None:
    control = open_as(consoles, browser, workshop, workshop.codes["facilitator"])
    control.shows("MSEL")
    control.press("2")  # the Teams tab: each nation's pending decisions and last act
    control.shows("The lights go out")
    team = open_as(consoles, browser, workshop, workshop.team_code("estrava"))
    team.shows("The lights go out")
    team.press("d")  # to the open decision's options
    team.press("ArrowDown", "ArrowDown", "Enter")  # the third: share the sample with partner CERTs
    team.type("partners need the sample before anyone names a sponsor")
    team.press("Enter")
    team.shows("✓ Decided")
    control.shows("Share the sample")


def test_the_observer_reads_the_public_picture_and_cannot_act(browser: Any, workshop: Workshop,
                                                               consoles: list[Console]) -> None:
    observer = open_as(consoles, browser, workshop, workshop.codes["observer"])
    shown = [observer.shows("observer: read-only")]
    before = last_seq(workshop.db)
    # every key a facilitator or a team acts with: advance, release, adjudicate, write, end, decide, message...
    observer.press(*"arjwoudemxhpcyv", "Enter", "Tab", "Enter", "Escape")
    for tab in "12345":
        observer.press(tab)
        observer.page.wait_for_timeout(300)
        shown.append(observer.text())
    assert last_seq(workshop.db) == before
    screens = "\n".join(shown)
    assert "Day 0, 06:00: the situation" in screens  # the inject released to everyone
    for private in (*(p for phrases in BRIEF.values() for p in phrases), "The lights go out"):
        assert private not in screens, private


def test_a_reload_brings_the_team_back_with_its_unsent_draft(browser: Any, workshop: Workshop,
                                                             consoles: list[Console]) -> None:
    team = open_as(consoles, browser, workshop, workshop.team_code("norvald"))
    team.shows("Kingdom of Norvald")
    team.press("m")  # the Messages tab, the composer focused
    team.type("DRAFT not sent yet")
    team.shows("DRAFT not sent yet")
    team.page.wait_for_timeout(1500)  # the draft is kept on the server at most a second after it changes
    team.page.reload()
    team.wait_for_console()
    back = team.shows("DRAFT not sent yet")
    assert "Messages" in back
    from exercise.live import LiveSession

    live = LiveSession.open(workshop.db)
    try:
        assert not any("DRAFT not sent yet" in getattr(e.event, "text", "") for e in live.state.log)
    finally:
        live.close()



def everything_shown(console: Console) -> str:
    """Every tab of a team's console, each scrolled through, normalised into one text."""
    seen = []
    for tab in TABS:
        console.click_text(tab)
        console.page.wait_for_timeout(300)
        seen.append(console.normalised())
        box = console.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        console.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(10):  # scrolled down a screen at a time, until the end (the screen stops changing)
            console.page.mouse.wheel(0, 600)
            console.page.wait_for_timeout(150)
            if console.normalised() == seen[-1]:
                break
            seen.append(console.normalised())
    return " | ".join(seen)


def test_one_teams_code_never_shows_anothers_brief(browser: Any, workshop: Workshop,
                                                   consoles: list[Console]) -> None:
    teams = {nation: open_as(consoles, browser, workshop, workshop.team_code(nation)) for nation in BRIEF}
    for nation, console in teams.items():
        console.click_text("Brief")
        for phrase in BRIEF[nation]:  # the positive control: the team's own brief is on its screen
            console.shows_sentence(phrase)
    for nation, console in teams.items():
        shown = everything_shown(console)
        assert all(phrase in shown for phrase in BRIEF[nation])
        for other, phrases in BRIEF.items():
            if other != nation:
                for phrase in phrases:
                    assert phrase not in shown, f"{nation}'s console shows {other}'s brief: {phrase!r}"
