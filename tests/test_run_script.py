"""`tabletop run --script`: scripted control and team commands, stored as they happen, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from _session_log import log_without_wall, verified
from harness import in_process as cli
from harness import tabletop

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini.yaml"
SCRIPTS = REPO / "tests" / "fixtures" / "scripts"
SHARE = SCRIPTS / "mini-share.yaml"

EXPECTED_TYPES = [
    "SessionStarted", "InjectReleased",  # the start, and grid-down due at turn 1
    "DecisionTaken", "OutcomeRolled",  # Norvia shares; roll 0.1 picks the first outcome
    "MessageSent",
    "ClockAdvanced", "InjectReleased",  # turn 2: the summit
    "VoteCast", "VoteCast", "DecisionTaken",  # the Compact decides by consensus
    "ObservationNoted", "Adjudicated",
    "ClockAdvanced", "SessionEnded",  # turn 3, then the last turn ends
]


def test_script_produces_the_expected_events(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    done = tabletop("run", MINI, "--db", db, "--script", SHARE)
    assert done.returncode == 0, done.stderr
    got = log_without_wall(db, via_cli=True)
    assert got == log_without_wall(db)
    assert [e["type"] for e in got] == EXPECTED_TYPES
    assert [e["seq"] for e in got] == list(range(1, len(EXPECTED_TYPES) + 1))
    start = got[0]
    assert start["scenario_id"] == "mini" and start["seed"] == 3 and start["mode"] == "headless"
    assert start["teams"] == {"norvia": "human", "kessland": "human"}
    decision, roll = got[2], got[3]
    assert (decision["team"], decision["inject"], decision["option"], decision["by"]) == \
        ("norvia", "grid-down", "share", "team")
    assert decision["rationale"] == "Partners need the indicators now"
    assert roll["roll"] == 0.1 and roll["outcome"] == 0 and roll["cause"] == 3
    assert got[4]["sender"] == "norvia" and got[4]["to"] == ["kessland"]
    assert [(v["nation"], v["option"]) for v in got[7:9]] == [("norvia", "act"), ("kessland", "act")]
    assert (got[9]["team"], got[9]["option"], got[9]["by"]) == ("nac", "act", "organisation")
    assert got[10]["objective"] == "O1" and got[10]["rating"] == "S"
    assert got[11]["target"] == "cohesion" and got[11]["change"] == -2
    assert got[13]["ending"] == "holds" and got[13]["turn"] == 3
    # told as it happens, readably
    out = done.stdout
    for part in ("Mini", "Turn 1 of 3 · D+0 06:00", "Turn 2 of 3 · D+0 12:00", "Blackouts across Norvia.",
                 "Share now", "Partners need the indicators now", "chance 70%", "Act together",
                 "Ending: Coalition holds", "final state"):
        assert part in out, part
    assert tabletop("verify", db).returncode == 0


def test_seed_on_the_command_line_overrides_the_script(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert cli("run", MINI, "--db", db, "--script", SHARE, "--seed", "9").returncode == 0
    assert log_without_wall(db)[0]["seed"] == 9


def test_bot_teams_act_on_bots_steps(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    done = cli("run", MINI, "--db", db, "--script", SCRIPTS / "mini-bots.yaml")
    assert done.returncode == 0, done.stderr
    got = log_without_wall(db)
    assert got[0]["teams"] == {"norvia": "human", "kessland": "bot:hawkish"} and got[0]["seed"] == 1
    votes = [(e["nation"], e["by"]) for e in got if e["type"] == "VoteCast"]
    assert ("kessland", "bot") in votes and ("norvia", "team") in votes
    assert got[-1]["type"] == "SessionEnded"


def test_running_a_finished_script_again_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert cli("run", MINI, "--db", db, "--script", SHARE).returncode == 0
    before = log_without_wall(db)
    again = cli("run", MINI, "--db", db, "--script", SHARE)
    assert again.returncode == 0, again.stderr
    assert "already ended" in again.stdout
    assert log_without_wall(db) == before


def _write_script(path: Path, steps: list[Any], **head: Any) -> Path:
    path.write_text(yaml.safe_dump({**head, "steps": steps}, sort_keys=False))
    return path


def test_a_run_stopped_after_any_step_resumes_to_the_same_log(tmp_path: Path) -> None:
    """A run that stopped after step k (as a crash would leave it: the log ends at a step's last event)
    resumes at step k+1 and ends with exactly the events of an uninterrupted run."""
    script = yaml.safe_load(SHARE.read_text())
    ref = tmp_path / "ref.sqlite"
    assert cli("run", MINI, "--db", ref, "--script", SHARE).returncode == 0
    want = log_without_wall(ref)
    for k in (1, 3, 6):  # after the first decision; after a step with no events; between two votes
        db = tmp_path / f"stopped-{k}.sqlite"
        head = {"seed": script["seed"], "teams": script["teams"]}
        prefix = _write_script(tmp_path / f"prefix-{k}.yaml", script["steps"][:k], **head)
        first = cli("run", MINI, "--db", db, "--script", prefix)
        assert first.returncode == 0, first.stderr
        assert len(log_without_wall(db)) < len(want)
        resumed = cli("run", MINI, "--db", db, "--script", SHARE)
        assert resumed.returncode == 0, resumed.stderr
        assert "resumed" in resumed.stdout and f"step {k + 1} of {len(script['steps'])} next" in resumed.stdout
        assert log_without_wall(db) == want, k
        assert verified(db)


def test_a_changed_script_is_not_mixed_into_the_log(tmp_path: Path) -> None:
    script = yaml.safe_load(SHARE.read_text())
    db = tmp_path / "s.sqlite"
    head = {"seed": script["seed"], "teams": script["teams"]}
    prefix = _write_script(tmp_path / "prefix.yaml", script["steps"][:2], **head)
    assert cli("run", MINI, "--db", db, "--script", prefix).returncode == 0
    before = log_without_wall(db)
    changed = list(script["steps"])
    changed[0] = {**changed[0], "option": "wait"}
    other = _write_script(tmp_path / "other.yaml", changed, **head)
    done = cli("run", MINI, "--db", db, "--script", other)
    assert done.returncode == 1
    assert "not made by this script" in done.stderr and "Traceback" not in done.stderr
    assert log_without_wall(db) == before


def test_a_refused_step_stops_the_run_with_its_line(tmp_path: Path) -> None:
    script = _write_script(tmp_path / "bad.yaml", [
        {"team": "norvia", "inject": "grid-down", "option": "wait", "rationale": "wait"},
        {"team": "norvia", "inject": "grid-down", "option": "share", "rationale": "changed our mind"},
        {"advance": 1},
    ], teams={"norvia": "human"})
    db = tmp_path / "s.sqlite"
    done = cli("run", MINI, "--db", db, "--script", script)
    assert done.returncode == 1
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("refused: ") and "bad.yaml:" in line and "step 2" in line and "already decided" in line
    stored = log_without_wall(db)
    assert [e["type"] for e in stored] == ["SessionStarted", "InjectReleased", "DecisionTaken"]
    again = cli("run", MINI, "--db", db, "--script", script)  # resumes at step 2: refused again, nothing doubled
    assert again.returncode == 1 and log_without_wall(db) == stored


def test_a_script_that_stops_before_the_end(tmp_path: Path) -> None:
    script = _write_script(tmp_path / "short.yaml", [{"advance": 1}])
    db = tmp_path / "s.sqlite"
    done = cli("run", MINI, "--db", db, "--script", script)
    assert done.returncode == 0, done.stderr
    assert "has not ended" in done.stdout
    types = [e["type"] for e in log_without_wall(db)]
    assert "ClockAdvanced" in types and types[-1] == "InjectReleased" and "SessionEnded" not in types
    again = cli("run", MINI, "--db", db, "--script", script)
    assert again.returncode == 0 and "all done" in again.stdout


def test_a_session_of_another_scenario_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert cli("run", MINI, "--db", db, "--script", SHARE).returncode == 0
    done = cli("run", "tutorial", "--db", db, "--bots")
    assert done.returncode == 1 and "holds a session of 'mini'" in done.stderr


def test_a_changed_scenario_file_continues_with_the_stored_snapshot(tmp_path: Path) -> None:
    scenario = tmp_path / "mini.yaml"
    scenario.write_text(MINI.read_text())
    script = yaml.safe_load(SHARE.read_text())
    head = {"seed": script["seed"], "teams": script["teams"]}
    prefix = _write_script(tmp_path / "prefix.yaml", script["steps"][:4], **head)
    db = tmp_path / "s.sqlite"
    assert cli("run", scenario, "--db", db, "--script", prefix).returncode == 0
    scenario.write_text(MINI.read_text().replace("cohesion: +10", "cohesion: +30"))
    done = cli("run", scenario, "--db", db, "--script", SHARE)
    assert done.returncode == 0, done.stderr
    assert "has changed since this session started" in done.stderr
    ref = tmp_path / "ref.sqlite"
    assert cli("run", MINI, "--db", ref, "--script", SHARE).returncode == 0
    assert log_without_wall(db) == log_without_wall(ref)  # played on the stored version: +10, not +30


def test_retracted_events_in_the_log(tmp_path: Path) -> None:
    script = _write_script(tmp_path / "undo.yaml", [
        {"team": "norvia", "inject": "grid-down", "option": "wait", "rationale": "too early"},
        {"retract": True, "reason": "pressed the wrong option"},
        {"team": "norvia", "inject": "grid-down", "option": "share", "rationale": "share after all", "roll": 0.9},
    ], teams={"norvia": "human"})
    db = tmp_path / "s.sqlite"
    assert cli("run", MINI, "--db", db, "--script", script).returncode == 0
    got = log_without_wall(db, via_cli=True)
    retraction = next(e for e in got if e["type"] == "EventRetracted")
    # the event's own 'seq' (what it retracts) cannot share the row's key: it is written as event_seq
    assert retraction["event_seq"] == 3 and retraction["seq"] == 4
    text = cli("log", db).stdout.splitlines()
    assert text[2].rstrip().endswith("(retracted)") and "(retracted)" not in text[3]


def test_teams_naming_no_nation_are_refused_and_leave_no_file(tmp_path: Path) -> None:
    script = _write_script(tmp_path / "teams.yaml", [{"advance": 1}], teams={"atlantis": "human"})
    db = tmp_path / "s.sqlite"
    done = cli("run", MINI, "--db", db, "--script", script)
    assert done.returncode == 1 and "unknown nation 'atlantis'" in done.stderr and "Traceback" not in done.stderr
    assert not db.exists()
