"""Loading scenarios: what a good file gives, where problems are placed, includes, hashes and scenario time."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from exercise.engine.compile import CompiledScenario, load_scenario, load_sources
from exercise.engine.diagnostics import Diagnostic, Mark, ScenarioError
from exercise.engine.yamlsafe import load_yaml

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"

HEAD = """\
ttx: 1
id: t
title: T
clock: {start: "D+0 06:00", step: 6h, turns: 8}
nations:
  - {id: norvia, name: Norvia, capabilities: {cyber: 3}}
  - {id: kessland, name: Kessland}
  - {id: aldmark, name: Aldmark}
state:
  cohesion: {start: 60}
  support: {per: nation, start: 50}
  trust: {per: pair, start: 50}
endings:
  - {id: end, title: End}
"""
HEAD_LINES = HEAD.count("\n")


def problems(sources: dict[str, str], main: str = "s.yaml") -> list[Diagnostic]:
    with pytest.raises(ScenarioError) as info:
        load_sources(sources, main)
    return info.value.diagnostics


def only(sources: dict[str, str] | str) -> Diagnostic:
    diags = problems({"s.yaml": sources} if isinstance(sources, str) else sources)
    assert len(diags) == 1, "\n".join(map(str, diags))
    return diags[0]


def where(d: Diagnostic) -> tuple[int, int, str]:
    return d.line, d.col, d.code


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return folder / next(iter(files))


# -- a good file ---------------------------------------------------------------------------------------------------


def test_mini_loads() -> None:
    sc = load_scenario(MINI)
    assert isinstance(sc, CompiledScenario)
    assert (sc.id, sc.title, sc.turns) == ("mini", "Mini", 3)
    assert list(sc.injects) == ["grid-down", "summit", "crisis"]
    assert list(sc.nations) == ["norvia", "kessland"] and list(sc.orgs) == ["nac"]
    grid = sc.injects["grid-down"]
    assert (grid.turn, grid.nations, grid.orgs, grid.default, grid.objectives) == (1, ("norvia",), (), "wait", ("O1",))
    assert list(grid.options) == ["share", "wait"]
    assert [o.p for o in grid.options["share"].outcomes] == [0.7, 0.3]
    assert grid.options["share"].requires is not None and grid.options["wait"].requires is None
    summit = sc.injects["summit"]
    assert (summit.turn, summit.after, summit.orgs, summit.deciders) == (None, ("grid-down", 1), ("nac",), ("nac",))
    crisis = sc.injects["crisis"]
    assert crisis.when is not None and crisis.nations == ("norvia", "kessland")
    assert sc.capabilities == {("norvia", "cyber"): 3}
    start = dict(zip(sc.layout.keys, sc.start, strict=True))
    assert start["cohesion"] == 60 and start["support[norvia]"] == 55 and start["support[kessland]"] == 40
    assert start["trust[norvia][kessland]"] == 50
    assert [e.id for e in sc.endings] == ["holds", "frays"]
    assert sc.time_of(1) == "D+0 06:00" and sc.time_of(3) == "D+0 18:00"
    assert all(d.severity == "warning" for d in sc.warnings)
    assert set(sc.sources) == {"mini.yaml"} and sc.main == "mini.yaml"


def test_mini_from_its_folder_path_and_from_sources() -> None:
    a = load_scenario(MINI)
    b = load_sources(a.sources, a.main)
    assert a.hash == b.hash and list(a.injects) == list(b.injects)


def test_yaml_1_1_oddities_stay_text() -> None:
    """yes/no/on/off and 6:30 are text (YAML 1.2), not booleans and base-60 numbers."""
    body = """\
injects:
  - id: ask
    at: turn 1
    to: [norvia]
    from: no
    text: on
    decision:
      prompt: 6:30
      options:
        - {id: yes, label: Yes}
        - {id: no, label: No}
      default: no
"""
    sc = load_sources({"s.yaml": HEAD + body}, "s.yaml")
    ask = sc.injects["ask"]
    assert list(ask.options) == ["yes", "no"] and ask.default == "no"
    assert (ask.model.from_, ask.model.text, ask.model.decision.prompt) == ("no", "on", "6:30")  # type: ignore[union-attr]


# -- positions -----------------------------------------------------------------------------------------------------


POS_TEXT = """\
# a comment first
top: 1
nested:
  inner:
    deep: [a, {k: v}]
  flow: {x: 1, "y z": 2}
items:
  - id: first
    label: First
  -   id: second
list_of_lists:
  - [1, 2]
"""


def test_positions_of_values_and_keys() -> None:
    data, pos = load_yaml(POS_TEXT, "f.yaml")
    assert data["nested"]["inner"]["deep"][1] == {"k": "v"}

    def v(*path: str | int) -> tuple[int, int]:
        m = pos.values[path]
        return m.line, m.col

    def k(*path: str | int) -> tuple[int, int]:
        m = pos.keys[path]
        return m.line, m.col

    assert v() == (2, 1)
    assert k("top") == (2, 1) and v("top") == (2, 6)
    assert k("nested") == (3, 1) and v("nested") == (4, 3)  # a block mapping starts at its first key
    assert k("nested", "inner") == (4, 3) and v("nested", "inner", "deep") == (5, 11)
    assert v("nested", "inner", "deep", 0) == (5, 12)
    assert v("nested", "inner", "deep", 1) == (5, 15) and k("nested", "inner", "deep", 1, "k") == (5, 16)
    assert v("nested", "inner", "deep", 1, "k") == (5, 19)
    assert k("nested", "flow", "y z") == (6, 16) and v("nested", "flow", "y z") == (6, 23)
    assert v("items", 0) == (8, 5) and k("items", 0, "id") == (8, 5) and v("items", 0, "id") == (8, 9)
    assert k("items", 0, "label") == (9, 5)
    assert v("items", 1) == (10, 7) and v("items", 1, "id") == (10, 11)
    assert v("list_of_lists", 0, 1) == (12, 9)
    assert all(m.file == "f.yaml" for m in [*pos.values.values(), *pos.keys.values()])


def test_positions_fall_back_to_the_nearest_ancestor() -> None:
    _, pos = load_yaml(POS_TEXT, "f.yaml")
    assert pos.at(("items", 0, "missing")) == Mark("f.yaml", 8, 5)  # a missing key: where its mapping starts
    assert pos.at(("items", 0, "label"), key=True) == Mark("f.yaml", 9, 5)
    assert pos.at(("items", 0, "label")) == Mark("f.yaml", 9, 12)
    assert pos.at(("items", 7, "id")) == Mark("f.yaml", 8, 3)  # no item 7: where the list starts
    assert pos.at(()) == Mark("f.yaml", 2, 1)


def test_error_positions_line_and_column() -> None:
    # an unknown field in an option inside a decision: at the key, with 'did you mean'
    d = only(HEAD + """\
injects:
  - id: a
    at: turn 1
    to: [norvia]
    text: Hi.
    decision:
      options:
        - id: go
          label: Go
          efects: {cohesion: 1}
""")
    assert where(d) == (HEAD_LINES + 10, 11, "unknown-field") and "did you mean 'effects'" in d.message

    # a missing field: where the mapping that lacks it starts
    d = only(HEAD + "injects:\n  - id: a\n    at: turn 1\n")
    assert where(d) == (HEAD_LINES + 2, 5, "missing-field") and "'text'" in d.message

    # a wrong type: at the value
    d = only(HEAD.replace("turns: 8", "turns: eight"))
    assert where(d) == (4, 46, "type") and "clock.turns" in d.message

    # a value out of its range: at the value
    d = only(HEAD.replace("cohesion: {start: 60}", "cohesion: {start: 160}"))
    assert where(d) == (10, 13, "value") and "outside 0..100" in d.message

    # an unknown recipient: at the item in the list
    d = only(HEAD + "injects:\n  - {id: a, at: turn 1, to: [norvia, aldmrak], text: Hi.}\n")
    assert where(d) == (HEAD_LINES + 2, 38, "unknown-id") and "did you mean 'aldmark'" in d.message

    # an unquoted expression: the column of the unknown name itself
    d = only(HEAD + "injects:\n  - id: a\n    when: cohesion > 3 and suport[norvia] > 1\n    text: Hi.\n")
    assert where(d) == (HEAD_LINES + 3, 28, "unknown-name") and "did you mean 'support'" in d.message

    # a duplicate option id: at the second id
    d = only(HEAD + "injects:\n  - id: a\n    at: turn 1\n    to: [norvia]\n    text: Hi.\n    decision:\n"
                    "      options: [{id: go, label: Go}, {id: go, label: Again}]\n")
    assert where(d) == (HEAD_LINES + 7, 43, "duplicate-id")


def test_an_expression_starting_its_value_is_placed_at_its_first_character() -> None:
    d = only(HEAD + "injects:\n  - id: a\n    when: cohesoin > 3\n    text: Hi.\n")
    assert where(d) == (HEAD_LINES + 3, 11, "unknown-name")


def test_an_undefined_name_in_a_quoted_expression_points_at_the_name() -> None:
    d = only(HEAD + 'injects:\n  - id: a\n    when: "cohesion > 3 and suport[norvia] > 1"\n    text: Hi.\n')
    assert where(d) == (HEAD_LINES + 3, 29, "unknown-name")
    d = only(HEAD + 'injects:\n  - id: a\n    when: "cohesoin > 3"\n    text: Hi.\n')
    assert where(d) == (HEAD_LINES + 3, 12, "unknown-name")


def test_positions_are_in_the_file_that_has_the_problem(tmp_path: Path) -> None:
    main = write(tmp_path, {
        "scenario.yaml": HEAD + "include: [lib/x.yaml]\n",
        "lib/x.yaml": "ttx-library: 1\ninjects:\n  - {id: x, at: turn 1, to: [norvai], text: Hi.}\n",
    })
    with pytest.raises(ScenarioError) as info:
        load_scenario(main)
    (d,) = info.value.diagnostics
    assert Path(d.file) == tmp_path / "lib" / "x.yaml"
    assert where(d) == (3, 30, "unknown-id")
    assert str(d) == f"{d.file}:3:30: error[unknown-id]: unknown recipient 'norvai' (did you mean 'norvia'?)"


# -- includes ------------------------------------------------------------------------------------------------------

LIBRARY = """\
ttx-library: 1
title: Grid attack
params:
  victim: the nation whose grid fails
  helper: the partner asked for help
injects:
  - id: outage
    at: turn 1
    to: [victim]
    text: "The grid of {{ victim.name }} fails; {{ helper.name }} is asked for help."
    effects: {"support[self]": -5}
    decision:
      options:
        - id: ask
          label: Ask for help
          requires: "trust[victim][helper] >= 40"
          effects: {"trust[helper][victim]": +10}
        - {id: alone, label: Go it alone, effects: {"support[victim]": -2}}
      default: alone
  - id: thanks
    after: outage + 1 turn
    when: "chose('outage', 'ask', victim)"
    to: [helper]
    text: "{{ victim.name }} thanks you."
"""

TWICE = HEAD + """\
include:
  - path: libs/grid.yaml
    with: {victim: norvia, helper: kessland}
    prefix: "n-"
  - path: libs/grid.yaml
    with: {victim: aldmark, helper: norvia}
    prefix: "a-"
"""


def test_one_library_included_twice_with_different_bindings(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, {"scenario.yaml": TWICE, "libs/grid.yaml": LIBRARY}))
    assert list(sc.injects) == ["n-outage", "n-thanks", "a-outage", "a-thanks"]
    n, a = sc.injects["n-outage"], sc.injects["a-outage"]
    assert (n.nations, a.nations) == (("norvia",), ("aldmark",))
    assert n.params == {"victim": "norvia", "helper": "kessland"}
    assert a.params == {"victim": "aldmark", "helper": "norvia"}
    assert sc.injects["n-thanks"].nations == ("kessland",) and sc.injects["a-thanks"].nations == ("norvia",)
    assert sc.injects["n-thanks"].after == ("n-outage", 1) and sc.injects["a-thanks"].after == ("a-outage", 1)
    lay = sc.layout

    def slots(effects: list, me: int = -1) -> list[str]:  # type: ignore[type-arg]
        return [lay.keys[s] for e in effects for s in e.slots(me)]

    assert slots(n.options["ask"].effects) == ["trust[kessland][norvia]"]
    assert slots(a.options["ask"].effects) == ["trust[norvia][aldmark]"]
    assert slots(a.options["alone"].effects) == ["support[aldmark]"]
    assert slots(n.effects, 0) == ["support[norvia]"]  # 'self' of a release effect: its one recipient

    rt = SimpleNamespace(vals=list(sc.start), turn=1, released={}, chosen={}, capabilities={})
    rt.vals[lay.index["trust[norvia][kessland]"]] = 39  # n-outage's 'ask' needs norvia's trust in kessland
    assert n.options["ask"].requires(rt, 0) is False  # type: ignore[misc]
    assert a.options["ask"].requires(rt, 2) is True  # type: ignore[misc]
    # each copy of 'thanks' asks about its own copy of 'outage'
    rt.chosen = {("a-outage", "aldmark"): "ask"}
    assert sc.injects["a-thanks"].when(rt, -1) is True  # type: ignore[misc]
    assert sc.injects["n-thanks"].when(rt, -1) is False  # type: ignore[misc]
    assert set(sc.sources) == {"scenario.yaml", "libs/grid.yaml"}


def test_library_problems_are_reported_once_when_it_is_included_twice(tmp_path: Path) -> None:
    broken = LIBRARY.replace("label: Ask for help", "lable: Ask for help")
    main = write(tmp_path, {"scenario.yaml": TWICE, "libs/grid.yaml": broken})
    with pytest.raises(ScenarioError) as info:
        load_scenario(main)
    codes = [(Path(d.file).name, d.line, d.code) for d in info.value.diagnostics]
    assert codes == [("grid.yaml", 14, "missing-field"), ("grid.yaml", 15, "unknown-field")]


def test_library_expression_problem_reported_once_when_included_twice(tmp_path: Path) -> None:
    broken = LIBRARY.replace("trust[victim][helper] >= 40", "trust[victim][helper] >= fourty")
    main = write(tmp_path, {"scenario.yaml": TWICE, "libs/grid.yaml": broken})
    with pytest.raises(ScenarioError) as info:
        load_scenario(main)
    assert len(info.value.diagnostics) == 1, info.value


def test_include_paths_are_relative_to_the_including_file(tmp_path: Path) -> None:
    main = write(tmp_path, {
        "scenarios/s/scenario.yaml": HEAD + "include: [../../injects/a/outer.yaml]\n",
        "injects/a/outer.yaml": "ttx-library: 1\ninclude: [../b/inner.yaml]\n"
                                "injects: [{id: outer, at: turn 1, text: Outer.}]\n",
        "injects/b/inner.yaml": "ttx-library: 1\ninjects: [{id: inner, at: turn 2, text: Inner.}]\n",
    })
    sc = load_scenario(main)
    assert list(sc.injects) == ["inner", "outer"]
    assert set(sc.sources) == {"scenario.yaml", "../../injects/a/outer.yaml", "../../injects/b/inner.yaml"}
    assert load_sources(sc.sources, sc.main).hash == sc.hash  # a stored snapshot replays without the disk


def test_a_diamond_is_not_a_cycle(tmp_path: Path) -> None:
    main = write(tmp_path, {
        "scenario.yaml": HEAD + "include:\n  - {path: a.yaml, prefix: a-}\n  - {path: b.yaml, prefix: b-}\n",
        "a.yaml": "ttx-library: 1\ninclude: [c.yaml]\n",
        "b.yaml": "ttx-library: 1\ninclude: [c.yaml]\n",
        "c.yaml": "ttx-library: 1\ninjects: [{id: c, at: turn 1, text: C.}]\n",
    })
    assert list(load_scenario(main).injects) == ["a-c", "b-c"]


def test_a_scenario_including_itself_is_a_cycle(tmp_path: Path) -> None:
    main = write(tmp_path, {"scenario.yaml": HEAD + "include: [scenario.yaml]\n"})
    with pytest.raises(ScenarioError) as info:
        load_scenario(main)
    (d,) = info.value.diagnostics
    assert where(d) == (HEAD_LINES + 1, 11, "include-cycle")


def test_include_problems_in_one_run(tmp_path: Path) -> None:
    main = write(tmp_path, {
        "scenario.yaml": HEAD + "include:\n  - gone.yaml\n  - {path: grid.yaml, with: {victim: norvia}}\n"
                                "  - loop.yaml\n",
        "grid.yaml": LIBRARY,
        "loop.yaml": "ttx-library: 1\ninclude: [loop.yaml]\n",
    })
    with pytest.raises(ScenarioError) as info:
        load_scenario(main)
    got = {(Path(d.file).name, d.line, d.code) for d in info.value.diagnostics}
    assert ("scenario.yaml", HEAD_LINES + 2, "include") in got
    assert ("scenario.yaml", HEAD_LINES + 3, "include-param") in got
    assert ("loop.yaml", 2, "include-cycle") in got


# -- the content hash ----------------------------------------------------------------------------------------------


def test_hash_is_stable_and_follows_every_file(tmp_path: Path) -> None:
    main = write(tmp_path / "one", {"scenario.yaml": TWICE, "libs/grid.yaml": LIBRARY})
    first = load_scenario(main).hash
    assert load_scenario(main).hash == first
    assert len(first) == 64 and int(first, 16) >= 0

    # the same files somewhere else: the same hash (keys are relative to the scenario's folder)
    other = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(tmp_path / "one", other)
    assert load_scenario(other / "scenario.yaml").hash == first

    # any change to the main file, even a comment, is another version
    (other / "scenario.yaml").write_text(TWICE + "# a note\n")
    changed_main = load_scenario(other / "scenario.yaml").hash
    assert changed_main != first

    # a change to an included library is another version too
    (tmp_path / "one" / "libs" / "grid.yaml").write_text(LIBRARY.replace("Go it alone", "Go alone"))
    changed_lib = load_scenario(main).hash
    assert changed_lib not in (first, changed_main)

    # and back again: the hash is of the content, nothing else
    (tmp_path / "one" / "libs" / "grid.yaml").write_text(LIBRARY)
    assert load_scenario(main).hash == first


def test_hash_of_mini_is_the_hash_of_its_sources() -> None:
    sc = load_scenario(MINI)
    assert sc.sources == {"mini.yaml": MINI.read_text(encoding="utf-8")}
    assert load_sources(dict(sc.sources), "mini.yaml").hash == sc.hash


# -- scenario time -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at,turn",
    [
        ('"D+0 06:00"', 1),  # the start is turn 1
        ('"D+0 12:00"', 2),  # one step of 6h later
        ('"D+1 06:00"', 5),  # 24h later: four steps
        ('"D+1 00:00"', 4),
        ('"D+0 07:00"', 2),  # between turns: released at the first turn not before it
        ('"D-1 23:00"', 1),  # before the start: the first turn
        ('"D + 1 6:00"', 5),
        ("turn 3", 3),
        ("7", 7),
        ('"D+1 18:00"', 7),
    ],
)
def test_scenario_time_maps_to_a_turn(at: str, turn: int) -> None:
    sc = load_sources({"s.yaml": HEAD + f"injects:\n  - {{id: a, at: {at}, text: Hi.}}\n"}, "s.yaml")
    assert sc.injects["a"].turn == turn
    assert sc.time_of(5) == "D+1 06:00"


@pytest.mark.parametrize(
    "at,message",
    [
        ('"D+2 12:00"', "turn 10 is outside the exercise (turns 1 to 8)"),
        ("turn 0", "turn 0 is outside"),
        ('"D+1 25:00"', "neither 'turn N' nor a scenario time"),
        ('"tomorrow"', "neither 'turn N' nor a scenario time"),
        ("6:30", "neither 'turn N' nor a scenario time"),
    ],
)
def test_scenario_time_problems(at: str, message: str) -> None:
    d = only(HEAD + f"injects:\n  - id: a\n    at: {at}\n    text: Hi.\n")
    assert where(d) == (HEAD_LINES + 3, 9, "schedule") and message in d.message


def test_clock_problems() -> None:
    d = only(HEAD.replace('step: 6h', 'step: 6 hours'))
    assert d.code == "clock" and (d.line, d.col) == (4, 35)


# -- where includes are read from (loader.py's docstring) -------------------------------------------------------

LIB = "ttx-library: 1\ninjects: [{{id: {id}, at: turn 1, text: {id}.}}]\n"


def test_an_include_is_looked_up_in_the_injects_folders_beside_the_scenario(tmp_path: Path) -> None:
    main = write(tmp_path / "work", {
        "scenarios/x/scenario.yaml": HEAD + "include: [hybrid/grid.yaml, near.yaml]\n",
        "injects/hybrid/grid.yaml": LIB.format(id="far") + "include: [common.yaml]\n",
        "injects/hybrid/common.yaml": LIB.format(id="common"),
        "scenarios/x/injects/near.yaml": LIB.format(id="near"),
    })
    sc = load_scenario(main)
    assert sorted(sc.injects) == ["common", "far", "near"]
    # keys stay relative to the scenario's folder as written, so the stored copy replays without the disk
    assert set(sc.sources) == {"scenario.yaml", "hybrid/grid.yaml", "hybrid/common.yaml", "near.yaml"}
    assert load_sources(sc.sources, sc.main).hash == sc.hash
    # and messages name the file where it was found
    (tmp_path / "work" / "injects" / "hybrid" / "common.yaml").write_text("ttx-library: 1\ninjcts: []\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(main)
    (d,) = info.value.diagnostics
    assert Path(d.file) == tmp_path / "work" / "injects" / "hybrid" / "common.yaml"


def test_a_file_beside_the_including_file_comes_before_the_library_roots(tmp_path: Path) -> None:
    main = write(tmp_path, {
        "s/scenario.yaml": HEAD + "include: [lib.yaml]\n",
        "s/lib.yaml": LIB.format(id="mine"),
        "s/injects/lib.yaml": LIB.format(id="beside"),
        "shared/lib.yaml": LIB.format(id="shared"),
    })
    assert list(load_scenario(main, [tmp_path / "shared"]).injects) == ["mine"]
    (tmp_path / "s" / "lib.yaml").unlink()
    assert list(load_scenario(main, [tmp_path / "shared"]).injects) == ["beside"]
    (tmp_path / "s" / "injects" / "lib.yaml").unlink()
    assert list(load_scenario(main, [tmp_path / "shared"]).injects) == ["shared"]


def test_a_library_folder_opens_only_itself(tmp_path: Path) -> None:
    main = write(tmp_path, {
        "s/scenario.yaml": HEAD + "include: [../shared/lib.yaml, ../other/lib.yaml]\n",
        "shared/lib.yaml": LIB.format(id="shared"),
        "other/lib.yaml": LIB.format(id="other"),
    })
    with pytest.raises(ScenarioError) as info:
        load_scenario(main, [tmp_path / "shared"])
    (d,) = info.value.diagnostics
    assert (d.code, d.line) == ("include-outside", HEAD_LINES + 1) and "../other/lib.yaml" in d.message


def test_a_stored_session_replays_keys_that_climb_and_keys_that_are_absolute() -> None:
    """The stored copy is read by key: whatever the confinement on disk, a session replays as it was stored."""
    lib = LIB.format(id="x")
    for key in ["../../injects/x.yaml", "/opt/libs/x.yaml"]:
        sources = {"s.yaml": HEAD + f"include: [{key}]\n", key: lib}
        assert list(load_sources(sources, "s.yaml").injects) == ["x"]
