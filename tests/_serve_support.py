"""A served session for the serve tests: a facilitated Mini (Norvia played by people, Kessland by its bot) with
fresh join codes, and the server's aiohttp application under aiohttp's test client."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import MINI

from exercise.engine.compile import load_scenario
from exercise.live import LiveSession
from exercise.serve import stored
from exercise.serve.codes import JoinCodes


@dataclass
class Served:
    db: Path
    codes: JoinCodes
    hashes: dict[str, str]
    cookie_key: bytes


def facilitated_mini(tmp_path: Path) -> Served:
    db = tmp_path / "mini.sqlite"
    live = LiveSession.create(db, load_scenario(MINI), seed=7, teams={"norvia": "human", "kessland": "bot:cautious"},
                              mode="facilitated")
    try:
        codes = JoinCodes.new(["norvia"])
        stored.replace_codes(live, codes)
        return Served(db, codes, stored.stored_hashes(live), stored.cookie_key(live))
    finally:
        live.close()
