"""The committed JSON Schemas (schema/*.json, used by editors) match the pydantic models they come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise.engine.schema import SCHEMAS, dumps, library_schema, scenario_schema, schema_for

REPO = Path(__file__).resolve().parents[1]
REGENERATE = {
    "tabletop-scenario.schema.json": "tabletop schema > schema/tabletop-scenario.schema.json",
    "tabletop-library.schema.json": "tabletop schema --library > schema/tabletop-library.schema.json",
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_the_models(name: str) -> None:
    path = REPO / "schema" / name
    assert path.is_file(), f"schema/{name} is missing: generate it with `{REGENERATE[name]}`"
    if path.read_text(encoding="utf-8") != dumps(schema_for(name)):
        pytest.fail(f"schema/{name} is out of date with exercise/engine/models.py; regenerate it with "
                    f"`{REGENERATE[name]}` and commit the result")


def test_every_schema_has_a_regenerate_command() -> None:
    assert set(REGENERATE) == set(SCHEMAS)


def test_schema_uses_the_names_authors_write() -> None:
    sc = scenario_schema()
    assert sc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sc["additionalProperties"] is False  # a typo is an error in the editor too
    defs = sc["$defs"]
    assert "from" in defs["Inject"]["properties"] and "from_" not in defs["Inject"]["properties"]
    assert "with" in defs["IncludeSpec"]["properties"]
    assert set(sc["required"]) >= {"ttx", "id", "title", "nations", "endings"}
    lib = library_schema()
    assert {"ttx-library", "requires-state", "params", "injects"} <= set(lib["properties"])
    assert "ttx-library" in lib["required"]


def test_the_bundled_files_use_only_known_top_level_fields() -> None:
    """A light check without a JSON Schema validator: what the tutorial and the libraries write at the top
    level is declared in the schema (the models check the rest)."""
    import yaml

    sc_props = set(scenario_schema()["properties"])
    lib_props = set(library_schema()["properties"])
    for path in [*(REPO / "scenarios").glob("*/scenario.yaml"), *(REPO / "injects").rglob("*.yaml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        props = lib_props if "ttx-library" in data else sc_props
        assert set(data) <= props, (path, set(data) - props)


def test_schema_files_are_valid_json_and_referenced_by_the_tutorial() -> None:
    for name in SCHEMAS:
        json.loads((REPO / "schema" / name).read_text(encoding="utf-8"))
    tutorial = REPO / "scenarios" / "tutorial" / "scenario.yaml"
    first = tutorial.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/tabletop-scenario.schema.json"
    assert (tutorial.parent / "../../schema/tabletop-scenario.schema.json").resolve().is_file()


def _undescribed(schema: dict[str, object]) -> list[str]:
    """Every property of the schema (top level and each definition) that has no description."""
    out = []
    places = [("(top)", schema), *dict(schema.get("$defs", {})).items()]  # type: ignore[call-overload]
    for where, spec in places:
        for name, prop in dict(spec.get("properties", {})).items():
            if "description" not in prop:
                out.append(f"{where}.{name}")
    return out


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_property_says_what_it_is(name: str) -> None:
    """An editor shows a property's description as the author types: none may be missing."""
    missing = _undescribed(schema_for(name))
    assert not missing, f"{name}: no description for {', '.join(missing)} (add Field(description=...) in models.py)"
