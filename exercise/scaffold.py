"""`tabletop new NAME`: a scenario folder that validates and plays as written, to edit rather than start blank."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined


class ScaffoldError(Exception):
    pass


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not s:
        raise ScaffoldError(f"'{name}' has no letters or digits to make an id from")
    return s


def schema_path() -> str:
    """Where editors find the scenario schema: the copy installed with tabletop."""
    from .resources import data_dir

    return (data_dir("schema") / "tabletop-scenario.schema.json").resolve().as_uri()


def scaffold(name: str, folder: Path) -> Path:
    """Write FOLDER/<slug>/scenario.yaml and GUIDE.md; refuse to overwrite anything."""
    sid = slug(name)
    target = folder / sid
    if target.exists():
        raise ScaffoldError(f"{target} already exists: choose another name or remove it")
    env = Environment(loader=PackageLoader("exercise", "scaffold_templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    title = name.strip() if not re.fullmatch(r"[a-z0-9-]+", name.strip()) else name.replace("-", " ").title()
    target.mkdir(parents=True)
    for template, out in (("scenario.yaml.j2", "scenario.yaml"), ("GUIDE.md.j2", "GUIDE.md")):
        text = env.get_template(template).render(id=sid, title=title, schema=schema_path())
        (target / out).write_text(text, encoding="utf-8")
    return target / "scenario.yaml"
