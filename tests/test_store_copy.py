"""`tabletop copy` takes the session's own side data along, both ways between a file and PostgreSQL: a hosted
session taken home (or a workshop run offline and uploaded) still accepts its join codes and keeps each team's
unsent draft and each console's place. What is open now (presence) and the cookie key stay where they were."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _postgres import drop_session, fresh_session
from harness import MINI, in_process

from exercise.cli.copy import COPIED_SIDE
from exercise.engine import presence
from exercise.engine.compile import load_scenario
from exercise.engine.roles import Actor
from exercise.live import LiveSession
from exercise.serve import stored
from exercise.serve.codes import JoinCodes
from exercise.ui import controller as ui_controller

DRAFT = {"option": "share", "rationale": "Partners need the indicators — «now»", "message": "half a sen"}
PLACE = '{"tab": "inbox", "inject": "grid-down"}'
SEAT = presence.Seat("team", "norvia", 4242, "laptop-7", "2025-03-01T09:00:00+00:00").to_json()


@pytest.fixture(params=["file to PostgreSQL", "PostgreSQL to file"])
def ends(request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str) -> Iterator[tuple[str, str]]:
    file, pg = str(tmp_path / "workshop.sqlite"), fresh_session(postgres_url, "copy")
    yield (file, pg) if request.param == "file to PostgreSQL" else (pg, file)
    drop_session(pg)


def _hosted(db: str) -> tuple[JoinCodes, str]:
    """A served session as `tabletop serve` leaves it: codes made, a draft and a place kept, a console open."""
    live = LiveSession.create(db, load_scenario(MINI), seed=7, teams={"norvia": "human", "kessland": "bot:cautious"},
                              mode="facilitated")
    try:
        codes = JoinCodes.new(["norvia"])
        stored.replace_codes(live, codes)
        key = stored.cookie_key(live)
        team = ui_controller.SessionController(live, actor=Actor.team("norvia"))
        assert team.save_draft("norvia", DRAFT) is None and team.save_place("team:norvia", PLACE) is None
        live.set_side(presence.SIDE_KIND, "laptop-7:4242:1", SEAT)
        return codes, key.hex()
    finally:
        live.close()


def test_the_copied_kinds_are_the_ones_serve_and_the_consoles_write() -> None:
    assert set(COPIED_SIDE) == {stored.CODES, ui_controller.DRAFT, ui_controller.PLACE}
    assert presence.SIDE_KIND not in COPIED_SIDE and stored.SERVE not in COPIED_SIDE


def test_a_copied_session_accepts_its_codes_and_keeps_its_drafts(ends: tuple[str, str]) -> None:
    src, dst = ends
    codes, src_key = _hosted(src)
    done = in_process("copy", src, dst)
    assert done.returncode == 0, done.stderr
    live = LiveSession.open(dst)
    try:
        hashes = stored.stored_hashes(live)
        assert set(hashes) == set(codes.by_role())
        for role, code in codes.by_role().items():  # what the server does with a typed code
            assert stored.role_for_code(hashes, code.lower().replace("-", " ")) == role
        assert stored.role_for_code(hashes, JoinCodes.new(["norvia"]).facilitator) is None
        team = ui_controller.SessionController(live, actor=Actor.team("norvia"))
        assert team.draft("norvia") == DRAFT
        assert team.place("team:norvia") == PLACE
        assert live.side(presence.SIDE_KIND) == {}  # nobody is at the copy's consoles
        assert live.side(stored.SERVE) == {}  # the copy signs its own cookies
        assert stored.cookie_key(live).hex() != src_key
        assert json.loads(live.side(ui_controller.DRAFT)["norvia"].value) == DRAFT
    finally:
        live.close()
    assert in_process("verify", dst).returncode == 0
