"""`exercise.report.scripted`, which tests and benchmarks use to build session files from scripts: a script file is
read as `tabletop run --script` reads one, through the bounded YAML reader."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(("text", "code"), [
    ("seed: !!python/object/apply:os.system ['true']\nsteps: []\n", "yaml-tag"),
    ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)) + "steps: []\n",
     "yaml-size"),
])
def test_a_script_file_is_read_through_the_bounded_reader(tmp_path: Path, text: str, code: str) -> None:
    from exercise.engine.diagnostics import ScenarioError
    from exercise.report.scripted import load_script

    path = tmp_path / "script.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_script(path)
    assert f"error[{code}]" in str(caught.value.diagnostics[0])
