"""Exercise facts (HSEEP's overview: scope, mission areas, threat, sponsor, point of contact, participating
organisations) from the scenario's `exercise:` block, and who played each nation from `run --player`, stored
in SessionStarted (v3) and shown in the report; logs written before v3 still read."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import TUTORIAL, in_process, no_traceback
from pydantic import ValidationError

from exercise.engine.events import SessionStarted
from exercise.engine.schema import scenario_schema
from exercise.report import build

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("facts") / "s.sqlite"
    done = in_process("run", TUTORIAL, "--db", db, "--bots", "--seed", 4,
                      "--player", "maren=Ministry of Foreign Affairs, <b>Maren</b> desk",
                      "--player", "ostrand=  Cdr.   Ada Lovelace ")
    assert done.returncode == 0, done.stderr
    return db


def test_the_overview_states_the_bundled_scenarios_facts(played: Path) -> None:
    facts = dict(build(played).overview.facts)
    assert list(facts) == ["Scope", "Mission areas", "Threat or hazard", "Sponsor", "Point of contact",
                           "Participating organisations"]
    assert facts["Mission areas"] == "Protection, Response"
    assert "cyber attack on a port" in facts["Threat or hazard"]
    assert "Port authority and national CERT" in facts["Participating organisations"]
    assert all(facts.values())


def test_who_played_each_nation_is_stored_and_reported(played: Path, tmp_path: Path) -> None:
    nations = {n.id: n for n in build(played).overview.nations}
    assert nations["maren"].played_by == "Ministry of Foreign Affairs, <b>Maren</b> desk (bot, cautious)"
    assert nations["ostrand"].played_by.startswith("Cdr. Ada Lovelace (")  # spaces collapsed as typed
    assert nations["tarvos"].played_by == nations["tarvos"].player  # nobody named: people or bot alone
    done = in_process("report", played, "-f", "md,html", "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "s-aar.html").read_text(encoding="utf-8")
    assert "Ministry of Foreign Affairs, &lt;b&gt;Maren&lt;/b&gt; desk" in html  # text, never markup
    assert "<th scope=\"row\">Threat or hazard</th>" in html
    md = (tmp_path / "s-aar.md").read_text(encoding="utf-8")
    assert "| Sponsor | The organisation running the workshop" in md


def test_an_unknown_nation_or_an_empty_name_is_one_line(tmp_path: Path) -> None:
    for bad, said in ((["--player", "atlantis=Someone"], "'atlantis' is not a nation"),
                      (["--player", "maren="], 'give NATION="name or role"'),
                      (["--player", "maren=A", "--player", "maren=B"], "names maren twice")):
        done = in_process("run", TUTORIAL, "--db", tmp_path / "x.sqlite", "--bots", *bad)
        no_traceback(done)
        assert done.returncode != 0 and said in done.stderr, done.stderr
        assert not (tmp_path / "x.sqlite").exists()


def test_logs_from_before_v3_still_read_and_cannot_name_players() -> None:
    old = {"type": "SessionStarted", "v": 2, "scenario_id": "t", "scenario_title": "T", "scenario_hash": "h",
           "seed": 1, "teams": {"a": "human"}}
    assert SessionStarted.model_validate(old).players == {}
    with pytest.raises(ValidationError, match="before v3"):
        SessionStarted.model_validate({**old, "players": {"a": "Someone"}})


def test_the_schema_describes_the_facts_block() -> None:
    facts = scenario_schema()["$defs"]["ExerciseFacts"]["properties"]
    assert {"scope", "mission-areas", "threat", "sponsor", "contact", "participating"} <= set(facts)
    assert all(p.get("description") for p in facts.values())


def test_a_scenario_without_facts_says_not_stated(tmp_path: Path) -> None:
    from harness import MINI

    db = tmp_path / "m.sqlite"
    assert in_process("run", MINI, "--db", db, "--bots").returncode == 0
    assert dict(build(db).overview.facts)["Sponsor"] == ""
    assert in_process("report", db, "-f", "md", "-o", tmp_path).returncode == 0
    assert "| Sponsor | *not stated in the scenario* |" in (tmp_path / "m-aar.md").read_text(encoding="utf-8")
