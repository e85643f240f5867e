"""The session file as a whole can be trusted: verify covers the stored scenario copy and the file's structure,
new files are private, and read-only media can be read (but not written) with plain words either way."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from _session_files import copy_of, on_read_only_mount, one_error_line, played, read_only_mount_works, tamper
from harness import MINI, in_process, no_traceback

from exercise.engine.compile import CompiledScenario, content_hash, load_scenario
from exercise.live import LiveSession, SessionFileError, verify_session
from exercise.store import EventStore, StoreError


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return played(tmp_path_factory.mktemp("session-file"))


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    return copy_of(base, tmp_path)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- verify: the stored scenario copy -----------------------------------------------------------


def test_verify_says_the_copy_is_intact(db: Path) -> None:
    done = in_process("verify", db)
    assert done.returncode == 0, done.stderr
    assert "chain intact" in done.stdout and "scenario copy intact (1 file)" in done.stdout


def test_an_edited_copy_fails_verify_naming_the_file_and_the_intact_chain(db: Path) -> None:
    tamper(db, "UPDATE sources SET text = replace(text, 'Blackouts', 'Sunshine')")
    done = in_process("verify", db)
    assert done.returncode == 1
    assert "changed: 'mini.yaml'" in done.stdout and "chain intact" in done.stdout
    assert "hash chain is intact" in one_error_line(done)


@pytest.mark.parametrize(("statement", "expected"), [
    ("INSERT INTO sources VALUES ('../../etc/passwd', 'root:x:0:0')", "added: '../../etc/passwd'"),
    ("INSERT INTO sources VALUES ('/etc/passwd', 'root:x:0:0')", "added: '/etc/passwd'"),
    ("DELETE FROM sources", "missing: 'mini.yaml'"),
    ("UPDATE meta SET value = 'other' WHERE key = 'scenario_id'", "meta 'scenario_id' says 'other'"),
    ("UPDATE meta SET value = 'elsewhere.yaml' WHERE key = 'main'", "meta 'main' names 'elsewhere.yaml'"),
])
def test_every_change_to_the_copy_and_its_meta_fails_verify(db: Path, statement: str, expected: str) -> None:
    tamper(db, statement)
    done = in_process("verify", db)
    assert done.returncode == 1, done.stdout
    assert expected in done.stdout


def test_a_broken_chain_and_a_changed_copy_are_both_reported(db: Path) -> None:
    tamper(db, "UPDATE events SET payload = replace(payload, 'cautious', 'reckless') WHERE seq = 1",
           "UPDATE sources SET text = text || '# edited'")
    done = in_process("verify", db)
    assert done.returncode == 1
    assert "first bad seq 1" in done.stdout and "changed: 'mini.yaml'" in done.stdout
    line = one_error_line(done)
    assert "broken at seq 1" in line and "scenario copy" in line


def test_a_log_without_file_hashes_still_catches_a_changed_copy(tmp_path: Path) -> None:
    """Logs from before SessionStarted v2 record one hash for the whole copy: the change is still caught."""
    sources = {"mini.yaml": MINI.read_text(encoding="utf-8")}
    db = tmp_path / "v1.sqlite"
    meta = {"scenario_id": "mini", "main": "mini.yaml"}
    with EventStore.create(db, meta=meta, sources=sources) as store:
        store.append([{"type": "SessionStarted", "v": 1, "scenario_id": "mini", "scenario_title": "Mini",
                       "scenario_hash": content_hash(sources), "seed": 1, "teams": {}}])
    assert verify_session(db).ok
    tamper(db, "UPDATE sources SET text = text || '# edited'")
    result = verify_session(db)
    assert not result.ok and result.chain.ok
    assert "cannot be named" in result.message


def test_a_damaged_file_fails_verify_where_the_chain_alone_would_pass(db: Path) -> None:
    """A key of the sources index changed on disk: every row still reads and hashes right, only SQLite's
    integrity check sees it (quick_check does not: it skips comparing indexes with their tables)."""
    with EventStore.open(db) as store:
        page_size = store._live().execute("PRAGMA page_size").fetchone()[0]
        root = store._live().execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_sources_1'").fetchone()[0]
    data = bytearray(db.read_bytes())
    page = slice((root - 1) * page_size, root * page_size)
    at = data[page].rindex(b"mini.yaml")
    data[page.start + at] = ord("X")
    db.write_bytes(bytes(data))
    done = in_process("verify", db)
    assert done.returncode == 1
    assert "missing from index" in done.stdout and "chain intact" in done.stdout
    assert "the file is damaged" in one_error_line(done)


def test_verify_changes_nothing_in_the_file(db: Path) -> None:
    before = digest(db)
    assert in_process("verify", db).returncode == 0
    assert in_process("log", db, "--json").returncode == 0
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]  # no -wal or -shm left behind


# -- what readers and writers do with a changed copy --------------------------------------------


def test_a_changed_copy_is_never_continued(db: Path) -> None:
    tamper(db, "UPDATE sources SET text = replace(text, 'Blackouts', 'Sunshine')")
    with pytest.raises(SessionFileError, match="changed after the session started"):
        LiveSession.open(db)
    done = in_process("run", MINI, "--db", db, "--bots")
    assert done.returncode == 1
    assert "changed: 'mini.yaml'" in one_error_line(done)


def test_a_reader_is_told_what_changed(db: Path) -> None:
    tamper(db, "UPDATE sources SET text = replace(text, 'Blackouts', 'Sunshine')")
    live, _facts = LiveSession.open_with_facts(db)
    try:
        assert live.copy_problems == ["changed: 'mini.yaml'"]
        result = live.verify()
        assert not result.ok and result.chain.ok and result.events == result.chain.events > 0
        assert "scenario copy changed" in result.message
    finally:
        live.close()


def test_log_warns_and_shows_the_events_as_stored_when_the_copy_changed(db: Path) -> None:
    described = in_process("log", db)
    assert "Blackouts across Norvia" in described.stdout  # the inject's words, as played
    tamper(db, "UPDATE sources SET text = replace(text, 'turns: 3', 'turns: 4')")
    done = in_process("log", db)
    assert done.returncode == 0
    assert "warning:" in done.stderr and "changed: 'mini.yaml'" in done.stderr
    assert '"inject": "grid-down"' in done.stdout  # the stored fields, not words from the changed copy
    assert len(done.stdout.splitlines()) == len(described.stdout.splitlines())


# -- permissions ---------------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_new_session_files_and_their_folders_are_private_whatever_the_umask(tmp_path: Path, umask: None,
                                                                               mask: int) -> None:
    os.umask(mask)
    db = tmp_path / "made" / "here" / "s.sqlite"
    live = LiveSession.create(db, _mini(), seed=1, teams={})
    try:
        live.execute(lambda s: s.advance())
        files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in db.parent.iterdir()}
        # While the session is open SQLite keeps its -wal and -shm files beside it, with the same mode.
        assert files == {"s.sqlite": 0o600, "s.sqlite-wal": 0o600, "s.sqlite-shm": 0o600}
    finally:
        live.close()
    assert stat.S_IMODE((tmp_path / "made").stat().st_mode) == 0o700
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_an_existing_file_keeps_its_mode_and_verify_notes_who_can_read_it(db: Path) -> None:
    db.chmod(0o644)
    done = in_process("verify", db)
    assert done.returncode == 0
    assert "other users on this machine can open this session file" in done.stderr and "chmod 600" in done.stderr
    LiveSession.open(db).close()  # opened for play: the mode stays the owner's choice
    assert stat.S_IMODE(db.stat().st_mode) == 0o644
    db.chmod(0o600)
    assert "chmod" not in in_process("verify", db).stderr


def _mini() -> CompiledScenario:
    return load_scenario(MINI)


# -- read-only media -----------------------------------------------------------------------------

needs_mount = pytest.mark.skipif(not read_only_mount_works(), reason="no read-only bind mount here (needs root)")


@needs_mount
def test_read_commands_work_on_a_read_only_file_system(db: Path, tmp_path: Path) -> None:
    out = tmp_path.parent / f"{tmp_path.name}-out"  # outside the mounted folder: the output must be writable
    events = len(in_process("log", db, "--json").stdout.splitlines())
    done = on_read_only_mount(db.parent, "verify", db.name)
    assert done.returncode == 0, done.stderr
    assert f"chain intact: {events} events" in done.stdout
    log = on_read_only_mount(db.parent, "log", db.name, "--json")
    assert log.returncode == 0 and len(log.stdout.splitlines()) == events
    report = on_read_only_mount(db.parent, "report", db.name, "--format", "md", "-o", out)
    assert report.returncode == 0, report.stderr
    export = on_read_only_mount(db.parent, "export", db.name, "--format", "jsonl,csv,msel-csv,msel-xlsx", "-o", out)
    assert export.returncode == 0, export.stderr
    assert len((out / "s.jsonl").read_text(encoding="utf-8").splitlines()) == events
    assert (out / "s-msel.csv").read_text(encoding="utf-8").startswith("Number,Inject,")
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


@needs_mount
def test_sessions_on_a_read_only_file_system_are_compared(db: Path, tmp_path: Path) -> None:
    other = copy_of(db, tmp_path, "t.sqlite")
    out = tmp_path.parent / f"{tmp_path.name}-out"
    done = on_read_only_mount(db.parent, "report", db.name, other.name, "--compare", "--format", "md", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "| **B** | `t.sqlite` |" in (out / "s-vs-t-comparison.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name, other.name]


@needs_mount
@pytest.mark.parametrize("args", [("run", MINI, "--db", "s.sqlite", "--bots"),
                                  ("play", "--db", "s.sqlite", "--team", "norvia")])
def test_write_commands_say_the_file_is_read_only(db: Path, args: tuple[object, ...]) -> None:
    before = digest(db)
    done = on_read_only_mount(db.parent, *args)
    assert done.returncode == 1
    line = one_error_line(done)
    assert "read-only" in line and "not a tabletop session file" not in line
    assert digest(db) == before


@needs_mount
def test_an_unfinished_session_copied_with_its_wal_and_shm_reads_whole(tmp_path: Path) -> None:
    """A session copied while it was open (its newest events only in -wal): read through the -shm that came
    with it, every event is there."""
    db = tmp_path / "s.sqlite"
    live = _open_with_events_in_wal(db)
    try:
        events = live.store.last_seq()
        frozen = tmp_path / "frozen"
        frozen.mkdir()
        for suffix in ("", "-wal", "-shm"):
            (frozen / f"s.sqlite{suffix}").write_bytes(Path(f"{db}{suffix}").read_bytes())
    finally:
        live.close()
    done = on_read_only_mount(frozen, "verify", "s.sqlite")
    assert done.returncode == 0, done.stderr
    assert f"chain intact: {events} events" in done.stdout


@needs_mount
def test_a_wal_without_its_shm_on_read_only_media_is_refused_not_shown_short(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    live = _open_with_events_in_wal(db)
    try:
        frozen = tmp_path / "frozen"
        frozen.mkdir()
        for suffix in ("", "-wal"):
            (frozen / f"s.sqlite{suffix}").write_bytes(Path(f"{db}{suffix}").read_bytes())
    finally:
        live.close()
    done = on_read_only_mount(frozen, "verify", "s.sqlite")
    assert done.returncode == 1
    line = one_error_line(done)
    assert "s.sqlite-wal" in line and "writable folder" in line


@needs_mount
def test_a_new_session_on_read_only_media_is_refused_in_one_line(tmp_path: Path) -> None:
    done = on_read_only_mount(tmp_path, "run", MINI, "--db", "new.sqlite", "--bots")
    assert done.returncode == 1
    assert "read-only" in one_error_line(done).lower()
    assert list(tmp_path.iterdir()) == []


def _open_with_events_in_wal(db: Path) -> LiveSession:
    live = LiveSession.create(db, _mini(), seed=1, teams={})
    conn = live.store._live()
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep the events in the -wal file, as a busy session has them
    live.execute(lambda s: s.advance())
    return live


def _chattr(path: Path, flag: str) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture
def immutable(db: Path) -> Iterator[Path]:
    if not _chattr(db, "+i"):
        pytest.skip("chattr +i is not available on this file system")
    try:
        yield db
    finally:
        _chattr(db, "-i")


def test_an_immutable_file_is_read_and_refused_for_writing(immutable: Path) -> None:
    """The immutable attribute refuses writes to root as well: the honest stand-in for a 0444 file."""
    assert in_process("verify", immutable).returncode == 0
    done = in_process("run", MINI, "--db", immutable, "--bots")
    assert done.returncode == 1
    assert "the session file is read-only (the file is read-only)" in one_error_line(done)
    with pytest.raises(SessionFileError, match="read-only"):
        LiveSession.open(immutable)
    with EventStore.open(immutable) as store:  # the store opens it to read, and says why it will not write
        assert store.read_only == "the file is read-only"
        with pytest.raises(StoreError, match="read-only"):
            store.append([{"type": "Tick", "v": 1}])


def test_json_log_escapes_what_a_terminal_would_obey(db: Path) -> None:
    with EventStore.open(db) as store:  # the session has ended: a message is added as another tool might
        store.append([{"type": "MessageSent", "v": 1, "sender": "control", "to": ["norvia"], "channel": "direct",
                       "text": "csi \u009b2J and rlo \u202e"}])
    done = in_process("log", db, "--json")
    no_traceback(done)
    assert "\u009b" not in done.stdout and "\u202e" not in done.stdout
    last = json.loads(done.stdout.splitlines()[-1])
    assert last["text"] == "csi \u009b2J and rlo \u202e"  # the same text once parsed
    plain = in_process("log", db)
    assert "\u009b" not in plain.stdout and "<U+009B>" in plain.stdout
