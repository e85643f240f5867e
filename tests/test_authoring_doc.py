"""docs/authoring.md is the author's reference: every property of the scenario and library formats is named there."""

from __future__ import annotations

from pathlib import Path

from exercise.engine.schema import library_schema, scenario_schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"


def test_every_schema_property_is_named_in_the_authors_reference() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = set()
    for schema in (scenario_schema(), library_schema()):
        for spec in [schema, *schema.get("$defs", {}).values()]:
            for name in spec.get("properties", {}):
                if f"`{name}`" not in text and f"{name}:" not in text:
                    missing.add(name)
    assert not missing, f"docs/authoring.md does not name: {', '.join(sorted(missing))}"
