"""Libraries that are libraries: no scenario's names written into `injects/`; a name one scenario gives (a cable, a
ship, an exercise, a threat cluster) is a text parameter (`names:`) that the including scenario binds by `with:`."""

from __future__ import annotations

import re

import pytest

from exercise.engine.compile import load_scenario, load_sources
from exercise.engine.diagnostics import ScenarioError
from exercise.engine.inject_words import inject_words
from exercise.resources import data_dir

INJECTS = data_dir("injects")
SCENARIOS = data_dir("scenarios")


def scenario_names() -> set[str]:
    """Every bundled scenario's own names: its nations, organisations and the names it binds to libraries."""
    names: set[str] = set()
    for path in SCENARIOS.glob("*/scenario.yaml"):
        sc = load_scenario(path)
        names |= {n.name for n in sc.nations.values()} | {n.short for n in sc.nations.values() if n.short}
        names |= {o.name for o in sc.orgs.values()}
        names |= {w for ci in sc.injects.values() for w in ci.words.values()}
    # Places and actors the flagships' briefs invent, which a library must not assume either.
    return names | {"Dravia", "Skarholm", "Lantern", "Velda", "Mirel", "Meridian", "Red Wells", "Boreal"}


@pytest.mark.parametrize("library", sorted(p.relative_to(INJECTS).as_posix() for p in INJECTS.rglob("*.yaml")))
def test_a_library_names_no_scenarios_own_things(library: str) -> None:
    text = (INJECTS / library).read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    # The parameters' own descriptions may cite a flagship's value as an example ("Northern Shield: BSC-2").
    body = re.sub(r"\((?:Northern Shield|Dry River|the tutorial): [^)]*\)", "", body)
    found = sorted(n for n in scenario_names() if re.search(rf"\b{re.escape(n)}\b", body))
    assert not found, f"{library} names {found}: make each a parameter"


def test_the_flagships_pass_their_names_and_the_words_read_as_before() -> None:
    sc = load_scenario(SCENARIOS / "northern-shield")
    cut = inject_words(sc, sc.injects["cb-cut"], 5)
    assert cut["control"].title == "BSC-2 goes dark"
    assert "the bulk carrier Merid Star passing over the cut" in cut["control"].text
    assert inject_words(sc, sc.injects["bs-exercise"], 5)["control"].title == "Boreal Guard"


LIBRARY = """\
ttx-library: 1
params: {owner: the nation}
names: {cable: the cable's name}
injects:
  - {id: cut, at: turn 1, to: [owner], text: "{{ TEXT }}"}
"""
SCENARIO = """\
ttx: 1
id: s
title: S
nations: [{id: norvia, name: Norvia}]
include: [{path: lib.yaml, with: WITH}]
endings: [{id: e, title: E}]
"""


def load(text: str, with_: str) -> object:
    return load_sources({"s.yaml": SCENARIO.replace("WITH", with_), "lib.yaml": LIBRARY.replace("TEXT", text)},
                        "s.yaml")


def test_an_unbound_text_parameter_is_an_error_that_says_what_it_stands_for() -> None:
    with pytest.raises(ScenarioError, match=r"s\.yaml:5:\d+: error\[include-param\]: text parameter 'cable' of "
                                            r"lib\.yaml is not bound .*the cable's name"):
        load("cable", "{owner: norvia}")


def test_a_text_parameter_is_words_with_no_attributes() -> None:
    with pytest.raises(ScenarioError, match=r"lib\.yaml:5:\d+: error\[template\]: 'cable' is text: it has no "
                                            r"attribute 'name'"):
        load("cable.name", "{owner: norvia, cable: BSC-2}")
