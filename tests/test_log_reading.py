"""Reading a log once (issue 15): the chain walked on the rows a session is opened from says what `verify` says,
the events built in that pass are those the stored payloads hold, and readers that stream (export, the report's
timeline) give what reading whole gave."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from exercise.engine.events import event_to_dict
from exercise.live import LiveSession
from exercise.live_log import read_log
from exercise.report import ReportError, write_report
from exercise.report import record as report_record
from exercise.report.export import export
from exercise.report.scripted import run_script, stepping_clock
from exercise.store import EventStore, VerifyResult, canonical_json, chain_hash

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial"
SCRIPT = ROOT / "tests" / "fixtures" / "scripts" / "report_session.yaml"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reading") / "session.sqlite"
    run_script(TUTORIAL, path, SCRIPT, clock=stepping_clock()).close()
    return path


@pytest.fixture
def db(base: Path, tmp_path: Path) -> Path:
    return Path(shutil.copyfile(base, tmp_path / "s.sqlite"))


def _sql(db: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(sql, params)
    finally:
        conn.close()


def _rehash_from(db: Path, seq: int) -> None:
    """Recompute the chain from `seq` on, as someone covering their tracks would (the chain is no signature)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        prev = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq - 1,)).fetchone()[0]
        rows = conn.execute("SELECT seq, wall, payload FROM events WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
        for s, wall, text in rows:
            digest = chain_hash(prev, s, wall, text)
            conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, s))
            prev = digest
        conn.execute("UPDATE meta SET value = ? WHERE key = 'store.head_hash'", (prev,))
    finally:
        conn.close()


def _walked_and_verified(db: Path) -> tuple[VerifyResult | None, VerifyResult]:
    with EventStore.open(db, write=False) as store:
        return read_log(store).chain, store.verify()


def test_the_chain_walked_while_reading_is_what_verify_says_of_an_intact_log(db: Path) -> None:
    walked, verified = _walked_and_verified(db)
    assert walked == verified
    assert verified.ok and verified.events > 40


@pytest.mark.parametrize(("sql", "rehash", "first_bad"), [
    # content changed, hash left: broken at that row
    ("UPDATE events SET payload = replace(payload, 'Received.', 'Ignored.') WHERE seq = 6", False, 6),
    # the same JSON written another way (not canonical): still the same event, the chain holds
    ("UPDATE events SET payload = replace(payload, ',', ', ') WHERE seq = 6", False, None),
    # a version dropped from the payload, hashes recomputed: the type/v columns no longer agree with it
    ("UPDATE events SET payload = replace(payload, ',\"v\":1', '') WHERE seq = 6", True, 6),
    # the type column changed: it is outside the hashed text, so it must agree with the payload
    ("UPDATE events SET type = 'SessionPaused' WHERE seq = 6", False, 6),
], ids=["content", "reformatted", "no-version", "type-column"])
def test_a_changed_row_is_judged_as_verify_judges_it(db: Path, sql: str, rehash: bool, first_bad: int | None) -> None:
    _sql(db, sql)
    if rehash:
        _rehash_from(db, 6)
    walked, verified = _walked_and_verified(db)
    assert walked == verified
    assert verified.first_bad_seq == first_bad and verified.ok == (first_bad is None)


def test_a_log_opened_in_one_pass_holds_the_stored_events(db: Path) -> None:
    live, facts = LiveSession.open_with_facts(db)
    try:
        stored = live.store.read()
        assert [event_to_dict(e.event) for e in live.state.log] == [r.payload for r in stored]
        assert [(e.seq, e.at) for e in live.state.log] == [(r.seq, r.wall) for r in stored]
        assert (facts.events, facts.first_hash, facts.head_hash) == (len(stored), stored[0].hash, stored[-1].hash)
        assert facts.by_type["MessageSent"] == sum(r.type == "MessageSent" for r in stored)
    finally:
        live.close()


def test_an_event_with_a_good_hash_that_is_no_event_is_refused_in_one_line(db: Path) -> None:
    # The chain holds (hashes recomputed), but the payload lacks a field every message has.
    _sql(db, "UPDATE events SET payload = replace(payload, '\"text\":', '\"note\":') WHERE seq = 6")
    _rehash_from(db, 6)
    with pytest.raises(ReportError, match=r"an event in the log cannot be read"):
        write_report(db, ["md"], db.parent / "out")


def test_an_export_that_meets_a_bad_row_half_way_leaves_no_file(db: Path, tmp_path: Path) -> None:
    last = json.loads(export(db, ["jsonl"], tmp_path / "good")[0].read_text().splitlines()[-1])["seq"]
    _sql(db, "UPDATE events SET payload = 'not json' WHERE seq = ?", last - 1)
    out = tmp_path / "out"
    with pytest.raises(ReportError, match=rf"event {last - 1}\b"):
        export(db, ["jsonl"], out)
    assert list(out.iterdir()) == []


def test_the_timeline_made_as_it_is_read_is_the_timeline_kept(base: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    kept = write_report(base, ["md", "html"], tmp_path / "kept")
    monkeypatch.setattr(report_record, "KEEP_UP_TO", 0)  # every log is then "long"
    made = write_report(base, ["md", "html"], tmp_path / "made")
    for a, b in zip(kept, made, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert b"Received." in made[1].read_bytes()  # the timeline is there, not empty in both


def test_streamed_jsonl_hashes_as_the_chain_says(db: Path, tmp_path: Path) -> None:
    lines = [json.loads(x) for x in export(db, ["jsonl"], tmp_path)[0].read_text().splitlines()]
    prev = "0" * 64
    for rec in lines:
        assert rec["prev_hash"] == prev
        assert chain_hash(prev, rec["seq"], rec["wall"], canonical_json(rec["payload"])) == rec["hash"]
        prev = rec["hash"]
