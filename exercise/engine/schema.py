"""JSON Schema of the scenario and inject-library formats, generated from the pydantic models.

The models are the single source of truth; `schema/*.schema.json` in the repository are generated
from here (`tabletop schema > schema/tabletop-scenario.schema.json`,
`tabletop schema --library > schema/tabletop-library.schema.json`)
and a drift test fails when they differ. Fields are named by alias (`from`, `with`, `ttx-library`), as
authors write them, so an editor (yaml-language-server) completes and checks the real keys.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from .models import Library, Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# file name in schema/ -> (model, title)
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "tabletop-scenario.schema.json": (Scenario, "tabletop scenario"),
    "tabletop-library.schema.json": (Library, "tabletop inject library"),
}


def _schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    body = model.model_json_schema(by_alias=True, mode="validation")
    head: dict[str, Any] = {"$schema": DIALECT, "title": title}
    body.pop("title", None)
    return {**head, **body}


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (`ttx: 1`)."""
    model, title = SCHEMAS["tabletop-scenario.schema.json"]
    return _schema(model, title)


def library_schema() -> dict[str, Any]:
    """The JSON Schema of an inject library file (`ttx-library: 1`)."""
    model, title = SCHEMAS["tabletop-library.schema.json"]
    return _schema(model, title)


def schema_for(file_name: str) -> dict[str, Any]:
    model, title = SCHEMAS[file_name]
    return _schema(model, title)


def dumps(schema: dict[str, Any]) -> str:
    """The one serialisation written to disk and printed: stable, so the drift test compares text."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
