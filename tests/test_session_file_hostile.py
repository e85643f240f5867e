"""Crafted session files, as one arriving from another organisation might be: each is refused (or read for
what it is) with one clear line and exit 1, in bounded time and memory, and none makes tabletop touch a path
it names."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from _session_files import copy_of, one_error_line, played, tamper
from harness import MINI, Done, bounded, in_process, no_traceback

from exercise.store import APPLICATION_ID, SCHEMA_VERSION
from exercise.store.base import MAX_VALUE_BYTES

READERS = (("verify",), ("log",), ("report", "--format", "md", "-o", "{out}"),
           ("export", "--format", "jsonl,csv", "-o", "{out}"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return played(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    return copy_of(base, tmp_path)


def each_command(db: Path, out: Path) -> list[tuple[tuple[str, ...], Done]]:
    """Every command that opens a session file, run on `db` under the hostile-input limits."""
    runs = []
    for args in (*READERS, ("run", str(MINI), "--bots")):
        filled = tuple(a.replace("{out}", str(out)) for a in args)
        runs.append((filled, bounded(filled[0], db, *filled[1:]) if filled[0] != "run"
                     else bounded("run", MINI, "--db", db, "--bots")))
    return runs


def refused_everywhere(db: Path, out: Path, pattern: str) -> None:
    """Every command exits 1 with one error line matching `pattern` (verify may give its details on stdout),
    no escape sequence from the file reaches the terminal, and each stays within the hostile-input limits."""
    for args, done in each_command(db, out):
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        line = one_error_line(done)
        assert "\x1b" not in done.stdout + done.stderr, args
        assert re.search(pattern, line + done.stdout), (args, line)


# -- rows the store never writes ------------------------------------------------------------------


def test_a_huge_payload_row_is_refused_without_reading_it(db: Path, tmp_path: Path) -> None:
    tamper(db, ("UPDATE events SET payload = ? WHERE seq = 2", ("[" + " " * (MAX_VALUE_BYTES + 2 * 2**20) + "]",)))
    refused_everywhere(db, tmp_path / "out", "too long")


@pytest.mark.parametrize("statement", [
    "UPDATE events SET payload = CAST(payload AS BLOB) WHERE seq = 3",
    "UPDATE events SET type = CAST(type AS BLOB) WHERE seq = 3",
    "UPDATE events SET wall = x'00ff' WHERE seq = 3",
])
def test_values_of_the_wrong_type_are_refused(db: Path, tmp_path: Path, statement: str) -> None:
    tamper(db, statement)
    refused_everywhere(db, tmp_path / "out", "wrong type")


@pytest.mark.parametrize("payload", ["this is not json", "[1, 2, 3]", "[" * 200_000 + "]" * 200_000],
                         ids=["not-json", "array", "deeply-nested"])
def test_a_payload_that_is_not_an_event_object_is_refused(db: Path, tmp_path: Path, payload: str) -> None:
    tamper(db, ("UPDATE events SET payload = ? WHERE seq = 3", (payload,)))
    refused_everywhere(db, tmp_path / "out", r"(event|seq) 3\b")


# -- paths named inside the file ------------------------------------------------------------------


def test_paths_in_the_stored_copy_are_never_read_or_written(db: Path, tmp_path: Path) -> None:
    """A stored file named like a real one (relative with '..', or absolute) is only ever text in memory: the
    commands neither read the real file (its words would show) nor write one."""
    outside = tmp_path / "victim.yaml"
    outside.write_text(MINI.read_text(encoding="utf-8").replace("Blackouts", "DISK-COPY"), encoding="utf-8")
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    stored = MINI.read_text(encoding="utf-8")
    tamper(db, ("INSERT INTO sources VALUES (?, ?)", (str(outside), stored)),
           ("INSERT INTO sources VALUES ('../../planted.yaml', ?)", (stored,)),
           ("UPDATE meta SET value = ? WHERE key = 'main'", (str(outside),)))
    verify = bounded("verify", db, cwd=work)
    assert verify.returncode == 1 and "added:" in verify.stdout
    report = bounded("report", db, "--format", "md", "-o", tmp_path / "out", cwd=work)
    no_traceback(report)
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.md"))
    assert "DISK-COPY" not in text and "Blackouts" in text
    assert not (tmp_path / "planted.yaml").exists()
    assert "DISK-COPY" in outside.read_text(encoding="utf-8")  # untouched


def test_a_main_entry_naming_no_stored_file_is_refused(db: Path, tmp_path: Path) -> None:
    tamper(db, "UPDATE meta SET value = '/etc/passwd' WHERE key = 'main'")
    done = bounded("report", db, "--format", "md", "-o", tmp_path / "out")
    assert done.returncode == 1 and "holds no scenario snapshot" in one_error_line(done)
    verify = bounded("verify", db)
    assert verify.returncode == 1 and "meta 'main' names '/etc/passwd'" in verify.stdout


# -- the path itself ------------------------------------------------------------------------------


def test_a_symbolic_link_is_refused_as_the_session_path(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.sqlite"
    link.symlink_to(db)
    refused_everywhere(link, tmp_path / "out", "symbolic link")
    dangling = tmp_path / "dangling.sqlite"
    dangling.symlink_to(tmp_path / "target-chosen-by-the-sender.sqlite")
    done = bounded("run", MINI, "--db", dangling, "--bots")
    assert done.returncode == 1 and "symbolic link" in one_error_line(done)
    assert not (tmp_path / "target-chosen-by-the-sender.sqlite").exists()


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    refused_everywhere(fifo, tmp_path / "out", r"not a (regular )?file \(a named pipe\)")


def test_a_folder_is_refused_saying_what_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    refused_everywhere(folder, tmp_path / "out", r"not a (regular )?file \(a (folder|directory)\)")


def test_a_huge_sparse_file_is_refused_at_once(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.sqlite"
    with sparse.open("wb") as fh:
        fh.truncate(8 * 2**30)  # 8 GiB of nothing: costs no disk, and must cost no memory or time either
    refused_everywhere(sparse, tmp_path / "out", r"not a tabletop session file")


# -- objects and settings inside the file ---------------------------------------------------------


@pytest.mark.parametrize("statement", [
    "CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM meta; END",
    "CREATE TRIGGER \"\x1b[2Jevil\" BEFORE UPDATE ON meta BEGIN SELECT 1; END",
    "CREATE VIEW everything AS SELECT * FROM events",
    "CREATE TABLE extra (x)",
    "CREATE INDEX by_type ON events (type)",
    "CREATE INDEX by_kind ON side (kind)",
    "CREATE TRIGGER keep AFTER DELETE ON side BEGIN SELECT 1; END",
])
def test_objects_tabletop_did_not_create_are_refused_before_any_write(db: Path, tmp_path: Path,
                                                                      statement: str) -> None:
    tamper(db, statement)
    meta_before = _meta(db)
    refused_everywhere(db, tmp_path / "out", "tabletop does not create")
    assert _meta(db) == meta_before  # the trigger never ran: nothing was written


def test_a_schema_too_large_to_be_ours_is_refused_before_it_is_parsed(db: Path, tmp_path: Path) -> None:
    tamper(db, "CREATE TRIGGER big AFTER INSERT ON events BEGIN " + "SELECT 1;" * 100_000 + " END")
    refused_everywhere(db, tmp_path / "out", "not a tabletop session file")


def test_a_table_defined_otherwise_is_refused(tmp_path: Path, base: Path) -> None:
    db = tmp_path / "s.sqlite"
    source = sqlite3.connect(base)
    target = sqlite3.connect(db)
    target.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, type BLOB, v, wall, payload, prev_hash, hash)")
    target.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    target.execute("CREATE TABLE sources (path TEXT PRIMARY KEY, text TEXT)")
    for table in ("events", "meta", "sources"):
        rows = source.execute(f"SELECT * FROM {table}").fetchall()
        marks = ", ".join("?" * len(rows[0]))
        target.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    target.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    target.execute("PRAGMA user_version = 1")  # the schema of these three tables, before the side table
    target.commit()
    target.close()
    source.close()
    refused_everywhere(db, tmp_path / "out", "not defined as tabletop defines it")


def test_settings_baked_into_the_file_change_nothing(db: Path, tmp_path: Path) -> None:
    """A huge suggested cache, another page size, rollback journal and auto-vacuum: the file reads and resumes
    as it is, within the memory and time limits (the store sets its own cache size on every open)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA page_size = 65536")
    conn.execute("PRAGMA auto_vacuum = FULL")
    conn.execute("VACUUM")
    conn.execute("PRAGMA default_cache_size = 2000000000")
    conn.close()
    done = bounded("verify", db)
    assert done.returncode == 0, done.stderr
    assert bounded("log", db).returncode == 0
    assert bounded("report", db, "--format", "md", "-o", tmp_path / "out").returncode == 0


def test_a_utf16_copy_of_a_session_reads_the_same(db: Path, tmp_path: Path) -> None:
    """SQLite converts text between encodings, so a session re-encoded as UTF-16 holds the same rows and
    verifies; the store never hashes bytes as the file stores them."""
    target = tmp_path / "utf16.sqlite"
    source = sqlite3.connect(db)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(sql)
    for table in ("events", "meta", "sources"):
        rows = source.execute(f"SELECT * FROM {table}").fetchall()
        conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    assert conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-16le"
    conn.close()
    source.close()
    assert in_process("log", target, "--json").stdout == in_process("log", db, "--json").stdout
    assert bounded("verify", target).returncode == 0


def _meta(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()
