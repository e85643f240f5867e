"""Listing scenarios: bundled ones first (the tutorial leading), local ones found, malformed ones harmless."""

from __future__ import annotations

import os
from pathlib import Path

from exercise.resources import (
    all_scenarios,
    bundled_scenarios,
    data_dir,
    find_scenario,
    library_roots,
    local_scenarios,
)


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


def test_library_roots_in_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    env = {"TABLETOP_LIBRARY_PATH": f"{a}{os.pathsep}{os.pathsep}{b}"}
    roots = library_roots([tmp_path / "opt"], environ=env)
    assert roots == [tmp_path / "opt", a, b, data_dir("injects")]
    assert library_roots(environ={}) == [data_dir("injects")]


def test_a_broken_local_file_is_listed_with_its_problem(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("ttx: 1\nid: broken\ntitle: [unclosed\n")
    (tmp_path / "draft").mkdir()
    (tmp_path / "draft" / "scenario.yaml").write_text("title: no ttx line, but named scenario.yaml\n")
    (tmp_path / "notes.yaml").write_text("just: some other yaml\n")  # no `ttx:`: not a scenario, not listed
    (tmp_path / "lib.yaml").write_text("ttx-library: 1\ninjects: []\n")  # a library: not listed
    found = {s.path.name if s.path.name != "scenario.yaml" else "draft": s for s in local_scenarios(tmp_path)}
    assert set(found) == {"broken.yaml", "draft"}
    broken = found["broken.yaml"]
    assert broken.problem is not None and broken.problem.code == "yaml-syntax" and broken.problem.line == 4
    assert broken.to_json()["error"] == str(broken.problem)
    assert found["draft"].problem is not None and "ttx" in found["draft"].problem.message
    assert find_scenario("broken", tmp_path) is None  # a broken file is never what an id names


def test_the_listing_reads_headers_only(tmp_path: Path) -> None:
    """A file whose header is fine is listed from it, whatever its body holds (validate says what is wrong)."""
    (tmp_path / "s.yaml").write_text("ttx: 1\nid: s\ntitle: S\ninjects:\n  - {broken: [\n")
    (info,) = local_scenarios(tmp_path)
    assert (info.id, info.title, info.problem) == ("s", "S", None)
