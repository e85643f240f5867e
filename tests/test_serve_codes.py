"""Join codes, their hashes beside the log, the signed cookie and the wrong-code limiter."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from _serve_support import facilitated_mini

from exercise.live import LiveSession
from exercise.serve import cookies, stored
from exercise.serve.codes import ALPHABET, SYMBOLS, JoinCodes, code_matches, hash_code, new_code, normalise
from exercise.serve.ratelimit import FailureLimiter


def test_a_code_carries_at_least_80_bits_in_groups_read_aloud() -> None:
    assert SYMBOLS * math.log2(len(ALPHABET)) >= 80
    code = new_code()
    groups = code.split("-")
    assert len(groups) == 5 and all(len(g) == 4 for g in groups)
    assert set(code.replace("-", "")) <= set(ALPHABET) and not set("ILOU") & set(code)
    assert len({new_code() for _ in range(200)}) == 200


def test_a_code_is_read_back_as_people_copy_it() -> None:
    code = "K3M9-T2QX-7HDR-W4ZB-N8C0"
    assert normalise("k3m9 t2qx 7hdr w4zb n8cO") == code  # lower case, spaces, O for 0
    assert normalise("K3M9T2QX7HDRW4ZBN8C0") == code
    assert normalise("K3M9-T2QX-7HDR-W4ZB") is None  # too short
    assert normalise("K3M9-T2QX-7HDR-W4ZB-N8C!") is None
    assert normalise("x" * 10_000) is None


def test_a_hash_matches_its_code_only_and_each_has_its_own_salt() -> None:
    code = new_code()
    first, second = hash_code(code), hash_code(code)
    assert first != second
    assert code_matches(code, first) and code_matches(code, second)
    assert not code_matches(new_code(), first)
    assert code not in first
    crafted = json.dumps({**json.loads(first), "n": 2**30})  # a file asking for a ruinous cost matches nothing
    assert not code_matches(code, crafted)
    assert not code_matches(code, "not json")


def test_the_session_file_keeps_the_codes_only_as_hashes(tmp_path: Path) -> None:
    served = facilitated_mini(tmp_path)
    assert set(served.hashes) == {"control", "observer", "team:norvia"}
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("mini.sqlite"))
    for code in served.codes.by_role().values():
        for form in (code, code.replace("-", "")):
            assert form.encode() not in raw
    assert stored.role_for_code(served.hashes, served.codes.teams["norvia"]) == "team:norvia"
    assert stored.role_for_code(served.hashes, served.codes.facilitator) == "control"
    assert stored.role_for_code(served.hashes, new_code()) is None


def test_new_codes_replace_the_old_ones_and_the_cookie_key(tmp_path: Path) -> None:
    served = facilitated_mini(tmp_path)
    live = LiveSession.open(served.db)
    try:
        assert stored.cookie_key(live) == served.cookie_key  # kept: a restarted server knows its cookies
        fresh = JoinCodes.new([])  # Norvia handed to a bot since: its role goes
        stored.replace_codes(live, fresh)
        hashes = stored.stored_hashes(live)
        key = stored.cookie_key(live)
    finally:
        live.close()
    assert set(hashes) == {"control", "observer"}
    assert stored.role_for_code(hashes, served.codes.facilitator) is None
    assert stored.role_for_code(hashes, fresh.facilitator) == "control"
    assert key != served.cookie_key
    old_cookie = cookies.sign("control", served.cookie_key, time.time())
    assert cookies.verify(old_cookie, key, time.time()) is None


def test_a_cookie_names_its_role_until_it_is_altered_or_too_old() -> None:
    key, now = b"s" * 32, 1_000_000.0
    value = cookies.sign("team:norvia", key, now)
    assert cookies.verify(value, key, now + 60) == "team:norvia"
    assert cookies.verify(value, key, now + cookies.MAX_AGE_SECONDS + 1) is None
    assert cookies.verify(value, key, now - 60) is None  # issued in the future: not ours
    assert cookies.verify(value + "x", key, now) is None
    assert cookies.verify(value.replace(".", ".."), key, now) is None
    for bad in (None, "", "x" * 5000, "é.é", "a.b"):
        assert cookies.verify(bad, key, now) is None


def test_the_limiter_blocks_an_address_for_a_while_and_remembers_a_bounded_number() -> None:
    limiter = FailureLimiter(max_failures=3, window=10, block=20, max_addresses=100)
    for t in (0.0, 1.0):
        limiter.failed("a", t)
    assert limiter.wait("a", 2.0) == 0
    limiter.failed("a", 2.0)
    assert limiter.wait("a", 2.0) == pytest.approx(20)
    assert limiter.wait("a", 23.0) == 0
    for t in (0.0, 11.0, 22.0):  # failures spread wider than the window never add up
        limiter.failed("b", t)
    assert limiter.wait("b", 22.0) == 0
    for n in range(10_000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}", 30.0)
    assert len(limiter) == 100
