"""The `tabletop` command line as outside checks use it: help, exit codes, one-line errors, output formats."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from harness import in_process as cli
from harness import no_traceback, tabletop

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini.yaml"
SCRIPT = REPO / "tests" / "fixtures" / "scripts" / "mini-share.yaml"
TUTORIAL = REPO / "scenarios" / "tutorial" / "scenario.yaml"
LIBRARY = REPO / "injects" / "hybrid" / "port-cyberattack.yaml"
DIAG = re.compile(r"^[^:\n]+:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: \S.*$")

BROKEN = """ttx: 1
id: broken
title: Broken
titel: typo
nations:
  - {id: norvia, name: Norvia}
state:
  cohesion: {start: 60}
injects:
  - id: first
    at: turn 1
    text: hello
    effects: {cohesoin: +5}
endings:
  - {id: end, title: End}
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    return path


# -- help and version ------------------------------------------------------------------------------

# Every command's help, and the list of commands itself: tests/test_cli_commands.py

def test_version() -> None:
    from exercise import __version__

    done = tabletop("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"tabletop {__version__}"


def test_the_console_script_is_tabletop_and_leaves_fonttools_ttx_alone() -> None:
    """The command is `tabletop`. A `ttx` script of ours would clobber fontTools' `ttx` (WeasyPrint, our own
    pdf extra, installs fontTools), so the package must not install one."""
    bin_dir = Path(sys.executable).parent
    script = bin_dir / "tabletop"
    assert script.exists(), "pip install -e . installs the tabletop command"
    assert "exercise.cli" in script.read_text(errors="replace")
    ttx = bin_dir / "ttx"
    if ttx.exists():  # fontTools' own
        assert "exercise" not in ttx.read_text(errors="replace")


def test_usage_errors_are_short_and_not_tracebacks() -> None:
    cases = [("frobnicate",), ("simulate", MINI, "--bots", "nobody"), ("run", MINI), ("simulate", MINI, "-n", "0"),
             ("log",), ("validate", "--strictly", MINI)]
    for args in cases:
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr)  # click's usage errors
        no_traceback(done)
    real = tabletop("frobnicate")
    assert real.returncode == 2 and "No such command" in real.stderr
    no_traceback(real)


# -- validate --------------------------------------------------------------------------------------

def test_validate_clean_files_exit_0() -> None:
    done = cli("validate", MINI, TUTORIAL.parent, LIBRARY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: 3 files" in done.stderr
    for line in done.stdout.splitlines():  # warnings may be printed: in the same format
        assert DIAG.match(line), line
    by_id = cli("validate", "tutorial", cwd=Path("/"))  # a bundled scenario by its id
    assert by_id.returncode == 0 and "ok: 1 file" in by_id.stderr


def test_validate_reports_each_problem_with_position(broken: Path) -> None:
    done = tabletop("validate", broken.name, cwd=broken.parent)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines == ["broken.yaml:4:1: error[unknown-field]: unknown field 'titel' (did you mean 'title'?)"]
    assert "failed: 1 error in 1 file" in done.stderr
    no_traceback(done)
    # once the fields are right, every reference problem is reported in one run
    fixed = broken.parent / "refs.yaml"
    fixed.write_text(BROKEN.replace("titel: typo\n", "").replace("at: turn 1", "when: cohesion > 5 and trust > 3"))
    done = cli("validate", fixed.name, cwd=broken.parent)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert all(DIAG.match(line) for line in lines), lines
    assert any(line.startswith("refs.yaml:10:") and "trust" in line for line in lines), lines
    assert any(line.startswith("refs.yaml:12:") and "cohesoin" in line and "did you mean 'cohesion'" in line
               for line in lines), lines


def test_validate_strict_fails_on_warnings(tmp_path: Path) -> None:
    # mini.yaml changes support but nothing reads it: a warning
    plain = cli("validate", MINI)
    assert plain.returncode == 0 and "warning[" in plain.stdout
    strict = cli("validate", "--strict", MINI)
    assert strict.returncode == 1 and "warning[" in strict.stdout


def test_validate_missing_file_and_empty_folder(tmp_path: Path) -> None:
    done = cli("validate", "nope.yaml", tmp_path, cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("nope.yaml:1:1: error[file]: ")
    assert all(DIAG.match(line) for line in lines)
    no_traceback(done)


def test_validate_every_bad_fixture_gives_positioned_lines() -> None:
    bad = sorted((REPO / "tests" / "bad").glob("*.yaml"))
    if not bad:
        pytest.skip("no tests/bad fixtures")
    done = cli("validate", *bad)
    no_traceback(done)
    assert done.returncode == 1
    for line in done.stdout.splitlines():
        assert DIAG.match(line), line


def test_validate_a_library_on_its_own(tmp_path: Path) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text("""ttx-library: 1
params: {target: the nation hit}
requires-state: [cohesion, support]
injects:
  - id: hit
    at: turn 1
    to: [target]
    text: "{{ target.name }} is hit."
    decision:
      options:
        - {id: a, label: A, requires: "support[target] > 40 and cohesoin > 3", effects: {"support[self]": -2}}
        - {id: b, label: B, effects: {stability: +1}}
      default: a
  - id: later
    after: hit + 1 turn
    to: [victim]
    text: Again.
""")
    done = cli("validate", lib.name, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert all(DIAG.match(line) and line.startswith("lib.yaml:") for line in lines), lines
    text = "\n".join(lines)
    assert "lib.yaml:11:" in text and "cohesoin" in text  # an expression: unknown name, with its line
    assert "stability" in text  # a state variable not in requires-state
    assert "victim" in text  # a recipient that is no parameter
    assert "support[target]" not in text and "'support'" not in text  # shaped as used: per nation
    # and the well-formed library that ships with tabletop is clean
    assert cli("validate", LIBRARY).returncode == 0


def test_validate_library_model_errors_have_positions(tmp_path: Path) -> None:
    lib = tmp_path / "lib.yaml"
    lib.write_text("ttx-library: 1\ninjects:\n  - id: x\n    at: turn 1\n    txet: hi\n")
    done = cli("validate", lib.name, cwd=tmp_path)
    assert done.returncode == 1
    assert "lib.yaml:5:5: error[unknown-field]: unknown field 'txet' (did you mean 'text'?)" in done.stdout


# -- schema ----------------------------------------------------------------------------------------

def test_schema_prints_json_schema_by_alias() -> None:
    done = tabletop("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"ttx", "id", "nations", "injects", "endings"} <= set(schema["properties"])
    assert "from" in schema["$defs"]["Inject"]["properties"]
    lib = json.loads(cli("schema", "--library").stdout)
    assert "ttx-library" in lib["properties"] and "requires-state" in lib["properties"]


# -- scenarios -------------------------------------------------------------------------------------

def test_scenarios_lists_bundled_and_local(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(MINI.read_text())
    done = cli("scenarios", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    by_id = {s["id"]: s for s in listed}
    assert "tutorial" in by_id and by_id["tutorial"]["source"] == "bundled"
    assert by_id["tutorial"]["title"] and Path(by_id["tutorial"]["path"]).is_file()
    assert by_id["mini"]["source"] == "local"
    text = cli("scenarios", cwd=tmp_path)
    assert text.returncode == 0 and "tutorial" in text.stdout and "mine.yaml" in text.stdout


# -- simulate --------------------------------------------------------------------------------------

def test_simulate_json_has_every_id() -> None:
    from exercise.engine.compile import load_scenario

    sc = load_scenario(MINI)
    done = cli("simulate", MINI, "-n", "30", "--seed", "4", "--bots", "cautious", "--json")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    out = json.loads(done.stdout)
    assert out["games"] == 30 and isinstance(out["dead_ends"], int) and out["per_second"] > 0
    assert set(out["injects"]) == set(sc.injects)
    assert set(out["options"]) == {f"{i}/{o}" for i, ci in sc.injects.items() for o in ci.options}
    assert set(out["endings"]) == {e.id for e in sc.endings}
    assert all(isinstance(v, int) and v >= 0 for part in ("injects", "options", "endings") for v in out[part].values())
    assert out["injects"]["crisis"] == 0  # never released by cautious bots: still listed
    assert sum(out["endings"].values()) + out["dead_ends"] == 30


def test_simulate_text_report() -> None:
    done = cli("simulate", MINI, "-n", "40")
    assert done.returncode == 0, done.stderr
    for part in ("40 games", "games/s", "decisions/s", "Endings", "Endings by profile", "Injects:", "Options:",
                 "State ranges", "crisis"):
        assert part in done.stdout, part
    assert re.search(r"holds\s+\d+\s+\d+\.\d%", done.stdout)


def test_simulate_a_bundled_scenario_by_id() -> None:
    done = cli("simulate", "tutorial", "-n", "12", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["games"] == 12


# -- test ------------------------------------------------------------------------------------------

def test_test_passes_and_names_the_line() -> None:
    done = cli("test", MINI.relative_to(REPO))
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^PASS tests/fixtures/mini\.yaml:\d+\s+sharing raises cohesion$", done.stdout, re.M)


def test_test_failure_exit_1_with_location(tmp_path: Path) -> None:
    text = MINI.read_text().replace("expect: {cohesion: 65", "expect: {cohesion: 99")
    text += """  - name: a refused step
    play: [{team: kessland, inject: grid-down, option: share}]
"""
    (tmp_path / "s.yaml").write_text(text)
    done = cli("test", "s.yaml", cwd=tmp_path)
    assert done.returncode == 1
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "sharing raises cohesion" in ln)
    assert f"FAIL s.yaml:{line}  sharing raises cohesion" in done.stdout
    assert "expected cohesion = 99, got 65" in done.stdout
    assert re.search(r"step 1 refused: .*\(s\.yaml:\d+:\d+\)", done.stdout)
    assert "1 failed" in done.stderr or "2 failed" in done.stderr


# -- bad input anywhere: one clear line, never a traceback -----------------------------------------

def test_bad_input_never_gives_a_traceback(tmp_path: Path, broken: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database at all\n" * 50)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    bad_script = tmp_path / "bad-script.yaml"
    bad_script.write_text("steps:\n  - {advance: 1, jump: 3}\n")
    cases = [
        ("log", tmp_path / "missing.sqlite"),
        ("log", garbage), ("log", empty), ("log", foreign), ("log", tmp_path),
        ("verify", tmp_path / "missing.sqlite"), ("verify", garbage), ("verify", foreign),
        ("simulate", broken, "-n", "3"), ("simulate", tmp_path / "missing.yaml"), ("simulate", "no-such-id"),
        ("run", broken, "--db", tmp_path / "a.sqlite", "--bots"),
        ("run", MINI, "--db", garbage, "--bots"),
        ("run", MINI, "--db", tmp_path / "b.sqlite", "--script", tmp_path / "missing.yaml"),
        ("run", MINI, "--db", tmp_path / "c.sqlite", "--script", SCRIPT, "--bots"),
        ("run", MINI, "--db", tmp_path / "d.sqlite", "--script", bad_script),
        ("run", MINI, "--db", tmp_path, "--bots"),
        ("test", broken), ("test", tmp_path / "missing.yaml"),
        ("validate", broken), ("validate", garbage),
    ]
    for args in cases:
        done = cli(*args, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        no_traceback(done)
        assert done.stderr.strip(), args
    # and the same through real processes, for a sample (the rest share the code path)
    sample = [cases[1], cases[6], cases[8], cases[11], cases[-2]]
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda args: (args, tabletop(*args, cwd=tmp_path)), sample))
    for args, done in results:
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        no_traceback(done)
        assert done.stderr.strip(), args
    assert not (tmp_path / "a.sqlite").exists()  # a broken scenario starts no session


def test_error_messages_say_what_is_wrong(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_text("hello")
    done = cli("log", garbage)
    expected = f"error: {garbage}: not a tabletop session file (file is not a database)"
    assert done.stderr.strip().splitlines() == [expected]
    done = cli("verify", tmp_path / "missing.sqlite")
    assert "no such session file" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = cli("run", MINI, "--db", tmp_path / "x.sqlite")
    assert "--script" in done.stderr and "--bots" in done.stderr
    bad_script = tmp_path / "s.yaml"
    bad_script.write_text("steps:\n  - {advance: 1, jump: 3}\n")
    done = cli("run", MINI, "--db", tmp_path / "y.sqlite", "--script", "s.yaml", cwd=tmp_path)
    assert "s.yaml:2:18: error[unknown-field]: unknown field 'jump'" in done.stderr
    assert not (tmp_path / "y.sqlite").exists()


def test_internal_errors_are_one_line_with_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from exercise.cli import main
    from exercise.engine import schema

    def boom() -> dict[str, object]:
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(schema, "scenario_schema", boom)
    monkeypatch.delenv("TABLETOP_DEBUG", raising=False)
    assert main(["schema"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: something broke") and "Traceback" not in err
    monkeypatch.setenv("TABLETOP_DEBUG", "1")
    assert main(["schema"]) == 2
    assert "Traceback" in capsys.readouterr().err


# -- log and verify --------------------------------------------------------------------------------

@pytest.fixture
def session_db(tmp_path: Path) -> Path:
    db = tmp_path / "s.sqlite"
    done = cli("run", MINI, "--db", db, "--script", SCRIPT)
    assert done.returncode == 0, done.stderr
    return db


def test_log_text_and_json(session_db: Path) -> None:
    text = cli("log", session_db)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert re.match(r"^\s*1  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  SessionStarted\s+Mini started", lines[0])
    assert "SessionEnded" in lines[-1] and "Coalition holds" in lines[-1]
    js = tabletop("log", session_db, "--json")
    records = [json.loads(line) for line in js.stdout.splitlines()]
    assert len(records) == len(lines)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    for r in records:
        assert {"seq", "type", "wall", "hash", "v"} <= set(r)
        assert re.fullmatch(r"[0-9a-f]{64}", r["hash"])
    assert records[0]["type"] == "SessionStarted" and records[0]["scenario_id"] == "mini"


def test_verify_detects_tampering(session_db: Path) -> None:
    ok = cli("verify", session_db)
    assert ok.returncode == 0 and ok.stdout.startswith("ok:")
    with sqlite3.connect(session_db) as conn:
        conn.execute("UPDATE events SET payload = replace(payload, 'Stand together', 'Stand apart') WHERE seq = 8")
    conn.close()
    bad = tabletop("verify", session_db)
    assert bad.returncode == 1
    assert "first bad seq 8" in bad.stdout and "8" in bad.stderr
    no_traceback(bad)
    # the log still lists a tampered file (it is evidence), and says nothing false about it
    assert cli("log", session_db).returncode == 0


@pytest.mark.parametrize("command", [("run", "tutorial", "--bots", "--db", "{db}"),
                                     ("simulate", "tutorial", "-n", "1")])
def test_a_seed_beyond_64_bits_is_refused_in_one_line(command: tuple[str, ...], tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    done = cli(*(a.format(db=db) for a in command), "--seed", "9" * 40)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        "refused: the seed must be a whole number from -9223372036854775808 to 9223372036854775807"]
    assert not db.exists()
