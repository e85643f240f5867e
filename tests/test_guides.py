"""The facilitator guides (scenarios/*/GUIDE.md) as situation manuals: every key a control card names is a real
binding of the consoles and no binding is left out, the pictures they show exist, and each flagship's guide has
its ground rules, assumptions, map, a fact sheet per nation, P/S/M/U criteria per objective and a control card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exercise.engine.compile import load_scenario
from exercise.ui.app import TtxApp
from exercise.ui.screens.facilitator import FacilitatorScreen
from exercise.ui.screens.team import TeamScreen

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
GUIDES = sorted(SCENARIOS.glob("*/GUIDE.md"))
FLAGSHIPS = ["northern-shield", "dry-river"]


def section(text: str, title: str) -> str:
    """The text under a '## title' (or '### title') heading, up to the next heading of that level or above."""
    found = re.search(rf"^(#+) {re.escape(title)}\s*$", text, re.M)
    assert found, f"no section '{title}'"
    level = len(found.group(1))
    rest = text[found.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def keys_in(cell: str) -> set[str]:
    """The keys a table cell names, as Textual spells them: `1`–`6` is six keys, `F1` is f1, `Ctrl+Q` ctrl+q."""
    out: set[str] = set()
    for start, end in re.findall(r"`(\d)`\s*[–-]\s*`(\d)`", cell):
        out.update(str(n) for n in range(int(start), int(end) + 1))
    for token in re.findall(r"`([^`]+)`", cell):
        out.add(token.lower())
    return out


def bound_keys() -> tuple[set[str], set[str]]:
    """(every key the consoles bind, the keys of the facilitator's and the team's own actions)."""
    own = {b.key for cls in (FacilitatorScreen, TeamScreen) for b in cls.BINDINGS}  # type: ignore[union-attr]
    app = {b.key for b in TtxApp.BINDINGS}  # type: ignore[union-attr]
    return own | app | {TtxApp.COMMAND_PALETTE_BINDING}, own


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.parent.name)
def test_the_control_card_names_real_keys_and_leaves_none_out(guide: Path) -> None:
    card = section(guide.read_text(encoding="utf-8"), "Control card")
    rows = [line.split("|")[1:-1] for line in card.splitlines() if line.startswith("| `")]
    assert rows, "the control card has no table of keys"
    named = set().union(*(keys_in(cells[0]) for cells in rows))
    everything, own = bound_keys()
    assert named - everything == set(), f"keys the consoles do not bind: {sorted(named - everything)}"
    mentioned = keys_in(card)
    assert own - mentioned == set(), f"console keys the card leaves out: {sorted(own - mentioned)}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.parent.name)
def test_every_picture_a_guide_shows_is_there(guide: Path) -> None:
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide.read_text(encoding="utf-8")):
        assert (guide.parent / target).is_file(), target


@pytest.mark.parametrize("name", FLAGSHIPS)
def test_a_flagship_guide_is_a_situation_manual(name: str) -> None:
    text = (SCENARIOS / name / "GUIDE.md").read_text(encoding="utf-8")
    sc = load_scenario(SCENARIOS / name)
    for title in ("Ground rules", "Assumptions and artificialities", "The region", "Fact sheets",
                  "Evaluation criteria", "Control card"):
        assert section(text, title).strip(), title
    assert "(region.svg)" in section(text, "The region")
    sheets = section(text, "Fact sheets")
    for nation in sc.model.nations:
        sheet = section(sheets, next(t for t in re.findall(r"^### (.+)$", sheets, re.M) if nation.name in t))
        for row in ("Capital, population", "Government and pressure at home", "Forces and capabilities", "Economy",
                    "Dependencies", "Goals", "Red line", "Own result"):
            assert f"| {row} |" in sheet, (nation.id, row)
        for capability, value in nation.capabilities.items():
            if value:
                assert f"{capability} {value}" in sheet.lower(), (nation.id, capability)
        start = sc.model.state["support"].overrides.get(nation.id, sc.model.state["support"].start)
        assert f"**{start:g}**" in sheet, (nation.id, "support starts at", start)
        for outcome in nation.outcomes[1:]:
            assert outcome.title.strip('"') in sheet.replace("*", ""), (nation.id, outcome.title)
        capital = re.search(r"\| Capital, population \| ([A-Z][a-z]+)", sheet)
        assert capital and capital.group(1) in (sc.model.region_map.text if sc.model.region_map else ""), nation.id
    criteria = section(text, "Evaluation criteria")
    for objective in sc.model.objectives:
        found = next((line for line in criteria.splitlines() if line.startswith(f"| `{objective.id}` |")), None)
        assert found is not None, objective.id
        cells = [c.strip() for c in found.split("|")[1:-1]]
        assert len(cells) == 5 and all(cells), (objective.id, cells)
