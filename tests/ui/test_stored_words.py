"""The UI shows the words stored when an inject was released (or the session ended), never the scenario's
template source: a decision's default, the debrief's ending, what the partners did, the advance dialog."""

from __future__ import annotations

from pathlib import Path

from _play_support import MINI, app_for, control_app, new_session
from test_facilitator import text_of
from test_solo import play_through
from textual.widgets import OptionList, Static

from exercise.ui.screens.debrief import DebriefScreen
from exercise.ui.screens.dialogs import ConfirmDialog
from exercise.ui.widgets.coalition_feed import meanwhile


def templated(tmp_path: Path) -> Path:
    """The mini scenario with its first inject read by both nations, its labels and endings templated."""
    text = MINI.read_text(encoding="utf-8").replace("    to: [norvia]\n", "    to: [norvia, kessland]\n", 1) \
        .replace("label: Share now", 'label: "Share from {{ nation.short }}"') \
        .replace("{id: wait, label: Wait,", '{id: wait, label: "Wait in {{ nation.name }}",') \
        .replace("title: Coalition holds,", 'title: Coalition holds, text: "At {{ time }}, {{ nations.kessland.name'
                                            '|upper }} stays.",') \
        .replace("{id: frays, title: Coalition frays}",
                 '{id: frays, title: Coalition frays, text: "At {{ time }}, {{ nations.kessland.name|upper }} '
                 'walks out."}')
    path = tmp_path / "templated.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_decision_says_the_default_in_the_team_words(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite", templated(tmp_path))
    app = app_for(tmp_path, db=db, team="kessland")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        head = str(app.screen.query_one(".decision-head", Static).content)
        assert "If the deadline passes: Wait in Kessland." in head
        prompts = [str(o.prompt) for o in app.screen.query_one(".options", OptionList).options]
        assert any("Wait in Kessland" in p for p in prompts) and not any("{{" in p for p in prompts)


async def test_the_advance_dialog_names_each_default_as_its_team_read_it(tmp_path: Path) -> None:
    db = new_session(tmp_path / "s.sqlite", templated(tmp_path))
    app = control_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = text_of(app.screen.query_one("#confirm-text"))
        assert "Norvia on 'Blackouts across Norvia.': Wait in Norvia" in text
        assert "Kessland on 'Blackouts across Kessland.': Wait in Kessland" in text


async def test_solo_debrief_and_partners_in_stored_words(tmp_path: Path) -> None:
    app = app_for(tmp_path, scenario=templated(tmp_path), solo="norvia", seed=7, db=tmp_path / "solo.sqlite")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await play_through(pilot)
        assert isinstance(app.screen, DebriefScreen)
        ending = str(app.screen.query_one("#ending", Static).render())
        assert "At D+0 12:00, KESSLAND" in ending or "At D+0 18:00, KESSLAND" in ending, ending
        assert "{{" not in ending
        partners = meanwhile(app.controller, "norvia", 0)
        assert "Kessland chose Share from Kessland" in partners or "Kessland chose Wait in Kessland" in partners, \
            partners
