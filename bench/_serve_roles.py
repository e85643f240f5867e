"""Who sits in the served workshop and what each does, for bench/serve_load.py: a seat is one browser tab (its
join cookie and its console); control, the teams, the observers and the bare app each have a script that runs
until the room's time is up, every wait bounded. What the screens acknowledge is tallied, to be found in the log.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

from bench._serve_client import CTRL_S, ENTER, ESCAPE, Console

RELOAD_EVERY = 20.0  # seconds between a second laptop's reloads
TIMEOUT = 60.0  # for a first screen on a loaded machine
KEY_TIMEOUT = 15.0
ACK_TIMEOUT = 8.0  # for an act's acknowledgement: the slowest seen under load took under 2 s
TOAST_GAP = 6.0  # a toast stays about five seconds: one kind of act no more often, so an old toast is not read
FIRST = {"team": "team console", "control": "MSEL", "observer": "Northern Shield", "bare": "hello"}
TEAM_TABS = (("4", "private brief"), ("3", "Alliance cohesion"))  # a key, and words only its tab shows


@dataclass
class Tally:
    first: dict[str, list[float]] = field(default_factory=dict)  # phase -> seconds to the first screen
    keys: dict[str, list[float]] = field(default_factory=dict)  # what -> seconds from key to screen
    missed: dict[str, int] = field(default_factory=dict)  # what -> keys whose screen never came
    decisions: list[str] = field(default_factory=list)  # tokens of decisions the screen acknowledged
    messages: list[str] = field(default_factory=list)
    advances: int = 0
    unacknowledged: list[str] = field(default_factory=list)  # acts typed whose acknowledgement never showed
    memory: dict[str, dict[int, int]] = field(default_factory=dict)  # server -> console pid -> largest RSS KiB
    failures: list[str] = field(default_factory=list)
    missed_screens: list[str] = field(default_factory=list)  # what arrived after each key whose words never came

    def add(self, table: dict[str, list[float]], key: str, value: float) -> None:
        table.setdefault(key, []).append(value)

    def miss(self, what: str) -> None:
        self.missed[what] = self.missed.get(what, 0) + 1


@dataclass
class Room:
    ours: str  # base URLs
    bare: str
    codes: dict[str, object]
    tally: Tally
    end: float  # monotonic time when play stops
    rng: random.Random

    def code(self, role: str) -> str:
        if role in ("control", "observer"):
            return str(self.codes["facilitator" if role == "control" else "observer"])
        teams = self.codes["teams"]
        assert isinstance(teams, dict)
        return str(teams[role])

    def playing(self) -> bool:
        return time.monotonic() < self.end

    async def pause(self, low: float, high: float) -> None:
        """A person's pause between acts, cut short when the time is up."""
        await asyncio.sleep(max(0.0, min(self.rng.uniform(low, high), self.end - time.monotonic())))


async def joined(url: str, code: str | None) -> aiohttp.ClientSession:
    """A browser's HTTP session, holding the cookie its join code earned (none for the bare server)."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # unsafe: cookies for an IP address
    if code is not None:
        async with http.post(f"{url}/join", data={"code": code}, allow_redirects=False) as response:
            if response.status != 303:
                await http.close()
                raise RuntimeError(f"joining with a code answered {response.status}")
    return http


@dataclass
class Seat:
    """One browser tab: its HTTP session (cookie) and its console."""

    console: Console
    kind: str  # team, control, observer, bare

    @classmethod
    async def open(cls, url: str, code: str | None, kind: str, label: str, tally: Tally, phase: str) -> Seat:
        http = await joined(url, code)
        console = Console(http, url, label)
        try:
            tally.add(tally.first, phase, await console.open(FIRST[kind], TIMEOUT))
        except BaseException:
            await console.close()
            await http.close()
            raise
        return cls(console, kind)

    async def reopen(self, tally: Tally, phase: str) -> None:
        """A reload: the same browser (cookie), a new connection and so a new console."""
        await self.console.close()
        self.console = Console(self.console.http, self.console.url, self.console.label)
        tally.add(tally.first, phase, await self.console.open(FIRST[self.kind], TIMEOUT))

    async def close(self) -> None:
        await self.console.close()
        await self.console.http.close()


# -- what each role does ----------------------------------------------------------------------------------------
class TeamTabs:
    """Switches between the brief and the state, timing each switch until the new tab's words arrive."""

    def __init__(self) -> None:
        self.next = 0

    async def switch(self, seat: Seat, tally: Tally, what: str) -> None:
        key, marker = TEAM_TABS[self.next % len(TEAM_TABS)]
        self.next += 1
        since = seat.console.position
        latency, _ = await seat.console.key(key, (marker,), KEY_TIMEOUT)
        if latency is None:
            tally.miss(what)
            shown = " ".join(seat.console.shown_since(since).split())
            age = time.perf_counter() - seat.console.opened - KEY_TIMEOUT
            tally.missed_screens.append(f"{seat.console.label}, key {key!r} for {marker!r}, {age:.1f} s after its "
                                        f"first screen: {len(shown)} characters came: {shown[:160]!r} ... "
                                        f"{shown[-400:]!r}")
        else:
            tally.add(tally.keys, what, latency)


async def write_message(seat: Seat, token: str, tally: Tally, back: str) -> None:
    """m, the message, Enter; acknowledged by the toast; Escape leaves the box (the footer shows `back` again)."""
    console = seat.console
    if (await console.key("m", ("Leave the box",), KEY_TIMEOUT))[0] is None:
        tally.unacknowledged.append(f"{token}: the message box never opened")
        await console.send(ESCAPE)
        return
    await console.type(f"load {token}")
    latency, _ = await console.key(ENTER, ("Message sent to",), ACK_TIMEOUT)
    if latency is None:
        tally.unacknowledged.append(f"{token}: no 'Message sent' after Enter")
    else:
        tally.messages.append(token)
        tally.add(tally.keys, "message: Enter to 'Message sent'", latency)
    await console.key(ESCAPE, (back,), KEY_TIMEOUT)


async def decide(seat: Seat, token: str, tally: Tally) -> bool:
    """d to the open decision, Enter on the highlighted option, a rationale, Enter; acknowledged by 'Sent:'. False
    when no decision was waiting."""
    console = seat.console
    _, found = await console.key("d", ("Choose an option", "Your choice", "No decision is waiting"), KEY_TIMEOUT)
    if found is None or found == "No decision is waiting":
        return False
    # the rationale box has the focus when the footer offers to leave it: "Your choice" shows already on highlight,
    # and keys typed before the box has the focus go elsewhere (seen: a rationale's first letters lost)
    if (await console.key(ENTER, ("Leave the box",), ACK_TIMEOUT))[0] is None:
        tally.unacknowledged.append(f"{token}: Enter chose no option")
        return True
    await console.type(f"because {token}")
    since = console.position
    latency, _ = await console.key(ENTER, ("Sent:",), ACK_TIMEOUT)
    if latency is None:
        tally.unacknowledged.append(f"{token}: no 'Sent:' after Enter; the screen showed "
                                    f"{' '.join(console.shown_since(since).split())[-300:]!r}")
        await console.key(ESCAPE, ("m Message",), 3)  # out of the rationale, whatever happened
    else:
        tally.decisions.append(token)
        tally.add(tally.keys, "decision: Enter to 'Sent:'", latency)
    return True


async def team(room: Room, seat: Seat, name: str, *, decides: bool) -> None:
    tabs, n, last = TeamTabs(), 0, {"decide": 0.0, "message": 0.0}
    while room.playing():
        n += 1
        now, roll = time.monotonic(), room.rng.random()
        if decides and roll < 0.35 and now - last["decide"] > TOAST_GAP:
            if await decide(seat, f"{name}-d{n:03d}", room.tally):
                last["decide"] = time.monotonic()
        elif roll < 0.6 and now - last["message"] > TOAST_GAP:
            await write_message(seat, f"{name}-m{n:03d}", room.tally, "m Message")
            last["message"] = time.monotonic()
        else:
            await tabs.switch(seat, room.tally, "ours: team tab switch")
        await room.pause(1.0, 3.0)


async def second_laptop(room: Room, seat: Seat, name: str, *, reload_bare: bool) -> None:
    """Messages and tabs, and a reload every RELOAD_EVERY seconds, each paired with a new bare connection."""
    tabs, n, reloads, last = TeamTabs(), 0, 0, 0.0
    next_reload = time.monotonic() + RELOAD_EVERY / 2
    while room.playing():
        n += 1
        if time.monotonic() >= next_reload:
            reloads += 1
            order = [True, False] if reloads % 2 else [False, True]
            for ours in order:
                if not ours and not reload_bare:
                    continue
                if ours:
                    await seat.reopen(room.tally, "ours: a reload during play")
                else:
                    bare = await Seat.open(room.bare, None, "bare", "bare reload", room.tally,
                                           "bare: a new connection during play")
                    await bare.close()
            next_reload = time.monotonic() + RELOAD_EVERY
        elif room.rng.random() < 0.3 and time.monotonic() - last > TOAST_GAP:
            await write_message(seat, f"{name}-m{n:03d}", room.tally, "m Message")
            last = time.monotonic()
        else:
            await tabs.switch(seat, room.tally, "ours: team tab switch")
        await room.pause(1.0, 3.0)


async def control(room: Room, seat: Seat, turns: int, seconds: float) -> None:
    """Advances evenly through the run up to the last turn (never past it: that would end the exercise), writes
    to the teams now and then, and walks through its tabs."""
    console, turn, n, last_message = seat.console, 1, 0, time.monotonic()
    every = max(seconds / turns, 2.0)
    next_advance = time.monotonic() + every
    while room.playing():
        n += 1
        if time.monotonic() >= next_advance and turn < turns:
            since = console.position
            await console.send("a")
            begins = f"Turn {turn + 1} begins"
            found = await console.wait_for((begins, f"Advance to turn {turn + 1}?"), since, KEY_TIMEOUT)
            if found is not None and found != begins:  # decisions lapse: the dialog says which, then ctrl+s
                found = (await console.key(CTRL_S, (begins,), KEY_TIMEOUT))[1]
            if found == begins:
                turn += 1
                room.tally.advances += 1
            else:
                room.tally.unacknowledged.append(f"advance to turn {turn + 1}: never acknowledged")
                await console.send(ESCAPE)
            next_advance = time.monotonic() + every
        elif time.monotonic() - last_message > 15:
            await write_message(seat, f"control-m{n:03d}", room.tally, "a Advance")
            last_message = time.monotonic()
        else:
            await console.send(room.rng.choice("1456"))
        await room.pause(1.0, 3.0)


async def observer(room: Room, seat: Seat) -> None:
    while room.playing():
        await seat.console.send(room.rng.choice("123456"))
        await room.pause(2.0, 5.0)


class BareKeys:
    """The bare app's two acts, in turn: x (its label changes) and a tab switch (Textual's TabbedContent)."""

    def __init__(self) -> None:
        self.step = 0
        self.presses = 0

    async def press(self, seat: Seat, tally: Tally, suffix: str) -> bool:
        act = ("x", "2", "1")[self.step % 3]
        self.step += 1
        if act == "x":
            self.presses += 1
        marker = {"x": f"pressed {self.presses}", "2": "words of the second tab", "1": "words of the first tab"}[act]
        what = f"bare: {'x' if act == 'x' else 'tab switch'}{suffix}"
        latency, _ = await seat.console.key(act, (marker,), KEY_TIMEOUT)
        if latency is None:
            tally.miss(what)
            return False
        tally.add(tally.keys, what, latency)
        return True


async def bare_presses(room: Room, seat: Seat) -> None:
    keys = BareKeys()
    while room.playing():
        if not await keys.press(seat, room.tally, ""):
            break  # its count of presses is lost with the screen: stop rather than read a wrong number
        await room.pause(0.5, 2.0)
