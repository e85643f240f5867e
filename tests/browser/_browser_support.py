"""A real `tabletop serve` on 127.0.0.1 and headless Debian Chromium driven by Playwright, for the browser tests.

Playwright comes with the `dev` extra; Chromium is Debian's (/usr/bin/chromium, installed by .ci/run when absent),
never a build `playwright install` would download. When either is missing the tests FAIL and say what to
install, unless TABLETOP_SKIP_BROWSER=1 is set on purpose (CI never sets it).

What a console shows is read from the terminal in the page: textual-serve's page draws with xterm.js into a
canvas (no text in the DOM), and keeps its Terminal in a closure. The page's script is served to these tests
with one statement added that hands each terminal to `window.__tabletop_terminals`; the text is then read
through xterm's own buffer API, row by row, as it is on screen.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the one harness for the command line
from harness import REPO, cli_env, command

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

SKIP = "TABLETOP_SKIP_BROWSER"
CHROMIUM = Path(os.environ.get("TABLETOP_CHROMIUM", "/usr/bin/chromium"))
NORTHERN_SHIELD = REPO / "scenarios" / "northern-shield"
VIEWPORT = {"width": 1280, "height": 800}  # 142 x 44 cells in textual-serve's page
WAIT_MS = 20_000

# textual-serve 1.1.3's textual.js (pinned by the serve extra) makes each terminal here, in its window.onload.
MADE = "const t=new w(e,{ping:r});"
EXPOSE = MADE + "(window.__tabletop_terminals=window.__tabletop_terminals||[]).push(t);"
READ = """() => {
  const terminals = window.__tabletop_terminals;
  if (!terminals || !terminals.length) return "";
  const term = terminals[terminals.length - 1].terminal, buffer = term.buffer.active, rows = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""

SIZE = """() => {
  const term = window.__tabletop_terminals[window.__tabletop_terminals.length - 1].terminal;
  return {cols: term.cols, rows: term.rows};
}"""


def normalise(text: str) -> str:
    return " ".join(text.split())


def missing_browser() -> None:
    """Fail (or, with TABLETOP_SKIP_BROWSER=1 only, skip) when Playwright or Chromium is not here."""
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright for Python is not installed (it is in the dev extra: pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        problems.append(f"Chromium is not at {CHROMIUM} (apt-get install chromium; .ci/run installs it in CI)")
    if not problems:
        return
    said = "; ".join(problems)
    if os.environ.get(SKIP) == "1":
        pytest.skip(f"{SKIP}=1: browser tests skipped on purpose: {said}")
    pytest.fail(f"The browser tests need a browser: {said}. Set {SKIP}=1 to skip them on purpose.", pytrace=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Workshop:
    """A served Northern Shield: its address, session file and join codes."""

    url: str
    db: Path
    codes: dict[str, Any]
    process: subprocess.Popen[bytes]

    def team_code(self, nation: str) -> str:
        code: str = self.codes["teams"][nation]
        return code


@contextmanager
def served(folder: Path, *bots: str) -> Iterator[Workshop]:
    """`tabletop serve northern-shield` with these nations played by bots, until the block ends; then its whole
    process group (the server and every console it started) is ended."""
    port = free_port()
    db, codes = folder / "ns.sqlite", folder / "codes.json"
    args: list[object] = ["serve", NORTHERN_SHIELD, "--db", db, "--codes", codes, "--port", port]
    for nation in bots:
        args += ["--bot", f"{nation}=cautious"]
    log = (folder / "serve.log").open("wb")
    process = subprocess.Popen(command(*args), cwd=folder, env=cli_env(), stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=1):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail(f"tabletop serve did not answer: {(folder / 'serve.log').read_text()[-2000:]}")
                time.sleep(0.05)
        yield Workshop(url, db, json.loads(codes.read_text()), process)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()


def launch(playwright: Any) -> Browser:
    browser: Browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"])
    return browser


def _expose_terminals(route: Route) -> None:
    response = route.fetch()
    script = response.text()
    if MADE not in script:  # textual-serve changed: these tests must be told, not pass on a blank screen
        route.abort()
        raise AssertionError("textual-serve's textual.js no longer makes its terminal as these tests expect")
    route.fulfill(response=response, body=script.replace(MADE, EXPOSE))


class Console:
    """One browser (its own context: its own cookie) on the workshop, as one role."""

    def __init__(self, browser: Browser, workshop: Workshop) -> None:
        self.workshop = workshop
        self.context: BrowserContext = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        self.context.route("**/static/js/textual.js", _expose_terminals)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)

    def join(self, code: str) -> int:
        """Type the code on the join page as a person does; the status the join answered with."""
        self.page.goto(self.workshop.url + "/")
        self.page.fill("#code", code)
        with self.page.expect_response(lambda r: r.url.endswith("/join")) as answer:
            self.page.click("button[type=submit]")
        status: int = answer.value.status
        if status == 303:
            self.wait_for_console()
        return status

    def wait_for_console(self) -> None:
        self.page.wait_for_selector("body.-first-byte", state="attached")
        self.until(lambda text: len(text.splitlines()) > 3 and bool(text.splitlines()[-1].strip()))
        self.page.focus("textarea.xterm-helper-textarea")
        # The first frame comes before the console has finished opening its screen: keys sent at once are lost.
        self.page.wait_for_timeout(1500)

    def text(self) -> str:
        """The terminal's rows as they are on screen now."""
        shown: str = self.page.evaluate(READ)
        return shown

    def until(self, check: Callable[[str], bool], seconds: float = WAIT_MS / 1000) -> str:
        """The screen once `check(text)` holds; fails with the screen as it was when it never does."""
        deadline = time.monotonic() + seconds
        text = self.text()
        while not check(text):
            if time.monotonic() > deadline:
                pytest.fail(f"the console never showed what was awaited; it showed:\n{text}")
            self.page.wait_for_timeout(100)
            text = self.text()
        return text

    def shows(self, words: str, seconds: float = WAIT_MS / 1000) -> str:
        return self.until(lambda text: words in text, seconds)

    def normalised(self) -> str:
        """The screen's words with every run of spaces and line ends as one space: a sentence the console
        wrapped across rows is found whole."""
        return normalise(self.text())

    def shows_sentence(self, words: str, seconds: float = WAIT_MS / 1000) -> str:
        """The screen (normalised) once it holds `words`, wherever the console wrapped them."""
        wanted = normalise(words)
        return self.until(lambda text: wanted in normalise(text), seconds)

    def click_text(self, words: str) -> None:
        """Click the terminal's cell where `words` begin on screen (a tab's label, a button), as a person
        clicks: what has the keyboard's focus does not matter."""
        text = self.shows(words)
        row = next(i for i, line in enumerate(text.splitlines()) if words in line)
        column = text.splitlines()[row].index(words)
        box = self.page.locator(".xterm-screen").bounding_box()
        size = self.page.evaluate(SIZE)
        assert box is not None and size["cols"] and size["rows"]
        width, height = box["width"] / size["cols"], box["height"] / size["rows"]
        self.page.mouse.click(box["x"] + (column + 1.5) * width, box["y"] + (row + 0.5) * height)
        self.page.wait_for_timeout(200)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(60)  # a key, then the next, as a person types: each reaches the console

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)

    def close(self) -> None:
        self.context.close()


def last_seq(db: Path) -> int:
    """How many events the session's log holds (read beside the server, as another process would)."""
    from exercise.live import LiveSession

    live = LiveSession.open(db)
    try:
        return live.state.next_seq - 1
    finally:
        live.close()
