"""The serve load bench's harness in small (bench/serve_load.py): a real `tabletop serve` of Northern Shield, control,
two teams and an observer playing through a few seconds over textual-serve's websocket protocol. Asserted: every
decision, message and advance the screens acknowledged is in the log, and `tabletop verify` passes. Timings are
the bench's to print (`make bench`), never asserted here."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the bench package sits beside tests/

from bench.serve_load import Plan, check_log, play


def test_a_small_served_workshop_loses_nothing_it_acknowledged_and_verifies(tmp_path: Path) -> None:
    tally, db = asyncio.run(play(Plan(seconds=4, teams=2, observers=1, alone_rounds=0, bare=False), tmp_path))
    checks = check_log(tally, db)
    assert tally.failures == [], checks
    # something was acknowledged, so the comparison with the log compared something
    assert tally.advances >= 1 and tally.messages, (tally, checks)
    assert any(what == "tabletop verify" and result.startswith("exit 0") for what, result in checks), checks
    assert len(tally.first["ours: the room fills"]) == 4  # control, two teams and the observer saw their consoles
