"""Listing scenarios: bundled ones first (the tutorial leading), local ones found, malformed ones harmless."""

from __future__ import annotations

from pathlib import Path

from exercise.resources import all_scenarios, bundled_scenarios, find_scenario


def test_bundled_scenarios_tutorial_first() -> None:
    found = bundled_scenarios()
    assert found[0].id == "tutorial"
    assert {"tutorial", "northern-shield", "dry-river"} <= {s.id for s in found}
    for s in found:
        assert s.title and s.nations and s.turns > 0 and s.duration


def test_malformed_local_files_never_break_the_listing(tmp_path: Path) -> None:
    (tmp_path / "odd.yaml").write_text("ttx: 1\nid: odd\ntitle: [1]\nnations: 3\norganisations: {a: 1}\nclock: 5\n")
    (tmp_path / "garbage.yaml").write_bytes(b"\x00\xff\xfe not yaml")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    ids = [s.id for s in all_scenarios(tmp_path)]
    assert "odd" in ids and ids.count("odd") == 1
    assert find_scenario("odd", tmp_path) == tmp_path / "odd.yaml"
    assert find_scenario("no-such-thing", tmp_path) is None
