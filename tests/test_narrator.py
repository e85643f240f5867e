"""`tabletop run` tells the session in a terminal: outside text is printed as text, our own colours stay."""

from __future__ import annotations

from pathlib import Path

from harness import MINI

from exercise.cli._render import Narrator
from exercise.engine.compile import load_scenario
from exercise.engine.session import Session


def test_escape_sequences_in_scenario_and_player_text_reach_the_terminal_as_pictures(tmp_path: Path) -> None:
    hostile = MINI.read_text(encoding="utf-8").replace(
        "name: Norvia,", 'name: "Nor\\e[2Jvia\\a",').replace(
        "label: Share now", 'label: "Share\\e]0;pwned\\a now"')
    path = tmp_path / "mini.yaml"
    path.write_text(hostile, encoding="utf-8")
    sc = load_scenario(path)
    lines: list[str] = []
    narrator = Narrator(sc, echo=lines.append)
    session = Session(sc)
    for command in (lambda: session.start(1, {}),
                    lambda: session.decide("norvia", "grid-down", "share", "ok\x1b[31m red\x07"),
                    lambda: session.send("norvia", ["kessland"], "hi\x1b[2J"),
                    session.advance, session.advance, session.advance):
        narrator.entries(session.state, command())
    told = "\n".join(lines)
    assert "Nor␛[2Jvia␇" in told and "Share␛]0;pwned␇ now" in told and "ok␛[31m red␇" in told
    for line in lines:
        outside = line.replace("\x1b[0m", "")
        # what remains of ESC is our own styling: an SGR code opening a styled line, nothing else
        assert "\x1b[2J" not in outside and "\x1b]" not in outside and "\x07" not in outside, repr(line)
    assert any(line.startswith("\x1b[1m") for line in lines)  # our bold titles still bold
