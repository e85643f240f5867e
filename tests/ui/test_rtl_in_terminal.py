"""The engine's sentences isolate right-to-left names for reports; a terminal draws them without the marks."""

from __future__ import annotations

from exercise.engine.text import FSI, PDI, isolate
from exercise.ui.text import label, one_line, plain, plain_line, visible


def test_isolates_from_the_engine_never_reach_a_screen() -> None:
    sentence = f"{isolate('שלום')} decided on '{isolate('Grid down')}': 12 tanks"
    assert FSI in sentence
    for shown in (visible(sentence), one_line(sentence), plain(sentence).plain, plain_line(sentence).plain,
                  label(sentence).plain):
        assert FSI not in shown and PDI not in shown and "<U+2068>" not in shown
        assert "שלום decided on 'Grid down': 12 tanks" in shown


def test_a_stray_isolate_typed_by_a_player_is_still_shown() -> None:
    assert "<U+2068>" in visible(f"open {FSI} never closed")
