"""A bot's rationale names its option in the words that nation was shown, not the scenario's template."""

from __future__ import annotations

from pathlib import Path

from harness import MINI

from exercise.engine.bots import next_bot_move
from exercise.engine.compile import load_scenario
from exercise.engine.events import DecisionTaken
from exercise.engine.session import Session


def test_a_bot_rationale_carries_the_rendered_label(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("    to: [norvia]\n", "    to: [norvia, kessland]\n", 1) \
        .replace("label: Share now", 'label: "Share from {{ nation.short }}"') \
        .replace("{id: wait, label: Wait,", '{id: wait, label: "Wait in {{ nation.name }}",')
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    s = Session(sc)
    s.start(7, {"norvia": "human", "kessland": "bot:self-interested"})
    entries = next_bot_move(s)
    taken = [e.event for e in entries if isinstance(e.event, DecisionTaken)]
    assert len(taken) == 1 and taken[0].team == "kessland"
    words = {"share": "Share from Kessland", "wait": "Wait in Kessland"}
    assert taken[0].rationale == f"self-interested bot: {words[taken[0].option or '']}"
    assert "{{" not in taken[0].rationale
