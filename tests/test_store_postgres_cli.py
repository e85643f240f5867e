"""The command line on a PostgreSQL session: every command that takes a DB takes the URL, and a password in it is
never printed, logged or written into a report."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from _postgres import drop_session, fresh_session
from harness import TUTORIAL, tabletop

SECRET = "s3cretPW9zq"  # the test server trusts its users, so any password connects: the point is where it shows


@pytest.fixture
def with_password(postgres_url: str) -> Iterator[str]:
    parts = urlsplit(fresh_session(postgres_url, "pw"))
    user = parts.username or getpass.getuser()
    host = parts.netloc.rsplit("@", 1)[-1]
    db = urlunsplit((parts.scheme, f"{user}:{SECRET}@{host}", parts.path, parts.query, parts.fragment))
    yield db
    drop_session(db)


def test_no_command_prints_or_writes_the_password(with_password: str, tmp_path: Path) -> None:
    db = with_password
    seen = []
    for args in (("run", TUTORIAL, "--db", db, "--bots", "--seed", "3"), ("log", db), ("verify", db),
                 ("export", db, "--format", "jsonl,csv", "-o", tmp_path),
                 ("report", db, "--format", "md,html", "-o", tmp_path), ("copy", db, tmp_path / "home.sqlite"),
                 ("copy", tmp_path / "home.sqlite", db)):
        done = tabletop(*args)
        seen.append(done.stdout + done.stderr)
        assert "Traceback" not in done.stderr
    assert all(SECRET not in text for text in seen)
    assert "already exists" in seen[-1]  # the copy back was refused: the session is there
    assert "***" in seen[2] and "ok:" in seen[2]  # verify names the database, its password hidden
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".jsonl", ".csv")]
    assert len(written) >= 4
    assert all(SECRET not in p.read_text(encoding="utf-8") for p in written)


def test_a_server_that_does_not_answer_is_one_line_without_the_password() -> None:
    done = tabletop("log", f"postgresql://ann:{SECRET}@127.0.0.1:1/test#w1")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "cannot connect" in done.stderr
    assert SECRET not in done.stderr and "Traceback" not in done.stderr
