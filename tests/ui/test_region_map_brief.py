"""The Brief tab draws the scenario's text map as written: never markup, never wrapped, leading spaces kept."""

from __future__ import annotations

from pathlib import Path

from _play_support import MINI, app_for
from textual.widgets import Static, TabbedContent

from exercise.ui.widgets.region_map import RegionMap

DRAWING = "   NORVIA [bold]port[/] *\n      \\___ [@click=app.quit]x[/] ~~~\n"


def _mapped_scenario(tmp_path: Path) -> Path:
    text = MINI.read_text(encoding="utf-8")
    block = "map:\n  caption: A [b]harbour[/b].\n  text: |\n" + "".join(f"    {line}\n" for line in
                                                                          DRAWING.splitlines())
    assert "\nnations:" in text
    path = tmp_path / "mapped.yaml"
    path.write_text(text.replace("\nnations:", "\n" + block + "nations:", 1), encoding="utf-8")
    return path


async def test_the_brief_tab_shows_the_map_as_written(tmp_path: Path) -> None:
    app = app_for(tmp_path, scenario=_mapped_scenario(tmp_path), solo="norvia", db=tmp_path / "s.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.query_one("#tabs", TabbedContent).active == "brief"
        drawn = app.screen.query_one("#brief-map", RegionMap)
        assert drawn.display
        lines = [strip.text for strip in drawn.render_lines(drawn.region.reset_offset)]
        # YAML's block takes the first line's indent as the block's; the drawing keeps its shape under it
        at = next(i for i, line in enumerate(lines) if "NORVIA [bold]port[/] *" in line)
        start = lines[at].index("NORVIA")
        assert lines[at + 1][start:].rstrip() == "   \\___ [@click=app.quit]x[/] ~~~"
        assert any("A [b]harbour[/b]." in line for line in lines)
        assert app.is_running


async def test_no_map_takes_no_room(tmp_path: Path) -> None:
    app = app_for(tmp_path, scenario=MINI, solo="norvia", db=tmp_path / "s.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert not app.screen.query_one("#brief-map", RegionMap).display
        assert "private brief" in str(app.screen.query_one("#brief-text", Static).render())
