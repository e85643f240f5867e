"""`tabletop new` writes a scenario that validates strictly, passes its own tests and plays to an ending."""

from __future__ import annotations

from pathlib import Path

from harness import tabletop

from exercise.engine.compile import load_scenario
from exercise.engine.simulate import simulate
from exercise.engine.transcript import run_transcripts


def test_new_scaffolds_a_scenario_that_validates_and_plays(tmp_path: Path) -> None:
    done = tabletop("new", "Baltic Ports", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "baltic-ports" / "scenario.yaml"
    assert path.is_file() and (tmp_path / "baltic-ports" / "GUIDE.md").is_file()
    assert path.read_text().startswith("# yaml-language-server: $schema=")
    assert tabletop("validate", "--strict", str(path), cwd=tmp_path).returncode == 0
    assert tabletop("test", str(path), cwd=tmp_path).returncode == 0
    sc = load_scenario(path)
    assert sc.id == "baltic-ports" and sc.title == "Baltic Ports"
    assert all(r.ok for r in run_transcripts(sc))
    result = simulate(sc, 300, seed=1)
    assert result.dead_ends == 0 and all(result.endings.values()) and not result.unreached()


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    assert tabletop("new", "twice", cwd=tmp_path).returncode == 0
    again = tabletop("new", "twice", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr


def test_new_refuses_a_name_without_letters(tmp_path: Path) -> None:
    done = tabletop("new", "!!!", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
